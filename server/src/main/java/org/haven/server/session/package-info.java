/**
 * Sessions: the hello that opens one, the session of each connection (rate limit, dispatch of its
 * requests, the requests that change the session itself), resumption after a dropped connection,
 * and revocation. Null-checked (NullAway): what may be absent says so.
 */
@NullMarked
package org.haven.server.session;

import org.jspecify.annotations.NullMarked;
