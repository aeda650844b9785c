package org.haven.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.auth.Scope;
import org.haven.server.testing.ApiClient;
import org.haven.server.testing.ApiClient.Answer;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alerts through the server API over real HTTP on a real node, each exchange checked against
 * docs/openapi.json: a raise by a program's system reaches a clinician's WebSocket as a help press
 * does, repeats join it, a clinician's steps taken in their name reach the responders; and every
 * refusal.
 */
class AlertApiIT {

    @RegisterExtension
    final TestServer haven = new TestServer();

    private final ApiClient api = haven.api();

    private String screening(Scope... scopes) {
        return haven.serviceToken("screening", "demo", scopes);
    }

    private static String raise(String client, String extra) {
        return "{\"client\":\"" + client
                + "\",\"room\":\"group-1\",\"kind\":\"suicidal_ideation\",\"severity\":\"high\"" + extra + "}";
    }

    @Test
    void anAlertRaisedThroughTheApiReachesTheClinicianAsAHelpPressDoesAndRepeatsJoinIt() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(alice, "group-1");
        haven.join(bo, "group-1");
        String tool = screening(Scope.ALERTS_WRITE, Scope.ALERTS_READ);

        Answer raised = api.post("/api/v1/alerts", tool, raise("alice", ",\"dedupKey\":\"scr-20261205-1\""));
        assertThat(raised.status()).isEqualTo(200);
        String alert = raised.json().path("alert").asText();
        assertThat(raised.json().path("deduplicated").asBoolean()).isFalse();
        assertThat(raised.json().path("state").asText()).isEqualTo("raised");
        ServerMessage.AlertNotice notice = bo.awaitEvent(
                ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofSeconds(5));
        assertThat(notice.alert().source()).isEqualTo(Alerts.Source.EXTERNAL);
        assertThat(notice.alert().client()).isEqualTo("alice");
        assertThat(notice.alert().kind()).isEqualTo(Alerts.Kind.SUICIDAL_IDEATION);
        assertThat(notice.alert().tier())
                .as("the session's facilitator first, as for a press in a room")
                .isEqualTo("facilitators");
        assertThat(notice.alert().history())
                .first()
                .satisfies(h -> assertThat(h.by()).isEqualTo("service:screening"));

        Answer again = api.post("/api/v1/alerts", tool, raise("alice", ",\"dedupKey\":\"scr-20261205-1\""));
        assertThat(again.json().path("alert").asText()).isEqualTo(alert);
        assertThat(again.json().path("deduplicated").asBoolean())
                .as("the same event sent again")
                .isTrue();
        Answer another = api.post(
                "/api/v1/alerts",
                tool,
                raise("alice", ",\"severity\":\"imminent\",\"note\":\"second screen positive\"")
                        .replace("\"severity\":\"high\",", ""));
        assertThat(another.json().path("alert").asText())
                .as("a new event joins the open alert")
                .isEqualTo(alert);
        assertThat(another.json().path("severity").asText()).isEqualTo("imminent");
        alice.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", Alerts.Kind.OTHER, null),
                        Result.AlertReceived.class)
                .get(5, TimeUnit.SECONDS);

        JsonNode read = api.get("/api/v1/alerts/" + alert, tool).json();
        assertThat(read.path("presses").asInt())
                .as("the raise, the second event and the client's own press; the repeat was not one")
                .isEqualTo(3);
        assertThat(read.path("severity").asText()).isEqualTo("imminent");
        List<String> history = new ArrayList<>();
        read.path("history")
                .forEach(h -> history.add(
                        h.path("event").asText() + " " + h.path("by").asText()));
        assertThat(history).contains("raised service:screening", "flagged service:screening", "pressed_again alice");
        assertThat(read.path("actions").toString()).contains("second screen positive");
        alice.close();
        bo.close();
    }

    @Test
    void aServiceActsInAClinicianNameAndTheRespondersSeeIt() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(bo, "group-1");
        String ehr = haven.serviceToken("ehr-sync", "demo", Scope.ALERTS_WRITE, Scope.ALERTS_READ);
        String alert = api.post("/api/v1/alerts", ehr, raise("alice", ""))
                .json()
                .path("alert")
                .asText();
        String path = "/api/v1/alerts/" + alert;

        Answer early = api.post(path + "/resolve", ehr, "{\"clinician\":\"dr-bo\",\"outcome\":\"stabilized\"}");
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.code()).isEqualTo("illegal_transition");

        Answer ack = api.post(path + "/acknowledge", ehr, "{\"clinician\":\"dr-bo\"}");
        assertThat(ack.status()).isEqualTo(200);
        assertThat(ack.json().path("state").asText()).isEqualTo("acknowledged");
        assertThat(ack.json().path("acknowledgedBy").asText()).isEqualTo("dr-bo");
        assertThat(bo.awaitEvent(
                        ServerMessage.AlertNotice.class,
                        n -> n.alert().id().equals(alert) && n.alert().state() == Alerts.State.ACKNOWLEDGED,
                        Duration.ofSeconds(5)))
                .as("the responders connected get the step")
                .isNotNull();
        Answer notTheirs = api.post(path + "/engage", ehr, "{\"clinician\":\"dr-lee\"}");
        assertThat(notTheirs.status()).as("only who acknowledged it engages it").isEqualTo(409);
        assertThat(api.post(path + "/engage", ehr, "{\"clinician\":\"dr-bo\"}").status())
                .isEqualTo(200);
        Answer resolved = api.post(
                path + "/resolve",
                ehr,
                "{\"clinician\":\"dr-bo\",\"outcome\":\"stabilized\",\"note\":\"called, safe\"}");
        assertThat(resolved.json().path("state").asText()).isEqualTo("resolved");
        assertThat(api.post(path + "/acknowledge", ehr, "{\"clinician\":\"dr-bo\"}")
                        .status())
                .as("a resolved alert is open no more")
                .isEqualTo(404);
        assertThat(api.get(path, ehr).json().path("state").asText()).isEqualTo("resolved");

        List<AuditRecord> audited = ((InMemoryAuditTrail) haven.server().audit()).records();
        assertThat(audited)
                .filteredOn(
                        r -> r.actor().equals("service:ehr-sync") && r.action().startsWith("alert."))
                .extracting(
                        r -> r.action() + " " + r.subject() + " " + r.details().get("as"))
                .containsExactly(
                        "alert.raise alert:" + alert + " null",
                        "alert.acknowledge alert:" + alert + " dr-bo",
                        "alert.engage alert:" + alert + " dr-bo",
                        "alert.resolve alert:" + alert + " dr-bo");
        bo.close();
    }

    @Test
    void alertsAreListedNewestFirstFilteredAndPaged() {
        String tool = screening(Scope.ALERTS_WRITE, Scope.ALERTS_READ);
        String first = api.post("/api/v1/alerts", tool, raise("alice", ""))
                .json()
                .path("alert")
                .asText();
        String second = api.post("/api/v1/alerts", tool, raise("bob", ""))
                .json()
                .path("alert")
                .asText();
        String third = api.post("/api/v1/alerts", tool, raise("cy", ""))
                .json()
                .path("alert")
                .asText();

        JsonNode page = api.get("/api/v1/alerts?limit=2", tool).json();
        assertThat(ids(page)).containsExactly(third, second);
        String next = page.path("next").asText();
        assertThat(next).isNotEmpty();
        JsonNode last = api.get("/api/v1/alerts?limit=2&after=" + next, tool).json();
        assertThat(ids(last)).containsExactly(first);
        assertThat(last.has("next")).isFalse();

        assertThat(ids(api.get("/api/v1/alerts?client=bob", tool).json())).containsExactly(second);
        assertThat(ids(api.get("/api/v1/alerts?state=acknowledged", tool).json()))
                .isEmpty();
        String from = Instant.now().minusSeconds(600).toString();
        String to = Instant.now().plusSeconds(60).toString();
        assertThat(ids(api.get("/api/v1/alerts?state=raised&from=" + from + "&to=" + to, tool)
                        .json()))
                .containsExactly(third, second, first);
        assertThat(ids(api.get("/api/v1/alerts?to=" + from, tool).json())).isEmpty();
    }

    @Test
    void everyRefusal() {
        String tool = screening(Scope.ALERTS_WRITE, Scope.ALERTS_READ);
        String alert = api.post("/api/v1/alerts", tool, raise("alice", ""))
                .json()
                .path("alert")
                .asText();

        Answer readOnly = api.post("/api/v1/alerts", screening(Scope.ALERTS_READ), raise("alice", ""));
        assertThat(readOnly.status()).isEqualTo(403);
        assertThat(readOnly.code()).isEqualTo("forbidden");
        assertThat(api.get("/api/v1/alerts", screening(Scope.ALERTS_WRITE)).status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/alerts/" + alert, screening(Scope.CARE_READ))
                        .status())
                .isEqualTo(403);

        String other = haven.serviceToken("screening", "other", Scope.ALERTS_WRITE, Scope.ALERTS_READ);
        assertThat(api.get("/api/v1/alerts/" + alert, other).code()).isEqualTo("not_found");
        assertThat(ids(api.get("/api/v1/alerts", other).json())).isEmpty();
        assertThat(api.post("/api/v1/alerts/" + alert + "/acknowledge", other, "{\"clinician\":\"dr-bo\"}")
                        .status())
                .as("another organisation's service cannot act on it")
                .isEqualTo(404);

        String admin = haven.serviceToken("admin-sync", "demo", Scope.USERS_WRITE);
        assertThat(api.post("/api/v1/users/revoke", admin, "{\"tokenId\":\"" + tokenId(tool) + "\"}")
                        .status())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/alerts/" + alert, tool).status()).isEqualTo(401);
        assertThat(api.post("/api/v1/alerts", tool, raise("alice", "")).status())
                .isEqualTo(401);

        String fresh = screening(Scope.ALERTS_WRITE, Scope.ALERTS_READ);
        for (String bad : List.of(
                "{\"room\":\"group-1\"}",
                "{\"client\":\"\"}",
                "{\"client\":\"alice\",\"severity\":\"dire\"}",
                "{\"client\":\"alice\",\"kind\":\"sadness\"}",
                "{\"client\":\"alice\",\"dedupKey\":\"has space\"}",
                "{\"client\":\"alice\",\"room\":\"" + "r".repeat(200) + "\"}",
                "{\"client\":\"alice\",\"note\":\"" + "x".repeat(2001) + "\"}",
                "[1]",
                "{\"client\":")) {
            Answer refused = api.post("/api/v1/alerts", fresh, bad);
            assertThat(refused.status())
                    .as(bad.length() > 80 ? "a long note" : bad)
                    .isEqualTo(400);
            assertThat(refused.body()).doesNotContain("xxxxxxxx");
        }
        for (String query : List.of(
                "state=open",
                "sate=raised",
                "limit=0",
                "limit=101",
                "from=yesterday",
                "after=zzz",
                "from=2026-12-05T10:00:00Z&to=2026-12-04T10:00:00Z",
                "from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z",
                "client=" + "c".repeat(129))) {
            assertThat(api.get("/api/v1/alerts?" + query, fresh).status())
                    .as(query)
                    .isEqualTo(400);
        }
        String path = "/api/v1/alerts/" + alert;
        assertThat(api.post(path + "/acknowledge", fresh, "{}").code()).isEqualTo("invalid_message");
        assertThat(api.post(path + "/resolve", fresh, "{\"clinician\":\"dr-bo\"}")
                        .code())
                .isEqualTo("invalid_message");
        assertThat(api.get("/api/v1/alerts/a-nothing", fresh).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/alerts/a-nothing/acknowledge", fresh, "{\"clinician\":\"dr-bo\"}")
                        .status())
                .isEqualTo(404);
        assertThat(api.get(path, fresh).json().path("presses").asInt())
                .as("nothing refused reached the alert")
                .isEqualTo(1);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("alerts").forEach(a -> ids.add(a.path("id").asText()));
        return ids;
    }

    private static String tokenId(String jwt) {
        String payload =
                new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
        int at = payload.indexOf("\"jti\":\"") + 7;
        return payload.substring(at, payload.indexOf('"', at));
    }
}
