/** Haven config. */
@NullMarked
package org.haven.server.config;

import org.jspecify.annotations.NullMarked;
