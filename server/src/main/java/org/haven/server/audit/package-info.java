/** Haven audit. */
@NullMarked
package org.haven.server.audit;

import org.jspecify.annotations.NullMarked;
