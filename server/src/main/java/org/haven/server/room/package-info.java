/** Haven room. */
@NullMarked
package org.haven.server.room;

import org.jspecify.annotations.NullMarked;
