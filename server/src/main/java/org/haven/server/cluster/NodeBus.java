package org.haven.server.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Messages between the nodes of a cluster: to one node by id, or to all. At most once and in the
 * order sent from one thread to one node (Redis pub/sub), the best-effort urgent lane apart; a node that is down or disconnected misses
 * what was sent meanwhile, so what must not be lost lives in the stores, and the relay closes its
 * connections when the bus goes down (clients resume, with every missed room event).
 */
public interface NodeBus {

    /** Starts delivering the messages sent to this node, and the broadcasts, to {@code receiver}. */
    CompletionStage<Void> start(Consumer<String> receiver);

    /** Sends {@code message} to node {@code node}. */
    CompletionStage<Void> send(String node, String message);

    /**
     * Sends {@code message} to node {@code node} like {@link #send}, and completes with false when the
     * bus knows the node was not listening (it is gone, or between two subscriptions), so a sender
     * waiting for an answer need not wait for one that cannot come; true otherwise. A bus that
     * cannot tell completes with true once sent.
     */
    default CompletionStage<Boolean> reach(String node, String message) {
        return send(node, message).thenApply(sent -> true);
    }

    /**
     * Sends {@code message} to node {@code node} on its urgent lane, ahead of what {@link #send}
     * carries, best effort: in no order with the other lane, and possibly not at all (a node not
     * listening there), so what must arrive is sent with {@link #send} as well (the receiver drops
     * the later copy). A bus without an urgent lane sends nothing here.
     */
    default CompletionStage<Void> sendUrgent(String node, String message) {
        return CompletableFuture.completedFuture(null);
    }

    /** Sends {@code message} to every node, this one included; completes with how many nodes received it. */
    CompletionStage<Long> broadcast(String message);

    /** Whether messages flow now (false while the connection to the store is down). */
    boolean isUp();

    /** The bus of a node alone: broadcasts come back to it; there is no other node to send to. */
    static NodeBus alone() {
        return new NodeBus() {
            private volatile Consumer<String> receiver = m -> {};

            @Override
            public CompletionStage<Void> start(Consumer<String> receiver) {
                this.receiver = receiver;
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletionStage<Void> send(String node, String message) {
                return CompletableFuture.failedFuture(new IllegalStateException("no other node"));
            }

            @Override
            public CompletionStage<Long> broadcast(String message) {
                receiver.accept(message);
                return CompletableFuture.completedFuture(1L);
            }

            @Override
            public boolean isUp() {
                return true;
            }
        };
    }
}
