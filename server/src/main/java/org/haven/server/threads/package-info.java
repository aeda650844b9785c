/** Haven threads. */
@NullMarked
package org.haven.server.threads;

import org.jspecify.annotations.NullMarked;
