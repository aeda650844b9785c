/** Haven logging. */
@NullMarked
package org.haven.server.logging;

import org.jspecify.annotations.NullMarked;
