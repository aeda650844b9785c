package org.haven.server.cluster;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.haven.server.session.Serving;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node serves each organisation. Every node serves; each organisation is served by the one
 * node holding its lease ({@code org:<id>}): its rooms, its alerts and their escalation, its
 * clients' sessions (connections to other nodes are relayed there). The first node a user of the
 * organisation reaches takes the lease; its holder renews it with its own {@code node:<id>} lease on
 * a timer; when the holder dies the lease runs out and the next node to need it, or to find open
 * alerts of the organisation in the store, takes it, atomically, and takes the alerts up.
 *
 * <p>A node that cannot reach the store keeps what it holds (nobody can take a lease through a
 * store that is down) and takes nothing new; one that finds another node holding a lease it thought
 * its own hands the organisation over ({@code onLost}).
 *
 * <p>Threading: renewals on {@code haven-timer}; questions from any thread; the set of
 * organisations served is concurrent.
 */
public final class OrgOwnership implements Serving {

    private static final Logger log = LoggerFactory.getLogger(OrgOwnership.class);

    private final Leases leases;
    private final Consumer<String> onClaimed;
    private final Consumer<String> onLost;
    private final Set<String> owned = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<String>> claiming = new ConcurrentHashMap<>();
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile boolean reachable = true;

    public OrgOwnership(Leases leases, Consumer<String> onClaimed, Consumer<String> onLost) {
        this.leases = leases;
        this.onClaimed = onClaimed;
        this.onLost = onLost;
    }

    @Override
    public String node() {
        return leases.node();
    }

    /** Whether this node serves {@code org} now. */
    @Override
    public boolean owns(String org) {
        return owned.contains(org);
    }

    /** Whether the last renewal reached the store. */
    public boolean reachable() {
        return reachable;
    }

    /**
     * The node serving {@code org}: this node's id when it holds the lease (taking it when free),
     * else the holder's. Fails when the store cannot be reached and this node does not hold it.
     */
    @Override
    public CompletionStage<String> ownerOf(String org) {
        if (owned.contains(org)) {
            return CompletableFuture.completedFuture(node());
        }
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> already = claiming.putIfAbsent(org, mine);
        if (already != null) {
            return already; // one claim at a time per organisation
        }
        leases.acquireOrRenew(lease(org))
                .toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS)
                .whenComplete((holder, failure) -> {
                    if (failure == null && holder.equals(node()) && owned.add(org)) {
                        log.info("organisation taken up org={}", org);
                        onClaimed.accept(org);
                    }
                    claiming.remove(org, mine);
                    if (failure != null) {
                        mine.completeExceptionally(failure);
                    } else {
                        mine.complete(holder);
                    }
                });
        return mine;
    }

    /** Takes up every organisation of {@code orgs} that no live node serves (its holder died). */
    public void claimOrphans(Collection<String> orgs) {
        for (String org : orgs) {
            if (!owned.contains(org)) {
                ownerOf(org).exceptionally(e -> null);
            }
        }
    }

    /**
     * Renews this node's lease and those of its organisations; an organisation whose lease another
     * node holds now is handed over. Never two runs at once.
     */
    public void renew() {
        if (!renewing.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<?>[] all = new CompletableFuture<?>[owned.size() + 1];
        all[0] = leases.acquireOrRenew(nodeLease(node())).toCompletableFuture();
        int i = 1;
        for (String org : Set.copyOf(owned)) {
            if (i >= all.length) {
                break;
            }
            all[i++] = leases.acquireOrRenew(lease(org)).toCompletableFuture().thenAccept(holder -> {
                if (!holder.equals(node()) && owned.remove(org)) {
                    log.warn("organisation now served by another node org={} node={}", org, holder);
                    onLost.accept(org);
                }
            });
        }
        CompletableFuture.allOf(Arrays.copyOf(all, i)).whenComplete((v, failure) -> {
            renewing.set(false);
            if (failure != null && reachable) {
                log.warn(
                        "leases could not be renewed ({}); keeping the organisations served here",
                        failure.getClass().getSimpleName());
            }
            reachable = failure == null;
        });
    }

    /** Whether node {@code node} is alive (holds its node lease). */
    public CompletionStage<Boolean> alive(String node) {
        return leases.holder(nodeLease(node))
                .thenApply(h -> h.isPresent() && h.get().equals(node));
    }

    /** The node serving {@code org} now, without taking the lease. */
    public CompletionStage<Optional<String>> holderOf(String org) {
        return leases.holder(lease(org));
    }

    /**
     * Gives every lease up (a clean stop): each organisation is handed over ({@code onLost}: its
     * clients told to reconnect) and the next node to need it takes it at once, alerts included.
     */
    public void releaseAll() {
        List<String> orgs = List.copyOf(owned);
        owned.clear();
        CompletableFuture<?>[] all = orgs.stream()
                .map(o -> leases.release(lease(o)).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all)
                    .thenCompose(v -> leases.release(nodeLease(node())))
                    .toCompletableFuture()
                    .get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn(
                    "leases not released ({}); they run out by themselves",
                    e.getClass().getSimpleName());
        }
        orgs.forEach(onLost);
    }

    private static String lease(String org) {
        return "org:" + org;
    }

    private static String nodeLease(String node) {
        return "node:" + node;
    }
}
