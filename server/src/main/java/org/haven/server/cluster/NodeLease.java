package org.haven.server.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The lease that makes one node of those sharing a set of engines the active one: it serves
 * clients and owns alert escalation; the others wait as standbys and take over within the lease
 * time once the holder stops renewing it (it died, or lost Redis). Held by at most one node at a
 * time. An in-memory engine set has a single node, which always holds it.
 */
public interface NodeLease {

    /**
     * Takes the lease when it is free, or renews it when this node holds it. Completes {@code true}
     * while this node holds it, {@code false} while another does; fails when the store cannot be
     * reached. Not to be called concurrently with itself.
     */
    CompletionStage<Boolean> acquireOrRenew();

    /** Gives the lease up when this node holds it, so a standby takes over at once (a clean stop). */
    CompletionStage<Void> release();

    /** The lease of a node that shares its engines with nobody. */
    static NodeLease sole() {
        return new NodeLease() {
            @Override
            public CompletionStage<Boolean> acquireOrRenew() {
                return CompletableFuture.completedFuture(true);
            }

            @Override
            public CompletionStage<Void> release() {
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
