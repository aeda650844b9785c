package org.haven.server.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Reads one organisation's chain of the audit trail back, a page at a time, for an export that a
 * verifier can check without the rest of the trail: the records exactly as stored (the lines their
 * hashes cover), in chain order, with no gap.
 *
 * <p>The range {@code [from, to)} is the run of the chain from its first record accepted at or after
 * {@code from} to its last record accepted before {@code to}, whole: the nodes of a cluster stamp
 * records with their own clocks, so a record inside the run may carry a time a little outside the
 * range, and it is exported all the same, because leaving it out would break the chain. A page holds
 * the records of the run after its {@link Cursor}'s seq, at most {@code limit} of them and about
 * {@link #MAX_PAGE_BYTES}, and never none while any is left.
 *
 * <p>Finding the run scans the range's records; a page's cursor to the next one carries the run's
 * first and last seq, so only the first page of an export finds it. A cursor's run is taken only
 * when its first and last records are the organisation's, within the range (an implementation
 * checks them, and finds the run again when they are not), so no cursor reads outside the run.
 *
 * <p>Guarantees: never blocks the caller; reads run on the storage's own threads, never an event
 * loop; a page is read in one transaction, so it is a part of the chain as committed; completes
 * exceptionally when the storage cannot be read. Thread-safe.
 */
public interface AuditReader {

    /** The bytes of stored lines a page holds at most, past its first record: about a megabyte. */
    int MAX_PAGE_BYTES = 1 << 20;

    /**
     * Where a page starts: after the record {@code seq}, in the run from {@code first} to {@code last}
     * that an earlier page of the export found, or, both 0, in a run still to be found.
     *
     * @param seq the records after this seq (0: from the run's start)
     * @param first the run's first seq; 0 when not known
     * @param last the run's last seq; 0 when not known
     */
    record Cursor(long seq, long first, long last) {
        public Cursor {
            if (seq < 0) {
                throw new IllegalArgumentException("seq: " + seq + " (expected: >= 0)");
            }
            if (!(first == 0 && last == 0) && !(first >= 1 && first <= last)) {
                throw new IllegalArgumentException(
                        "first, last: " + first + ", " + last + " (expected: both 0, or 1 <= first <= last)");
            }
        }

        /** The records after {@code seq}, in a run still to be found. */
        public static Cursor after(long seq) {
            return new Cursor(seq, 0, 0);
        }

        /** Whether it carries the run's bounds. */
        public boolean knowsRun() {
            return last != 0;
        }
    }

    /**
     * A page of an export.
     *
     * @param lines the records as stored, in chain order, each without its line break
     * @param next where the next page starts (this page's last seq, the run's bounds); {@code null}
     *     when the run has no records after this page
     */
    record Page(List<String> lines, @Nullable Cursor next) {
        public Page {
            lines = List.copyOf(lines);
        }

        /** Whether the run has records after this page. */
        public boolean more() {
            return next != null;
        }
    }

    /** The page of {@code org}'s chain in {@code [from, to)} that {@code after} says. */
    CompletionStage<Page> page(String org, Instant from, Instant to, Cursor after, int limit);

    /** Checks a page's arguments at the public edge of an implementation. */
    static void check(String org, Instant from, Instant to, Cursor after, int limit) {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(after, "after");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
    }
}
