package org.haven.server.audit;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An append-only record of accountable events, each chained to the one before by its hash (see
 * {@link AuditRecord}), so that a changed, missing or reordered record is detected by
 * {@link AuditVerifier}.
 *
 * <p>Guarantees: {@link #record} never blocks the calling thread (callers include event loops) and
 * never throws because of storage trouble; such trouble is logged with opaque information only and
 * counted. Records are never changed or removed once written. The trail's order is the order in
 * which calls to {@link #record} were accepted: that order gives each record its {@code seq}, its
 * place in the chain, and a timestamp taken at acceptance. All methods are thread-safe.
 */
public interface AuditTrail extends AutoCloseable {

    /** Accepts {@code event} for the trail; it is written later, in order of acceptance. */
    void record(AuditEvent event);

    /**
     * Completes once every event accepted before this call is written (for a file: and forced to the
     * device). Completes exceptionally when an event accepted since the previous {@code flush} could
     * not be written, or when the trail is closed.
     */
    CompletableFuture<Void> flush();

    /**
     * Removes records accepted before {@code before}, where the storage keeps them by age (the
     * database); completes with how many. A file or memory trail is kept whole: this does nothing.
     */
    default CompletionStage<Integer> removeBefore(Instant before) {
        return CompletableFuture.completedFuture(0);
    }

    /**
     * The reader of each organisation's chain, where the storage keeps one chain per organisation
     * (the database). Empty for a file or memory trail: its one chain interleaves every
     * organisation's records, so one organisation's records alone do not verify as a chain, and the
     * others' are not that organisation's to see.
     */
    default Optional<AuditReader> reader() {
        return Optional.empty();
    }

    /** Writes what was accepted, then releases the storage; events recorded later are not kept. */
    @Override
    void close();
}
