package org.haven.server.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * {@link AuditTrail} kept in a list in memory, chained exactly as the file trail is: for tests, and
 * for running without a file. Recording is immediate, so {@link #flush} is complete at once; nothing
 * survives the process. Once closed, it keeps no further events.
 */
public final class InMemoryAuditTrail implements AuditTrail {

    private final Clock clock;
    private final AuditKey key;
    private final List<AuditRecord> records = new ArrayList<>();
    private boolean closed; // guarded by records

    /** A trail sealed with a new random key. */
    public InMemoryAuditTrail(Clock clock) {
        this(clock, AuditKey.random());
    }

    public InMemoryAuditTrail(Clock clock, AuditKey key) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.key = Objects.requireNonNull(key, "key");
    }

    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        synchronized (records) { // time, seq and chain taken together, so they follow the order of acceptance
            if (closed) {
                return;
            }
            AuditRecord last = records.isEmpty() ? null : records.get(records.size() - 1);
            records.add(AuditRecord.of(
                    last == null ? 1 : last.seq() + 1,
                    clock.instant(),
                    event,
                    last == null ? AuditRecord.GENESIS : last.hash(),
                    key));
        }
    }

    /** The records so far, oldest first: a snapshot. */
    public List<AuditRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    @Override
    public CompletableFuture<Void> flush() {
        synchronized (records) {
            return closed
                    ? CompletableFuture.failedFuture(new IllegalStateException("audit trail closed"))
                    : CompletableFuture.completedFuture(null);
        }
    }

    /** Stops keeping events; those kept stay readable. */
    @Override
    public void close() {
        synchronized (records) {
            closed = true;
        }
    }
}
