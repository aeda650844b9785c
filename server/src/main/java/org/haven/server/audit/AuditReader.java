package org.haven.server.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Reads one organisation's chain of the audit trail back, a page at a time, for an export that a
 * verifier can check without the rest of the trail: the records exactly as stored (the lines their
 * hashes cover), in chain order, with no gap.
 *
 * <p>The range {@code [from, to)} is the run of the chain from its first record accepted at or after
 * {@code from} to its last record accepted before {@code to}, whole: the nodes of a cluster stamp
 * records with their own clocks, so a record inside the run may carry a time a little outside the
 * range, and it is exported all the same, because leaving it out would break the chain. A page holds
 * the records of the run after {@code afterSeq}, at most {@code limit} of them and about
 * {@link #MAX_PAGE_BYTES}, and never none while any is left.
 *
 * <p>Guarantees: never blocks the caller; reads run on the storage's own threads, never an event
 * loop; a page is read in one transaction, so it is a part of the chain as committed; completes
 * exceptionally when the storage cannot be read. Thread-safe.
 */
public interface AuditReader {

    /** The bytes of stored lines a page holds at most, past its first record: about a megabyte. */
    int MAX_PAGE_BYTES = 1 << 20;

    /**
     * A page of an export.
     *
     * @param lines the records as stored, in chain order, each without its line break
     * @param lastSeq the seq of the last record of the page; {@code afterSeq} when it is empty
     * @param more whether the run has records after this page
     */
    record Page(List<String> lines, long lastSeq, boolean more) {
        public Page {
            lines = List.copyOf(lines);
        }
    }

    /** The page of {@code org}'s chain in {@code [from, to)} after {@code afterSeq} (0: from the start). */
    CompletionStage<Page> page(String org, Instant from, Instant to, long afterSeq, int limit);

    /** Checks a page's arguments at the public edge of an implementation. */
    static void check(String org, Instant from, Instant to, long afterSeq, int limit) {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq: " + afterSeq + " (expected: >= 0)");
        }
        if (limit <= 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
    }
}
