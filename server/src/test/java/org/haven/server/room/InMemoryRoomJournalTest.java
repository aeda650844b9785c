package org.haven.server.room;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.server.cluster.Leases;

/** {@link InMemoryRoomJournal} keeps the {@link RoomJournal} contract. */
class InMemoryRoomJournalTest extends RoomJournalContract {

    /** Leases of several nodes in one map (no time-to-live: nobody dies here). */
    private final Map<String, String> held = new ConcurrentHashMap<>();
    private InMemoryRoomJournal journal;

    @Override
    protected RoomJournal journalOf(String node) {
        if (journal == null) {
            journal = new InMemoryRoomJournal(fenceOf(leasesOf(node)), MAX_EVENTS);
        }
        return journal.as(fenceOf(leasesOf(node)));
    }

    @Override
    protected Leases leasesOf(String node) {
        return new Leases() {
            @Override
            public String node() {
                return node;
            }

            @Override
            public CompletionStage<String> acquireOrRenew(String name) {
                return CompletableFuture.completedFuture(held.computeIfAbsent(name, n -> node));
            }

            @Override
            public CompletionStage<Optional<String>> holder(String name) {
                return CompletableFuture.completedFuture(Optional.ofNullable(held.get(name)));
            }

            @Override
            public CompletionStage<Void> release(String name) {
                held.remove(name, node);
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
