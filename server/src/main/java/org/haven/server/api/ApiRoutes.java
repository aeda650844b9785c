package org.haven.server.api;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.Executor;
import org.haven.server.alert.AlertService;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.Scope;
import org.haven.server.auth.ServiceTokenVerifier;
import org.haven.server.care.CareService;
import org.haven.server.room.OrganisationSessions;
import org.haven.server.session.Revocations;

/**
 * The server API's routes, in one place: method, path, name (the audit action is
 * {@code api.<name>}), scope, handler. Adding an endpoint is one row here, its handler, its
 * operation in {@code docs/openapi.json} ({@code OpenApiDocumentTest} fails for a route the
 * document does not describe, and for an operation no route serves), and its test over HTTP
 * ({@code ServiceApiIT}, which checks every request and response against the document).
 *
 * <p>Threading: stateless; the table is built once at start.
 */
public final class ApiRoutes {

    private ApiRoutes() {}

    static List<ApiRoute> table(
            OpenApiDocument document,
            UserEndpoints users,
            CareEndpoints care,
            AlertEndpoints alerts,
            AuditEndpoints audit,
            SessionEndpoints sessions) {
        return List.of(
                ApiRoute.open("GET", "/api/v1/openapi.json", "openapi", document::serve),
                ApiRoute.of("POST", "/api/v1/users/revoke", "users.revoke", Scope.USERS_WRITE, users::revoke),
                ApiRoute.of(
                        "POST",
                        "/api/v1/users/{user}/disconnect",
                        "users.disconnect",
                        Scope.USERS_WRITE,
                        users::disconnect),
                ApiRoute.served("GET", "/api/v1/clients/{client}/care", "care.read", Scope.CARE_READ, care::read),
                ApiRoute.served(
                        "PUT",
                        "/api/v1/clients/{client}/care/contacts",
                        "care.contacts.set",
                        Scope.CARE_WRITE,
                        care::setContacts),
                ApiRoute.served(
                        "PUT", "/api/v1/clients/{client}/care/plan", "care.plan.set", Scope.CARE_WRITE, care::setPlan),
                ApiRoute.served(
                        "PUT", "/api/v1/clients/{client}/care/risk", "care.risk.set", Scope.CARE_WRITE, care::setRisk),
                ApiRoute.served("POST", "/api/v1/alerts", "alerts.raise", Scope.ALERTS_WRITE, alerts::raise),
                ApiRoute.served("GET", "/api/v1/alerts", "alerts.list", Scope.ALERTS_READ, alerts::list),
                ApiRoute.served("GET", "/api/v1/alerts/{alert}", "alerts.read", Scope.ALERTS_READ, alerts::read),
                ApiRoute.served(
                        "POST",
                        "/api/v1/alerts/{alert}/acknowledge",
                        "alerts.acknowledge",
                        Scope.ALERTS_WRITE,
                        alerts::acknowledge),
                ApiRoute.served(
                        "POST", "/api/v1/alerts/{alert}/engage", "alerts.engage", Scope.ALERTS_WRITE, alerts::engage),
                ApiRoute.served(
                        "POST",
                        "/api/v1/alerts/{alert}/resolve",
                        "alerts.resolve",
                        Scope.ALERTS_WRITE,
                        alerts::resolve),
                ApiRoute.of("GET", "/api/v1/audit", "audit.export", Scope.AUDIT_READ, audit::export),
                ApiRoute.served("GET", "/api/v1/rooms", "rooms.list", Scope.SESSIONS_READ, sessions::list),
                ApiRoute.served("GET", "/api/v1/rooms/{room}", "rooms.read", Scope.SESSIONS_READ, sessions::read),
                ApiRoute.served("POST", "/api/v1/rooms/{room}/end", "rooms.end", Scope.SESSIONS_WRITE, sessions::end),
                ApiRoute.served(
                        "POST",
                        "/api/v1/rooms/{room}/members/{user}/remove",
                        "rooms.members.remove",
                        Scope.SESSIONS_WRITE,
                        sessions::remove),
                ApiRoute.served(
                        "POST", "/api/v1/rooms/{room}/notice", "rooms.notice", Scope.SESSIONS_WRITE, sessions::notice));
    }

    /** The node's API: every route above over the node's services; served routes answered where {@code serving} says; the audit export over {@code audit}'s reader, if any. */
    public static ServiceApi api(
            ServiceTokenVerifier verifier,
            Revocations revocations,
            CareService care,
            AlertService alerts,
            OrganisationSessions sessions,
            AuditTrail audit,
            Executor executor,
            ApiLimits limits,
            Ticker ticker,
            ServingNode serving,
            MeterRegistry meters) {
        List<ApiRoute> routes = table(
                OpenApiDocument.fromClassPath(),
                new UserEndpoints(revocations),
                new CareEndpoints(care),
                new AlertEndpoints(alerts),
                new AuditEndpoints(audit.reader().orElse(null)),
                new SessionEndpoints(sessions));
        return new ServiceApi(routes, verifier, revocations, audit, executor, limits, ticker, serving, meters);
    }
}
