/** Haven transport. */
@NullMarked
package org.haven.server.transport;

import org.jspecify.annotations.NullMarked;
