/** Haven presence. */
@NullMarked
package org.haven.server.presence;

import org.jspecify.annotations.NullMarked;
