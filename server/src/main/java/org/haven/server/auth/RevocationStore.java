package org.haven.server.auth;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where revocations outlive the node that took them: a node that becomes active loads them, so a
 * revoked token or user stays refused after a take-over. Non-blocking and thread-safe; a
 * revocation is kept until its time is over, and revoking the same thing again keeps the later time.
 */
public interface RevocationStore {

    /** Keeps {@code revocation} until its time is over. */
    CompletionStage<Void> add(Revocation revocation);

    /** Every revocation whose time is not over at {@code now}. */
    CompletionStage<List<Revocation>> active(Instant now);
}
