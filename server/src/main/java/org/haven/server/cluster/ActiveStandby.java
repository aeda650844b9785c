package org.haven.server.cluster;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's role among those sharing its engines, kept by renewing the {@link NodeLease} on a
 * timer: a standby that gains the lease becomes active (once); an active node that finds another
 * holding it is fenced and must stop serving at once; a node that cannot reach the lease's store
 * keeps the role it had (nobody else can take the lease through a store that is down).
 */
public final class ActiveStandby {

    /** Where this node stands. */
    public enum Role { STANDBY, ACTIVE, FENCED }

    private static final Logger log = LoggerFactory.getLogger(ActiveStandby.class);

    private final NodeLease lease;
    private final Runnable onActive;
    private final Runnable onFenced;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile Role role = Role.STANDBY;
    private volatile boolean reachable = true;

    public ActiveStandby(NodeLease lease, Runnable onActive, Runnable onFenced) {
        this.lease = lease;
        this.onActive = onActive;
        this.onFenced = onFenced;
    }

    /** Checks the lease now and then every {@code every} (a third of its time-to-live or less). */
    public void start(ScheduledExecutorService timer, Duration every) {
        check();
        timer.scheduleWithFixedDelay(this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Role role() {
        return role;
    }

    /** Whether the last check reached the lease's store. */
    public boolean storeReachable() {
        return reachable;
    }

    /** Gives the lease up on a clean stop, so a standby takes over at once. */
    public void release() {
        if (role == Role.ACTIVE) {
            role = Role.STANDBY;
            lease.release().toCompletableFuture().orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    private void check() {
        if (role == Role.FENCED || !inFlight.compareAndSet(false, true)) {
            return; // fenced for good; or the last check is still running
        }
        lease.acquireOrRenew().whenComplete((held, failure) -> {
            inFlight.set(false);
            if (failure != null) {
                if (reachable) {
                    log.warn("lease store unreachable; keeping role={}", role);
                }
                reachable = false;
                return;
            }
            reachable = true;
            if (held && role == Role.STANDBY) {
                role = Role.ACTIVE;
                log.info("this node is now the active node");
                onActive.run();
            } else if (!held && role == Role.ACTIVE) {
                role = Role.FENCED;
                log.error("another node holds the active lease; this node stops serving");
                onFenced.run();
            }
        });
    }
}
