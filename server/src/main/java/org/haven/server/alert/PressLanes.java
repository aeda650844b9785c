package org.haven.server.alert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.haven.server.presence.UserRef;

/**
 * The raises of one client on this node, taken one at a time: a press waits until the client's
 * press before it here is stored (or has held the lane for {@link #HOLD}) before it reads the store
 * for the client's open alert. Without it, two presses pending at once (one the node stands in for,
 * relayed on the client's old connection, one on its new connection to this node, now serving the
 * organisation) each read the store before the other was in it, and made two alerts of one crisis.
 *
 * <p>Across nodes nothing is serialised: two nodes standing in for one client at the same moment
 * (the client connected to both, its serving node dead) can still make two alerts; both reach the
 * care team, and the node serving the organisation next holds both (docs/architecture.md).
 *
 * <p>Threading: any thread; a press runs on the thread that completed the one before it, so it must
 * not block (the raises start asynchronous reads, and return at once).
 */
final class PressLanes {

    /**
     * The longest a press holds its client's lane: a store that stalls delays the client's next
     * press by this much at most (it is then raised without waiting). Long enough for a press to be
     * stored on a node busy taking an organisation up (a failover run found one taking longer than
     * 0.4 s); the waiting press is answered by its own deadline from its arrival all the same
     * ({@link AlertPublisher#answerBy}, 1.2 s; a stand-in's by the gateway, 1.6 s), and the alert it
     * joins is with the care team already.
     */
    static final Duration HOLD = Duration.ofMillis(1500);

    private final ConcurrentHashMap<UserRef, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    /**
     * Runs {@code press} once the press of {@code client} before it on this node is stored, or has
     * held the lane for {@link #HOLD}; the returned stage is {@code press}'s. The lane is held until
     * the stage {@code stored} gives for its result completes (the alert is stored, or the store
     * failed), or {@code press} fails.
     */
    <T> CompletionStage<T> enter(
            UserRef client,
            Supplier<? extends CompletionStage<T>> press,
            Function<? super T, ? extends CompletionStage<?>> stored) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        List<CompletableFuture<Void>> before = new ArrayList<>(1);
        tails.compute(client, (k, tail) -> {
            if (tail != null) {
                before.add(tail);
            }
            return mine;
        });
        CompletableFuture<Void> ahead = before.isEmpty() ? CompletableFuture.completedFuture(null) : before.get(0);
        return ahead.thenCompose(ready -> {
            CompletableFuture<T> running;
            try {
                running = press.get().toCompletableFuture();
            } catch (RuntimeException e) {
                running = CompletableFuture.failedFuture(e);
            }
            running.thenCompose(result -> stored.apply(result).thenApply(v -> (Void) null))
                    .toCompletableFuture()
                    .completeOnTimeout(null, HOLD.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((v, e) -> {
                        tails.remove(client, mine);
                        mine.complete(null);
                    });
            return running;
        });
    }

    /** How many clients have a press in their lane now (tests: the map does not grow). */
    int size() {
        return tails.size();
    }
}
