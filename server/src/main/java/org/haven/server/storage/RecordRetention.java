package org.haven.server.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.haven.server.alert.AlertStore;
import org.haven.server.care.CareStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention of history ({@code HAVEN_RECORD_RETENTION}): deletes the care versions and
 * check-ins superseded, and the alerts closed, longer than the retention ago. What is current (a
 * client's contacts, plan, a room's latest check-in) and every open alert stay however old.
 *
 * <p>Run by the node's timer every {@link #PERIOD}: the deletes themselves run where the stores run
 * their work (the SQL database's lanes, in batches), never on the timer or an event loop; a run
 * still going when the next is due is not doubled. Logs counts only, never whose records.
 */
public final class RecordRetention {

    private static final Logger log = LoggerFactory.getLogger(RecordRetention.class);

    /** How often the node purges: rarely, what it deletes is years old. */
    public static final Duration PERIOD = Duration.ofHours(1);

    private final AlertStore alerts;
    private final CareStore care;
    private final Clock clock;
    private final Duration retention;
    private final AtomicBoolean running = new AtomicBoolean();

    public RecordRetention(AlertStore alerts, CareStore care, Clock clock, Duration retention) {
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.care = Objects.requireNonNull(care, "care");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive");
        }
        this.retention = retention;
    }

    /**
     * Purges what is older than the retention now; completes with how many records went (or at once
     * with 0 when a run is still going). A failure is logged and the next run tries again.
     */
    public CompletionStage<Integer> run() {
        if (!running.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(0);
        }
        Instant before = clock.instant().minus(retention);
        CompletionStage<Integer> purged;
        try {
            purged = care.purgeSuperseded(before).thenCombine(alerts.purgeClosed(before), (versions, closed) -> {
                if (versions + closed > 0) {
                    log.info("records past their retention deleted careVersions={} alerts={}", versions, closed);
                }
                return versions + closed;
            });
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
        return purged.whenComplete((n, failure) -> {
            running.set(false);
            if (failure != null) {
                log.warn(
                        "records past their retention not deleted ({}); the next run tries again",
                        (failure instanceof CompletionException && failure.getCause() != null
                                        ? failure.getCause()
                                        : failure)
                                .getClass()
                                .getSimpleName());
            }
        });
    }
}
