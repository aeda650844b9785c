package org.haven.server.api;

import java.util.concurrent.CompletionStage;

/**
 * One endpoint of the server API: reads the call (its service, path parameters, body) and completes
 * with the body of a 200 answer, a record the protocol's codec encodes (or an {@link ApiResponse}
 * as it is). A refusal is thrown or completes the stage: an {@link ApiRefusal}, or a protocol
 * {@link org.haven.protocol.Refusal} whose code the API maps ({@link ApiError}). Runs on the API's
 * thread, never on an event loop; what it waits for (a store) it waits for asynchronously.
 */
@FunctionalInterface
public interface ApiHandler {

    CompletionStage<?> handle(ApiCall call);
}
