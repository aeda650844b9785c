/** Haven auth. */
@NullMarked
package org.haven.server.auth;

import org.jspecify.annotations.NullMarked;
