/**
 * Many nodes as one: which node serves each organisation (leases), the messages between nodes
 * (the bus, typed and encoded in one place) and the relay of a connection on one node to its
 * session on another. Null-checked (NullAway): what may be absent says so.
 */
@NullMarked
package org.haven.server.cluster;

import org.jspecify.annotations.NullMarked;
