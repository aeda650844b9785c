package org.haven.server.api;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.server.audit.AuditReader;
import org.jspecify.annotations.Nullable;

/**
 * The organisation's audit trail through the API: its chain over a time range, as JSON lines, each
 * record exactly as stored (seq, prev and hash included), so a holder of the audit key checks the
 * export as a chain ({@code audit-verify --export}). A page at a time ({@code after}, {@code limit},
 * and the next page's cursor in {@code Haven-Next-After} and {@code Link}), so no answer is larger
 * than a page ({@link AuditReader#MAX_PAGE_BYTES}), however long the range. Only the service's own
 * organisation's chain, and only where the trail keeps one chain per organisation (the database):
 * elsewhere {@code not_configured}. The records hold opaque ids only; they are never logged here.
 *
 * <p>One export at a time per organisation on a node: a page asked while another of the same
 * organisation is being read is refused ({@code rate_limited}, {@code Retry-After}), so one backend
 * paging in parallel cannot fill the database's read queue that every organisation's exports share.
 *
 * <p>Threading: runs on the API's thread, the database answers on its own; the organisations
 * exporting are a concurrent set, each added here and removed when its page completes.
 */
final class AuditEndpoints {

    /** The longest range one export covers: a month, so one call never scans years of a trail. */
    static final Duration MAX_RANGE = Duration.ofDays(31);

    /** The records of a page when {@code limit} is not given, and the most it may ask. */
    static final int DEFAULT_LIMIT = 1_000;

    static final int MAX_LIMIT = 5_000;

    /** The header naming the cursor of the next page. */
    static final String NEXT_AFTER = "Haven-Next-After";

    private static final String PATH = "/api/v1/audit";
    private static final Set<String> PARAMETERS = Set.of("from", "to", "after", "limit");

    private final @Nullable AuditReader reader;

    /** The organisations with a page being read on this node. */
    private final Set<String> exporting = ConcurrentHashMap.newKeySet();

    /** The export of {@code reader}'s chains; {@code null}: the node's trail has none to export (a file). */
    AuditEndpoints(@Nullable AuditReader reader) {
        this.reader = reader;
    }

    CompletionStage<ApiResponse> export(ApiCall call) {
        AuditReader chains = reader;
        if (chains == null) {
            throw new ApiRefusal(
                    ApiError.NOT_CONFIGURED,
                    "this node keeps its audit trail in a file, one chain for every organisation: the export"
                            + " needs the trail in the database (docs/api.md)");
        }
        for (String name : call.queryNames()) {
            if (!PARAMETERS.contains(name)) {
                throw invalid("the query takes from, to, after and limit only");
            }
        }
        Instant from = instant(call, "from");
        Instant to = instant(call, "to");
        if (!to.isAfter(from)) {
            throw invalid("to: must be later than from");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw invalid("to: at most 31 days after from (export a longer span a month at a time)");
        }
        AuditReader.Cursor after = cursor(call);
        int limit =
                (int) number(call, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT, "limit: an integer from 1 to " + MAX_LIMIT);
        String org = call.service().org();
        call.detail("from", from.toString());
        call.detail("to", to.toString());
        call.detail("after", Long.toString(after.seq()));
        if (!exporting.add(org)) {
            throw new ApiRefusal(
                    ApiError.RATE_LIMITED,
                    "an export of this organisation is running on this node: ask for the next page once it"
                            + " has answered",
                    Map.of("Retry-After", "1"));
        }
        CompletionStage<AuditReader.Page> read;
        try {
            read = chains.page(org, from, to, after, limit);
        } catch (RuntimeException e) {
            exporting.remove(org);
            throw e;
        }
        return read.whenComplete((page, failure) -> exporting.remove(org)).thenApply(page -> {
            call.detail("records", Integer.toString(page.lines().size()));
            StringBuilder body = new StringBuilder();
            for (String line : page.lines()) {
                body.append(line).append('\n');
            }
            AuditReader.Cursor next = page.next();
            Map<String, String> headers = next == null
                    ? Map.of()
                    : Map.of(
                            NEXT_AFTER,
                            wire(next),
                            "Link",
                            "<" + PATH + "?from=" + from + "&to=" + to + "&after=" + wire(next) + "&limit=" + limit
                                    + ">; rel=\"next\"");
            return ApiResponse.jsonLines(body.toString(), headers);
        });
    }

    private static Instant instant(ApiCall call, String name) {
        String value = call.query(name);
        if (value == null || value.isEmpty()) {
            throw invalid(name + ": missing (an ISO-8601 instant such as 2026-12-01T00:00:00Z)");
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(name + ": not an ISO-8601 instant such as 2026-12-01T00:00:00Z");
        }
    }

    /**
     * The {@code after} parameter: a record's seq ({@code 41}), or the cursor a page gave
     * ({@code 41-7-90}: that seq, then the first and last seq of the range's run), 0 when absent.
     */
    private static AuditReader.Cursor cursor(ApiCall call) {
        String value = call.query("after");
        if (value == null) {
            return AuditReader.Cursor.after(0);
        }
        String[] parts = value.split("-", -1);
        long[] numbers = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = seq(parts[i]);
        }
        if (parts.length == 1 && numbers[0] >= 0) {
            return AuditReader.Cursor.after(numbers[0]);
        }
        if (parts.length == 3 && numbers[0] >= 0 && numbers[1] >= 1 && numbers[1] <= numbers[2]) {
            return new AuditReader.Cursor(numbers[0], numbers[1], numbers[2]);
        }
        throw invalid("after: a record's seq, an integer >= 0, or the cursor Haven-Next-After gave");
    }

    /** {@code digits} as a seq; -1 when it is not one. */
    private static long seq(String digits) {
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    /** The cursor as {@code after} takes it: {@code seq-first-last}, or the seq alone when the run is not known. */
    private static String wire(AuditReader.Cursor cursor) {
        return cursor.knowsRun()
                ? cursor.seq() + "-" + cursor.first() + "-" + cursor.last()
                : Long.toString(cursor.seq());
    }

    private static long number(ApiCall call, String name, long least, long most, long otherwise, String expected) {
        String value = call.query(name);
        if (value == null) {
            return otherwise;
        }
        long n;
        try {
            n = value.length() > 19 ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < least || n > most || !value.chars().allMatch(Character::isDigit)) {
            throw invalid(expected);
        }
        return n;
    }

    private static ApiRefusal invalid(String message) {
        return new ApiRefusal(ApiError.INVALID_MESSAGE, message);
    }
}
