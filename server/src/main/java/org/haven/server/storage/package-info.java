/** What the stores of durable records share: the JSON form of stored values. */
@NullMarked
package org.haven.server.storage;

import org.jspecify.annotations.NullMarked;
