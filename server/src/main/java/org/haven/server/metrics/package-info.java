/** Haven metrics. */
@NullMarked
package org.haven.server.metrics;

import org.jspecify.annotations.NullMarked;
