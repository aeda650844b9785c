/** Haven chat. */
@NullMarked
package org.haven.server.chat;

import org.jspecify.annotations.NullMarked;
