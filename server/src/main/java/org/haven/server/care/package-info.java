/** Haven care. */
@NullMarked
package org.haven.server.care;

import org.jspecify.annotations.NullMarked;
