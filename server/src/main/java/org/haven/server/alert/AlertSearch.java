package org.haven.server.alert;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Objects;
import org.haven.protocol.Alerts;
import org.jspecify.annotations.Nullable;

/**
 * What {@link AlertStore#search} asks for: the alerts of {@code org} raised in [{@code from}, {@code
 * to}), newest raised first (ties by id ascending), strictly after the cursor ({@code afterRaisedAt},
 * {@code afterId}) when given, only in {@code state} and of {@code client} when given, at most
 * {@code limit}. Callers bound the range (the API to 31 days): a store reads at most the alerts raised
 * in it.
 *
 * <p>Times count to the millisecond, the precision the SQL and Redis stores keep: {@code from},
 * {@code to} and {@code afterRaisedAt} are truncated to it here, and an alert is ordered and compared
 * by its {@code raisedAt} truncated the same way ({@link #raisedMillis}), in every store. So a cursor
 * taken from the last alert of a page (its full {@code raisedAt} and id) continues exactly after it:
 * nothing skipped, nothing repeated. Immutable.
 */
public record AlertSearch(
        String org,
        Instant from,
        Instant to,
        Alerts.@Nullable State state,
        @Nullable String client,
        @Nullable Instant afterRaisedAt,
        @Nullable String afterId,
        int limit) {

    /** The most alerts one search returns. */
    public static final int MAX_LIMIT = 1000;

    private static final Instant FIRST_MILLISECOND = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant LAST_MILLISECOND = Instant.ofEpochMilli(Long.MAX_VALUE);

    /** Newest raised first, to the millisecond; then by id ascending. */
    public static final Comparator<StoredAlert> NEWEST_FIRST = Comparator.comparingLong(AlertSearch::raisedMillis)
            .reversed()
            .thenComparing(a -> a.view().id());

    public AlertSearch {
        Objects.requireNonNull(org, "org");
        from = millisecond(from, "from");
        to = millisecond(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException(
                    "from: %s, to: %s (expected: from before to, to the millisecond)".formatted(from, to));
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit: %s (expected: 1..%s)".formatted(limit, MAX_LIMIT));
        }
        if ((afterRaisedAt == null) != (afterId == null)) {
            throw new IllegalArgumentException("afterRaisedAt and afterId: both or neither");
        }
        afterRaisedAt = afterRaisedAt == null ? null : millisecond(afterRaisedAt, "afterRaisedAt");
    }

    private static Instant millisecond(Instant t, String name) {
        Objects.requireNonNull(t, name);
        // Stores keep epoch milliseconds (a long): the instant must have them.
        if (t.isBefore(FIRST_MILLISECOND) || t.isAfter(LAST_MILLISECOND)) {
            throw new IllegalArgumentException("%s: %s (expected: within epoch milliseconds)".formatted(name, t));
        }
        return t.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The first page of alerts of {@code org} raised in [{@code from}, {@code to}), unfiltered. */
    public static AlertSearch of(String org, Instant from, Instant to, int limit) {
        return new AlertSearch(org, from, to, null, null, null, null, limit);
    }

    /** This search, the page after {@code last} (the last alert of the page before). */
    public AlertSearch after(StoredAlert last) {
        return new AlertSearch(
                org,
                from,
                to,
                state,
                client,
                last.view().raisedAt(),
                last.view().id(),
                limit);
    }

    /** When {@code alert} was raised, in epoch milliseconds: what stores index, order and compare. */
    public static long raisedMillis(StoredAlert alert) {
        return alert.view().raisedAt().toEpochMilli();
    }

    /** Whether {@code alert} is one this search finds, the limit aside. */
    public boolean matches(StoredAlert alert) {
        long raised = raisedMillis(alert);
        return alert.org().equals(org)
                && raised >= from.toEpochMilli()
                && raised < to.toEpochMilli()
                && (state == null || alert.view().state() == state)
                && (client == null || alert.view().client().equals(client))
                && isAfterCursor(raised, alert.view().id());
    }

    /** Whether an alert raised at {@code raisedMillis} with id {@code id} comes after the cursor (true without one). */
    public boolean isAfterCursor(long raisedMillis, String id) {
        if (afterRaisedAt == null || afterId == null) {
            return true;
        }
        long cursor = afterRaisedAt.toEpochMilli();
        return raisedMillis < cursor || (raisedMillis == cursor && id.compareTo(afterId) > 0);
    }
}
