package org.haven.server.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where alerts are kept: in memory on one node, in Redis for a cluster.
 *
 * <p>Guarantees: {@link #save} completes only once the alert is stored (the raiser is told
 * "received" after that); saves of one alert are applied in the order called; an alert is deleted
 * only by {@link #purgeClosed}, once it has been closed for longer than the retention: an open alert
 * never is.
 */
public interface AlertStore {

    /** How long a closed alert is kept unless told otherwise: six years. */
    Duration DEFAULT_RETENTION = Duration.ofDays(2190);

    /** Stores the current state of an alert, replacing the previous one. */
    CompletionStage<Void> save(StoredAlert alert);

    /**
     * Stores an alert that is not stored yet, as {@link #save}; completes false, storing nothing,
     * when an alert of its id is stored already (a {@link StandIn} never overwrites what the node
     * serving the organisation stored).
     */
    CompletionStage<Boolean> saveNew(StoredAlert alert);

    /** Alert {@code id} of organisation {@code org}, closed or not; empty when there is none. */
    CompletionStage<Optional<StoredAlert>> find(String org, String id);

    /**
     * As {@link #find}, for someone waiting for the answer (a clinician, an integrator): it fails with
     * a {@link java.util.concurrent.TimeoutException} when the store has not answered within its
     * deadline for such reads, rather than waiting as long as the store's connection does. Stores
     * whose every command has a short time-out of its own (Redis) and those in memory answer as
     * {@link #find} does.
     */
    default CompletionStage<Optional<StoredAlert>> findForReader(String org, String id) {
        return find(org, id);
    }

    /** Every alert not yet closed, of every organisation. */
    CompletionStage<List<StoredAlert>> unclosed();

    /** The alerts of organisation {@code org} not yet closed. */
    CompletionStage<List<StoredAlert>> unclosed(String org);

    /**
     * The alerts of client {@code client} of organisation {@code org} not yet closed, found without
     * reading the organisation's others: what a help press joins when the node serving the
     * organisation does not hold that alert yet (it is taking the organisation up, or a stand-in
     * stored it), so a press re-sent on a new connection makes no second alert.
     */
    CompletionStage<List<StoredAlert>> unclosedOf(String org, String client);

    /**
     * The organisations with an alert whose next deadline ({@link StoredAlert#nextDeadline()}) is
     * before {@code before}, at most {@code limit} of them, earliest deadlines first. The deadlines
     * are kept in order (in Redis, a sorted set), so this is cheap: read on a timer by every node,
     * which takes up (atomically, by the organisation's lease) an organisation whose serving node
     * let a deadline pass: it died.
     */
    CompletionStage<Set<String>> overdue(Instant before, int limit);

    /**
     * Deletes every alert closed before {@code before} (its last update, the closing, is older): the
     * retention of history, indexes included. Never an open alert. Completes with how many it deleted
     * (Redis also expires closed alerts by itself: those gone already are not counted).
     */
    CompletionStage<Integer> purgeClosed(Instant before);

    /**
     * The alerts of {@code org} raised in [{@code from}, {@code to}), newest raised first (ties by id
     * ascending), strictly after the cursor ({@code afterRaisedAt}, {@code afterId}) when given, only
     * in {@code state} / of {@code client} when given; at most {@code limit}. Times count to the
     * millisecond ({@link AlertSearch}); an alert's state is the one it was last saved in.
     *
     * <p>Read from an index of each organisation's alerts by time raised, so the work is bounded by
     * the page, never by the organisation's history; with a state or client filter, by the alerts
     * raised in the range at worst (callers bound the range). Ids compare as each store orders text
     * (bytewise in Redis and SQLite, by the database's collation in PostgreSQL, Java's in memory: the
     * same for Haven's ids, {@code a-} and hexadecimal); paging is exact in each.
     */
    CompletionStage<List<StoredAlert>> search(AlertSearch search);

    /**
     * Indexes for {@link #search} the alerts stored by an earlier version of Haven, before the index
     * existed. Each node starts it at start and serves meanwhile: until it completes, a search may
     * miss those alerts. Works in bounded batches, never the whole history at once; completes with how
     * many alerts it indexed. A store that keeps nothing across versions (memory) has nothing to do.
     */
    default CompletionStage<Integer> indexEarlierAlerts() {
        return CompletableFuture.completedFuture(0);
    }
}
