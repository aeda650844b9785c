package org.haven.server.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.haven.server.auth.Revocation;
import org.haven.server.presence.UserRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many sessions a revocation (or a disconnect) ended on the other nodes: it is broadcast with an
 * ask id, each node that receives it answers with an {@link NodeMessage.Ended} count, and the count is complete
 * once as many nodes answered as Redis says received it, or after {@link #COUNT_WAIT} with the
 * answers in by then (a node that died meanwhile is left out of the count, not of the revocation).
 *
 * <p>Threading: any thread; each count is guarded by its own lock.
 */
final class RevocationCounts {

    private static final Logger log = LoggerFactory.getLogger(RevocationCounts.class);

    /** How long a revocation waits for the other nodes' counts at most. */
    static final Duration COUNT_WAIT = Duration.ofSeconds(1);

    private final String node;
    private final NodeBus bus;
    private final ScheduledExecutorService timer;
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    private final AtomicLong asks = new AtomicLong();

    RevocationCounts(String node, NodeBus bus, ScheduledExecutorService timer) {
        this.node = node;
        this.bus = bus;
        this.timer = timer;
    }

    /** Broadcasts {@code revocation}; completes with the sessions the other nodes ended. */
    CompletionStage<Integer> ask(Revocation revocation) {
        return ask("revocation", id -> RevocationMessages.of(node, revocation, id));
    }

    /** Broadcasts a disconnect of {@code user}; completes with the sessions the other nodes closed. */
    CompletionStage<Integer> askDisconnect(UserRef user) {
        return ask("disconnect", id -> new NodeMessage.Disconnected(node, user.org(), user.user(), id));
    }

    /** Broadcasts {@code message} (made with its ask id); completes with the sessions the other nodes ended. */
    private CompletionStage<Integer> ask(String what, Function<String, NodeMessage> message) {
        String ask = node + "-" + asks.incrementAndGet();
        Tally tally = new Tally();
        tallies.put(ask, tally);
        tally.result.whenComplete((n, e) -> tallies.remove(ask));
        bus.broadcast(NodeCodec.encode(message.apply(ask))).whenComplete((receivers, e) -> {
            if (e != null) {
                log.warn("{} not broadcast ({})", what, e.getClass().getSimpleName());
                tally.expect(0);
            } else {
                tally.expect(Math.max(0, receivers - 1)); // this node receives it too, and ignores it
            }
        });
        try {
            timer.schedule(tally::timeUp, COUNT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            tally.timeUp();
        }
        return tally.result;
    }

    /** Another node's answer. */
    void answered(NodeMessage.Ended ended) {
        Tally tally = tallies.get(ended.ask());
        if (tally != null) {
            tally.answer(ended.sessions());
        }
    }

    /** The answers to one revocation: how many nodes will answer, and what they said. */
    private static final class Tally {
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        private long expected = -1;
        private long answers;
        private int sessions;

        synchronized void expect(long nodes) {
            expected = nodes;
            check();
        }

        synchronized void answer(int ended) {
            answers++;
            sessions += ended;
            check();
        }

        synchronized void timeUp() {
            if (!result.isDone()) {
                log.warn("counted without every node's answer answers={} expected={}", answers, expected);
                result.complete(sessions);
            }
        }

        private void check() {
            if (expected >= 0 && answers >= expected) {
                result.complete(sessions);
            }
        }
    }
}
