package org.haven.loadtest.failover;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ServerMessage;

/**
 * Every alert the responders of a failover run received, by id: the first {@code alert} frame any
 * of them took off their client's queue (when, at which tier, with which check-in, for which
 * reason), whether any frame of it ever carried a check-in, and when a clinician resolved it.
 * Responder threads write; the report reads once they have stopped.
 */
final class Sightings {

    /** The first frame of an alert any responder received. */
    record First(
            String client,
            long nanos,
            String tier,
            ServerMessage.AlertReason reason,
            Care.CheckIn checkIn,
            Instant raisedAt,
            String by) {}

    /** What was seen of one alert. */
    static final class Seen {
        volatile First first;
        volatile Care.CheckIn anyCheckIn;
        volatile long resolvedNanos;
    }

    private final Map<String, Seen> byId = new ConcurrentHashMap<>();

    /** A responder ({@code by}) took this frame off its queue at {@code nanos}. */
    void seen(ServerMessage.AlertNotice notice, long nanos, String by) {
        Alerts.View v = notice.alert();
        First candidate = new First(v.client(), nanos, v.tier(), notice.reason(), v.checkIn(), v.raisedAt(), by);
        byId.compute(v.id(), (id, seen) -> {
            Seen s = seen != null ? seen : new Seen();
            if (s.first == null || nanos < s.first.nanos()) {
                s.first = candidate;
            }
            if (s.anyCheckIn == null && v.checkIn() != null) {
                s.anyCheckIn = v.checkIn();
            }
            if (s.resolvedNanos == 0 && !v.state().isOpen()) {
                s.resolvedNanos = nanos;
            }
            return s;
        });
    }

    /** A clinician's {@code alert.resolve} was answered {@code ok}. */
    void resolved(String alert, long nanos) {
        byId.computeIfPresent(alert, (id, s) -> {
            if (s.resolvedNanos == 0 || nanos < s.resolvedNanos) {
                s.resolvedNanos = nanos;
            }
            return s;
        });
    }

    /** What was seen of {@code alert}, or null when no responder ever received it. */
    Seen get(String alert) {
        return byId.get(alert);
    }

    /** Ids of every alert seen for {@code client}. */
    List<Map.Entry<String, Seen>> ofClient(String client) {
        return byId.entrySet().stream()
                .filter(e -> e.getValue().first != null
                        && e.getValue().first.client().equals(client))
                .toList();
    }

    /** The ids of every alert seen, a copy. */
    Set<String> ids() {
        return new HashSet<>(byId.keySet());
    }

    int size() {
        return byId.size();
    }
}
