package org.haven.server.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@linkplain ApiRoute#served served} call runs: an organisation's alerts, rooms and sessions
 * live on the one node serving it, so a call about them that reached another node is answered by
 * that one. The cluster forwards it over the node bus ({@code cluster.ApiForwarding}); a node alone
 * serves every organisation ({@link #ALONE}).
 *
 * <p>Threading: any thread; the answer completes on the bus's or the store's threads.
 */
public interface ServingNode {

    /**
     * Completes with {@code null} when this node serves {@code org} now (taking the organisation when
     * no node serves it), else with the answer of the node serving it to {@code request}. Fails when
     * neither can be had: the store cannot say who serves it, or that node did not answer in time.
     */
    CompletionStage<@Nullable ApiResponse> elsewhere(String org, ApiRequest request);

    /**
     * Whether this node serves {@code org} now (taking the organisation when no node serves it),
     * never asking another node anything: for a call another node forwarded here, which must not go
     * on to a third.
     */
    CompletionStage<Boolean> servesHere(String org);

    /** A node alone: it serves every organisation. */
    ServingNode ALONE = new ServingNode() {
        @Override
        public CompletionStage<@Nullable ApiResponse> elsewhere(String org, ApiRequest request) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Boolean> servesHere(String org) {
            return CompletableFuture.completedFuture(true);
        }
    };
}
