package org.haven.server.push;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.haven.server.presence.UserRef;

/**
 * Where the Web Push subscriptions of clinicians and supervisors are kept, shared by every node of a
 * deployment. Non-blocking and thread-safe; every stage completes on the store's thread.
 *
 * <p>Guarantees, kept by every implementation:
 *
 * <ul>
 *   <li>A user has at most one subscription per device: saving one of the same org, user and device
 *       replaces it.
 *   <li>A user has at most {@link #MAX_PER_USER} subscriptions: a save past the bound removes the
 *       user's oldest (by {@code subscribedAt}, never the one saved), so a new browser is always
 *       reachable.
 *   <li>An endpoint belongs to one subscription: saving it for another user or device (a shared
 *       computer, signed in as someone else) removes the earlier one, in any organisation.
 *   <li>{@code onCall} is the user's: saving a subscription, or {@link #setOnCall}, sets it on every
 *       subscription the user has then; a subscription saved later carries what it is saved with.
 *   <li>Reads list the oldest first ({@link #OLDEST_FIRST}); {@code subscribedAt} is kept to the
 *       millisecond.
 *   <li>In the SQL and Redis stores, subscriptions outlive the node (a restart, another node).
 * </ul>
 */
public interface PushSubscriptions {

    /** How many subscriptions a user keeps, at most. */
    int MAX_PER_USER = 10;

    /** The order of reads: by user, then the oldest subscription first, then by device. */
    Comparator<PushSubscription> OLDEST_FIRST = Comparator.comparing(PushSubscription::org)
            .thenComparing(PushSubscription::user)
            .thenComparing(PushSubscription::subscribedAt)
            .thenComparing(PushSubscription::device);

    /**
     * Keeps {@code subscription}, replacing the user's subscription of the same device. Completes with
     * the other subscriptions it removed: the user's oldest past {@link #MAX_PER_USER}, and another
     * user's or device's subscription of the same endpoint.
     */
    CompletionStage<List<PushSubscription>> save(PushSubscription subscription);

    /** Removes {@code user}'s subscription of {@code device}; completes with it, or empty when there was none. */
    CompletionStage<Optional<PushSubscription>> remove(UserRef user, String device);

    /**
     * Removes the subscription of {@code endpoint}, wherever it is (its push service said it is gone:
     * 404 or 410); completes with whether there was one.
     */
    CompletionStage<Boolean> removeByEndpoint(URI endpoint);

    /** Every subscription of {@code user}, the oldest first. */
    CompletionStage<List<PushSubscription>> list(UserRef user);

    /** Every subscription of organisation {@code org} (to page those of its care team with no live connection). */
    CompletionStage<List<PushSubscription>> inOrg(String org);

    /** Sets whether {@code user}'s last presence status was {@code on_call}, on every subscription they have. */
    CompletionStage<Void> setOnCall(UserRef user, boolean onCall);
}
