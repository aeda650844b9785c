/**
 * The server API ({@code /api/v1/}): service credentials, the routes table, idempotency, audit, and
 * the endpoints for the programs around Haven. No Netty here: the transport hands over an
 * {@link org.haven.server.api.ApiRequest} and writes back an {@link org.haven.server.api.ApiResponse}.
 */
@NullMarked
package org.haven.server.api;

import org.jspecify.annotations.NullMarked;
