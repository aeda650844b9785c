package org.haven.server.testing;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.server.cluster.Leases;

/** Leases in a map shared by the nodes of an in-process test; they never expire (a test removes them). */
public final class MapLeases {

    /** Lease name to the node holding it. */
    public final Map<String, String> holders = new ConcurrentHashMap<>();

    /** The leases as node {@code node} sees them. */
    public Leases of(String node) {
        return new Leases() {
            @Override
            public String node() {
                return node;
            }

            @Override
            public CompletionStage<String> acquireOrRenew(String name) {
                return CompletableFuture.completedFuture(holders.computeIfAbsent(name, n -> node));
            }

            @Override
            public CompletionStage<Optional<String>> holder(String name) {
                return CompletableFuture.completedFuture(Optional.ofNullable(holders.get(name)));
            }

            @Override
            public CompletionStage<Void> release(String name) {
                holders.remove(name, node);
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
