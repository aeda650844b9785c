/**
 * What the stores of durable records share: the JSON form of stored values, the retention of
 * history, and the failure that stops a start when the store a setting names cannot be reached or
 * used.
 */
@NullMarked
package org.haven.server.storage;

import org.jspecify.annotations.NullMarked;
