package org.haven.server.room;

import org.haven.server.cluster.Leases;
import org.haven.server.testing.MapLeases;

/** {@link InMemoryRoomJournal} keeps the {@link RoomJournal} contract. */
class InMemoryRoomJournalTest extends RoomJournalContract {

    /** Leases of several nodes in one map (no time-to-live: nobody dies here). */
    private final MapLeases leases = new MapLeases();

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
        return leases.of(node);
    }
}
