package org.haven.loadtest.scenario;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.haven.loadtest.wire.Marker;
import org.haven.loadtest.wire.PeerEvents;
import org.haven.loadtest.wire.WirePeer;

/**
 * Posts group chat on a schedule and accounts for every delivery, phase by phase. One pacer thread
 * walks the schedule: within a phase, post {@code i} is due at {@code start + i / rate}, sent by the
 * phase's posters in turn (so each posts once per interval), and carries its due time in its text.
 * A delivery's latency is measured from that due time, not from when the post was actually written,
 * so a pacer or server that falls behind shows in the latencies (no coordinated omission).
 *
 * <p>Also the {@link PeerEvents} of every chat connection: alert notices go on to {@code alerts}.
 */
final class ChatLoad implements PeerEvents {

    private final int payloadChars;
    private final PeerEvents alerts;
    // Read by every connection's event loop; replaced once, by start.
    private volatile List<PhaseStats> stats = List.of();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final LongAdder unexpected = new LongAdder();
    private final AtomicLong maxSendLagNanos = new AtomicLong();
    private volatile int current = -1;
    private volatile boolean stopped;
    private Thread pacer;

    ChatLoad(int payloadChars, PeerEvents alerts) {
        this.payloadChars = payloadChars;
        this.alerts = alerts;
    }

    /** Starts posting through {@code phases}, which follow each other in time. */
    void start(List<Phase> phases) {
        stats = phases.stream().map(PhaseStats::new).toList();
        pacer = new Thread(this::pace, "haven-load-pacer");
        pacer.setDaemon(true);
        pacer.start();
    }

    /** Stops posting after the post being sent. */
    void stop() {
        stopped = true;
    }

    /** Waits for the pacer to finish the schedule (or stop), until {@code deadlineNanos}. */
    void awaitSchedule(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            pacer.join(Math.max(1, left / 1_000_000));
        }
        stop();
        pacer.join(1000);
    }

    /**
     * Waits until every expected delivery of the measured phases has arrived, at most {@code graceNanos}
     * after the call or until {@code deadlineNanos}.
     */
    void awaitDeliveries(long graceNanos, long deadlineNanos) {
        long until = Math.min(System.nanoTime() + graceNanos, deadlineNanos);
        while (System.nanoTime() < until && stats.stream().anyMatch(s -> s.phase.measured() && s.missing() > 0)) {
            LockSupport.parkNanos(10_000_000);
        }
    }

    List<PhaseStats> stats() {
        return stats;
    }

    /** How late the pacer sent a post at worst. */
    long maxSendLagNanos() {
        return maxSendLagNanos.get();
    }

    /** Refused posts by error code, over the whole run. */
    Map<String, Long> refusals() {
        Map<String, Long> out = new TreeMap<>();
        refusals.forEach((code, n) -> out.put(code, n.sum()));
        return out;
    }

    long unexpected() {
        return unexpected.sum();
    }

    private void pace() {
        List<PhaseStats> all = stats;
        for (int p = 0; p < all.size() && !stopped; p++) {
            PhaseStats phaseStats = all.get(p);
            Phase phase = phaseStats.phase;
            current = p;
            double period = 1e9 / phase.postsPerSecond();
            int next = 0;
            for (long i = 0; !stopped; i++) {
                long due = phase.startNanos() + (long) (i * period);
                if (due >= phase.endNanos()) {
                    break;
                }
                for (long wait = due - System.nanoTime(); wait > 0 && !stopped; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                ChatRooms.Member poster = phase.posters().get(next);
                next = next + 1 == phase.posters().size() ? 0 : next + 1;
                poster.peer().post(poster.roomId(), Marker.text(due, payloadChars));
                phaseStats.posts.increment();
                phaseStats.expected.add(phase.readersPerRoom()[poster.room()]);
                maxSendLagNanos.accumulateAndGet(System.nanoTime() - due, Math::max);
            }
        }
    }

    @Override
    public void chatDelivered(WirePeer receiver, long intendedNanos, long receivedNanos) {
        PhaseStats phaseStats = phaseOf(intendedNanos);
        if (phaseStats != null && !phaseStats.phase.silent().contains(receiver)) {
            phaseStats.record(receivedNanos - intendedNanos, intendedNanos);
        }
    }

    @Override
    public void postAnswered(WirePeer sender, String error) {
        if (error != null) {
            refusals.computeIfAbsent(error, e -> new LongAdder()).increment();
            int p = current;
            if (p >= 0) {
                stats.get(p).refused.increment();
            }
        }
    }

    @Override
    public void alertNoticed(WirePeer receiver, String raiser, boolean raised, long receivedNanos, long stampedNanos) {
        alerts.alertNoticed(receiver, raiser, raised, receivedNanos, stampedNanos);
    }

    @Override
    public void unexpected(WirePeer receiver, String what) {
        unexpected.increment();
    }

    // A handful of phases: a scan from the last is cheaper than anything cleverer.
    private PhaseStats phaseOf(long intendedNanos) {
        List<PhaseStats> all = stats;
        for (int p = all.size() - 1; p >= 0; p--) {
            PhaseStats s = all.get(p);
            if (intendedNanos >= s.phase.startNanos()) {
                return intendedNanos < s.phase.endNanos() ? s : null;
            }
        }
        return null;
    }
}
