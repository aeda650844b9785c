/** Haven connection. */
@NullMarked
package org.haven.server.connection;

import org.jspecify.annotations.NullMarked;
