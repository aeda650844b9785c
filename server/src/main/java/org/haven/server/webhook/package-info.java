/** Haven webhook. */
@NullMarked
package org.haven.server.webhook;

import org.jspecify.annotations.NullMarked;
