package org.haven.loadtest.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.haven.loadtest.wire.PeerEvents;
import org.haven.loadtest.wire.WirePeer;
import org.haven.protocol.Role;

/** Connections that authenticate and then stay idle: the population of the capacity and connect-storm scenarios. */
final class IdleFleet {

    private final List<WirePeer> peers = new ArrayList<>();

    /** {@code count} client users of {@code run} named {@code prefix-n}, one connection each, granted one room they never join. */
    IdleFleet(Run run, String prefix, int count) {
        List<String> rooms = List.of(run.room("idle"));
        PeerEvents events = new PeerEvents() {};
        for (int i = 0; i < count; i++) {
            peers.add(run.peer(String.format("%s-%06d", prefix, i), Role.CLIENT, rooms, events));
        }
    }

    /** Connects them all, at most {@code concurrency} at once, {@code perSecond} a second (0: as fast as they go). */
    Connector.Outcome connect(Run run, int concurrency, double perSecond) throws InterruptedException {
        return new Connector(run, concurrency, perSecond)
                .connect(peers, 0, p -> CompletableFuture.completedFuture(null));
    }

    long open() {
        return peers.stream().filter(WirePeer::isOpen).count();
    }

    void closeAll() {
        peers.forEach(WirePeer::close);
    }
}
