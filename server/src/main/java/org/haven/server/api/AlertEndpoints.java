package org.haven.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.server.alert.AlertService;
import org.haven.server.alert.ExternalAlerts;
import org.haven.server.alert.ServiceRaise;
import org.haven.server.auth.ServicePrincipal;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * Alerts through the API, for the program's own systems: raise one (a screening tool's positive
 * result, remote monitoring) with a dedup key, list and read them, and acknowledge, engage and
 * resolve one in a named clinician's name. Each runs on the node serving the organisation, through
 * the same steps a help press or a responder's request takes: responders connected anywhere get
 * the same {@code alert} messages, and are paged the same way.
 *
 * <p>Threading: stateless; runs on the API's thread, the alert thread answers.
 */
final class AlertEndpoints {

    /** The most alerts one page lists. */
    static final int MAX_PAGE = 100;

    /** The widest time range a list may ask for. */
    static final Duration MAX_RANGE = Duration.ofDays(31);

    /** {@code POST /api/v1/alerts}: about whom, where, what, how severe, the dedup key, a note. */
    record RaiseBody(
            @Nullable String client,
            @Nullable String room,
            Alerts.@Nullable Kind kind,
            Alerts.@Nullable Severity severity,
            @Nullable String dedupKey,
            @Nullable String note) {}

    /** The answer to a raise. */
    record Raised(String alert, Alerts.State state, Alerts.Severity severity, boolean deduplicated) {}

    /** {@code POST …/acknowledge}, {@code …/engage}, {@code …/resolve}: in whose name, and for a resolve the outcome. */
    record StepBody(
            @Nullable String clinician,
            Alerts.@Nullable Outcome outcome,
            @Nullable String note) {}

    /** A page of alerts and, when more follow, the cursor of the next page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AlertPage(List<Alerts.View> alerts, @Nullable String next) {}

    private final AlertService alerts;

    AlertEndpoints(AlertService alerts) {
        this.alerts = alerts;
    }

    CompletionStage<Raised> raise(ApiCall call) {
        RaiseBody body = call.body(RaiseBody.class);
        Alerts.Kind kind = body.kind() != null ? body.kind() : Alerts.Kind.OTHER;
        Alerts.Severity severity = body.severity() != null ? body.severity() : Alerts.Severity.HIGH;
        ClientMessage.AlertFlag checked = call.validated(
                () -> new ClientMessage.AlertFlag("api", body.client(), body.room(), kind, severity, body.note()));
        String client = userId(checked.client(), "client");
        String dedupKey = body.dedupKey();
        if (dedupKey != null && !IdempotencyKeys.isValid(dedupKey)) {
            throw new ApiRefusal(ApiError.INVALID_MESSAGE, "dedupKey: 1..255 visible ASCII characters");
        }
        ServicePrincipal service = call.service();
        call.subject("client:" + service.org() + "/" + client);
        return alerts.raiseByService(new ServiceRaise(
                        service.name(),
                        new UserRef(service.org(), client),
                        checked.room(),
                        kind,
                        severity,
                        dedupKey,
                        checked.note()))
                .thenApply(r -> new Raised(r.alert(), r.state(), r.severity(), r.deduplicated()));
    }

    CompletionStage<Alerts.View> read(ApiCall call) {
        return alerts.read(call.service().org(), call.param("alert")).handle((view, failure) -> {
            if (failure == null) {
                return view;
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure;
            if (cause instanceof org.haven.protocol.Refusal refusal) {
                throw refusal;
            }
            // The store did not answer (a closed alert is read there): nothing is wrong with the call.
            throw new ApiRefusal(
                    ApiError.UNAVAILABLE, "the alert's store did not answer; try again", Map.of("Retry-After", "1"));
        });
    }

    /** The query parameters the list takes; any other is refused, not ignored (a typo filters nothing). */
    private static final java.util.Set<String> LIST_PARAMETERS =
            java.util.Set.of("state", "client", "from", "to", "limit", "after");

    CompletionStage<AlertPage> list(ApiCall call) {
        for (String name : call.queryNames()) {
            if (!LIST_PARAMETERS.contains(name)) {
                throw new ApiRefusal(
                        ApiError.INVALID_MESSAGE, "the query takes state, client, from, to, limit and after only");
            }
        }
        Alerts.State state = state(call.query("state"));
        String client = call.query("client");
        if (client != null) {
            userId(client, "client");
        }
        Instant from = instant(call.query("from"), "from");
        Instant to = instant(call.query("to"), "to");
        if (from != null
                && to != null
                && (!from.isBefore(to) || Duration.between(from, to).compareTo(MAX_RANGE) > 0)) {
            throw new ApiRefusal(ApiError.INVALID_MESSAGE, "from must be before to, at most 31 days apart");
        }
        int limit = limit(call.query("limit"));
        Cursor after = Cursor.read(call.query("after"));
        return alerts.list(
                        call.service().org(),
                        new ExternalAlerts.Query(
                                state,
                                client,
                                from,
                                to,
                                after == null ? null : after.raisedAt(),
                                after == null ? null : after.id(),
                                limit))
                .thenApply(page -> {
                    List<Alerts.View> views = page.alerts();
                    String next = page.more() && !views.isEmpty()
                            ? new Cursor(
                                            views.get(views.size() - 1).raisedAt(),
                                            views.get(views.size() - 1).id())
                                    .write()
                            : null;
                    return new AlertPage(views, next);
                });
    }

    CompletionStage<Alerts.View> acknowledge(ApiCall call) {
        return step(call, ExternalAlerts.Step.ACKNOWLEDGE);
    }

    CompletionStage<Alerts.View> engage(ApiCall call) {
        return step(call, ExternalAlerts.Step.ENGAGE);
    }

    CompletionStage<Alerts.View> resolve(ApiCall call) {
        return step(call, ExternalAlerts.Step.RESOLVE);
    }

    private CompletionStage<Alerts.View> step(ApiCall call, ExternalAlerts.Step step) {
        StepBody body = call.body(StepBody.class);
        String clinician = userId(body.clinician(), "clinician");
        if (step == ExternalAlerts.Step.RESOLVE && body.outcome() == null) {
            throw new ApiRefusal(ApiError.INVALID_MESSAGE, "outcome: required to resolve");
        }
        if (body.note() != null && (body.note().isBlank() || body.note().length() > 2000)) {
            throw new ApiRefusal(ApiError.INVALID_MESSAGE, "note: 1..2000 characters");
        }
        ServicePrincipal service = call.service();
        return alerts.actAs(
                service.org(), call.param("alert"), step, clinician, service.name(), body.outcome(), body.note());
    }

    private static String userId(@Nullable String id, String field) {
        if (id == null || id.isBlank() || id.length() > PathTemplate.MAX_PARAMETER_CHARS) {
            throw new ApiRefusal(ApiError.INVALID_MESSAGE, field + ": a user id, 1..128 characters");
        }
        return id;
    }

    private static Alerts.@Nullable State state(@Nullable String wire) {
        if (wire == null) {
            return null;
        }
        for (Alerts.State s : Alerts.State.values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(wire)) {
                return s;
            }
        }
        throw new ApiRefusal(ApiError.INVALID_MESSAGE, "state: one of the alert states of docs/protocol.md");
    }

    private static @Nullable Instant instant(@Nullable String text, String field) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ApiRefusal(ApiError.INVALID_MESSAGE, field + ": an ISO-8601 instant (2026-12-05T10:00:00Z)");
        }
    }

    private static int limit(@Nullable String text) {
        if (text == null) {
            return 50;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_PAGE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApiRefusal(ApiError.INVALID_MESSAGE, "limit: 1.." + MAX_PAGE);
    }

    /** Where a page ended: the last alert's raising time and id, written {@code <epoch s>.<nanos>.<id>}. */
    private record Cursor(Instant raisedAt, String id) {
        String write() {
            return raisedAt.getEpochSecond() + "." + raisedAt.getNano() + "." + id;
        }

        static @Nullable Cursor read(@Nullable String text) {
            if (text == null) {
                return null;
            }
            String[] parts = text.split("\\.", 3);
            try {
                if (parts.length == 3 && !parts[2].isEmpty() && text.length() <= 200) {
                    return new Cursor(
                            Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), parts[2]);
                }
            } catch (NumberFormatException | java.time.DateTimeException e) {
                // refused below
            }
            throw new ApiRefusal(ApiError.INVALID_MESSAGE, "after: the next cursor of a previous page");
        }
    }
}
