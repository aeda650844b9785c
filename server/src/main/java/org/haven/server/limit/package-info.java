/** Haven limit. */
@NullMarked
package org.haven.server.limit;

import org.jspecify.annotations.NullMarked;
