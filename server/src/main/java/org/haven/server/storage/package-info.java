/**
 * What the stores of durable records share: the JSON form of stored values, the retention of
 * history, the failure that stops a start when the store a setting names cannot be reached or
 * used, and the one of a piece of work the store could not be reached for while the node runs.
 */
@NullMarked
package org.haven.server.storage;

import org.jspecify.annotations.NullMarked;
