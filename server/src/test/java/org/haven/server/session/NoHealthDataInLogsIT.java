package org.haven.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Role;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.LogCapture;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guarantee 6: names, chat text, locations, contacts, safety plans, assessed risk, alert kinds and
 * notes travel to the people who need them, never into the logs — not on the happy path, not in
 * errors, not in refusals.
 */
class NoHealthDataInLogsIT {

    private static final String NAME = "Harriet Quimby-Planted";
    private static final String CHAT = "I stopped taking my sertraline last week";
    private static final String BAD_FRAME_TEXT = "1 Planted Lane, Springfield";
    private static final String PLAN_LINE = "hide the razor blades in the garage";
    private static final String CONTACT_NAME = "Priscilla Plantedcontact";
    private static final String CONTACT_PHONE = "+1 312 555 0177";
    private static final String NOTE = "client disclosed a plan involving the bridge";
    /** When the planted risk was assessed: a date nothing else in the scenario has. */
    private static final java.time.Instant SCREENED = java.time.Instant.parse("2019-07-13T13:13:13Z");

    @RegisterExtension
    final TestServer haven = new TestServer();

    @Test
    void plantedDataNeverReachesTheLogs() throws Exception {
        long mark = LogCapture.mark(); // what the tests before it in this JVM logged is theirs
        DevTokens tokens = new DevTokens(
                ServerConfig.DEV_SECRET,
                ServerConfig.DEV_ISSUER,
                ServerConfig.DEV_AUDIENCE,
                java.time.Clock.systemUTC());
        HavenClient alice = haven.connect();
        alice.hello(tokens.mint("alice", Role.CLIENT, "demo", List.of("group-1"), NAME, Duration.ofHours(1)))
                .get(5, TimeUnit.SECONDS);
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.checkIn(alice, "group-1");
        alice.request(id -> new ClientMessage.RoomJoin(id, "group-1")).get(5, TimeUnit.SECONDS);
        haven.join(bo, "group-1");
        alice.request(id -> new ClientMessage.ChatSend(id, "group-1", CHAT)).get(5, TimeUnit.SECONDS);
        alice.request(id -> new ClientMessage.PlanSet(
                        id,
                        null,
                        new org.haven.protocol.Care.SafetyPlan(
                                List.of(PLAN_LINE), List.of(PLAN_LINE), List.of(), List.of(), List.of(), List.of())))
                .get(5, TimeUnit.SECONDS);
        alice.request(id -> new ClientMessage.ContactsSet(
                        id,
                        null,
                        List.of(new org.haven.protocol.Care.EmergencyContact(
                                CONTACT_NAME, "sister", CONTACT_PHONE, true))))
                .get(5, TimeUnit.SECONDS);
        // The risk: set by the clinician, refused to the client, and a frame with a level that is none.
        bo.request(id -> new ClientMessage.RiskSet(
                        id,
                        "alice",
                        org.haven.protocol.Care.RiskLevel.HIGH,
                        org.haven.protocol.Care.RiskSource.C_SSRS,
                        SCREENED))
                .get(5, TimeUnit.SECONDS);
        alice.request(id -> new ClientMessage.RiskSet(
                id, "alice", org.haven.protocol.Care.RiskLevel.LOW, org.haven.protocol.Care.RiskSource.OTHER, null));
        bo.sendText("{\"type\":\"care.risk.set\",\"id\":\"r1\",\"client\":\"alice\",\"level\":\"" + NOTE
                + "\",\"source\":\"c_ssrs\"}");
        // A moderate press the risk raises to high (history risk_floor).
        alice.request(id -> new ClientMessage.AlertRaise(
                        id,
                        "group-1",
                        org.haven.protocol.Alerts.Kind.SUICIDAL_IDEATION,
                        org.haven.protocol.Alerts.Severity.MODERATE))
                .get(5, TimeUnit.SECONDS);
        var notice =
                bo.awaitEvent(org.haven.protocol.ServerMessage.AlertNotice.class, n -> true, Duration.ofSeconds(5));
        assertThat(notice.alert().checkIn().address().street()).isEqualTo(TestServer.ADDRESS.street());
        assertThat(notice.alert().risk().assessedAt()).isEqualTo(SCREENED);
        assertThat(notice.alert().severity()).isEqualTo(org.haven.protocol.Alerts.Severity.HIGH);
        bo.request(id -> new ClientMessage.AlertAcknowledge(id, notice.alert().id()))
                .get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.AlertEngage(id, notice.alert().id())).get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.AlertAction(
                        id, notice.alert().id(), org.haven.protocol.Alerts.ActionType.NOTE, null, NOTE))
                .get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.CareRecordGet(id, "alice", "group-1"))
                .get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.AlertFlag(
                        id,
                        "alice",
                        "group-1",
                        org.haven.protocol.Alerts.Kind.SELF_HARM_IDEATION,
                        org.haven.protocol.Alerts.Severity.MODERATE,
                        NOTE))
                .get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.RtcSignal(
                        id,
                        "group-1",
                        "alice",
                        org.haven.protocol.Sessions.Signal.OFFER,
                        "v=0 o=- " + NAME + " IN IP4 " + BAD_FRAME_TEXT))
                .get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.BreakoutStart(
                        id, "group-1", "alice", null, notice.alert().id()))
                .get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.AlertResolve(
                        id, notice.alert().id(), org.haven.protocol.Alerts.Outcome.STABILIZED, NOTE))
                .get(5, TimeUnit.SECONDS);
        // A check-in the server refuses: the refusal names the field, never the value.
        alice.sendText("{\"type\":\"checkin.submit\",\"id\":\"c1\",\"room\":\"group-1\",\"address\":{\"street\":\""
                + BAD_FRAME_TEXT + "\"},\"callbackPhone\":\"call " + CONTACT_PHONE + " or " + CONTACT_NAME + "\"}");
        alice.sendText("{\"type\":\"chat.send\",\"id\":\"x\",\"room\":{\"address\":\"" + BAD_FRAME_TEXT + "\"}}");
        alice.sendText("{\"type\":\"chat.send\",\"id\":\"y\",\"text\":\"" + BAD_FRAME_TEXT);
        alice.request(id -> new ClientMessage.ChatSend(id, "group-1", CHAT.repeat(200)));
        HavenClient forged = haven.connect();
        forged.hello(tokens.mint("eve", Role.CLIENT, "demo", List.of(), NAME, Duration.ofHours(1)) + "x");
        forged.closeFuture().get(5, TimeUnit.SECONDS);
        alice.request(ClientMessage.Ping::new).get(5, TimeUnit.SECONDS);
        alice.close();
        bo.close();
        haven.server().close();

        List<String> lines = LogCapture.since(mark);
        assertThat(lines).as("the server logged something during the scenario").isNotEmpty();
        assertThat(lines).noneMatch(l -> l.contains(NAME) || l.contains("Harriet"));
        assertThat(lines).noneMatch(l -> l.contains("sertraline"));
        assertThat(lines).noneMatch(l -> l.contains("Planted Lane"));
        assertThat(lines).noneMatch(l -> l.contains(TestServer.ADDRESS.street()) || l.contains("555 0100"));
        assertThat(lines).noneMatch(l -> l.contains("razor") || l.contains("Plantedcontact") || l.contains("555 0177"));
        assertThat(lines).noneMatch(l -> l.contains("bridge") || l.contains("suicidal") || l.contains("SUICIDAL"));
        // Nothing says a client's risk: its level, source, date, or that a floor raised a press.
        // (The server API's endpoint name care.risk.set names what a service called, with no client:
        // it says nobody's risk.)
        assertThat(lines)
                .noneMatch(l -> l.replace("route=care.risk.set", "")
                        .toLowerCase(java.util.Locale.ROOT)
                        .contains("risk"));
        assertThat(lines).noneMatch(l -> l.toLowerCase(java.util.Locale.ROOT).contains("c_ssrs"));
        assertThat(lines)
                .noneMatch(l -> l.contains("2019-07-13") || l.contains(Long.toString(SCREENED.getEpochSecond())));
    }

    /** The same through the server API: bodies stored, read back, refused, malformed, replayed. */
    @Test
    void plantedDataSentThroughTheServerApiNeverReachesTheLogs() throws Exception {
        long mark = LogCapture.mark();
        String apiName = "Ottoline Apiplanted";
        String apiPhone = "+1 773 555 0142";
        String apiPlan = "the pills are in the blue tin";
        org.haven.server.testing.ApiClient api = haven.api();
        String ehr = haven.serviceToken(
                "ehr-sync", "demo", org.haven.server.auth.Scope.CARE_WRITE, org.haven.server.auth.Scope.CARE_READ);
        String contacts = "{\"contacts\":[{\"name\":\"" + apiName + "\",\"relation\":\"friend\",\"phone\":\"" + apiPhone
                + "\",\"consentToContact\":true}]}";
        String path = "/api/v1/clients/alice/care";
        assertThat(api.send("PUT", path + "/contacts", ehr, contacts, java.util.Map.of("Idempotency-Key", "k-1"))
                        .status())
                .isEqualTo(200);
        assertThat(api.send("PUT", path + "/contacts", ehr, contacts, java.util.Map.of("Idempotency-Key", "k-1"))
                        .status())
                .isEqualTo(200);
        assertThat(api.put(
                                path + "/plan",
                                ehr,
                                "{\"plan\":{\"warningSigns\":[\"" + apiPlan + "\"],\"copingStrategies\":[],"
                                        + "\"distractions\":[],\"peopleToAsk\":[],\"professionals\":[],"
                                        + "\"safeEnvironment\":[]}}")
                        .status())
                .isEqualTo(200);
        assertThat(api.get(path, ehr).body()).contains(apiName, apiPlan);
        // Refusals: a bad phone, malformed JSON, a reused key, no credential; none quotes the body.
        assertThat(api.put(path + "/contacts", ehr, contacts.replace(apiPhone, "call " + apiName))
                        .status())
                .isEqualTo(400);
        assertThat(api.put(path + "/contacts", ehr, "{\"contacts\":[{\"name\":\"" + apiName)
                        .status())
                .isEqualTo(400);
        assertThat(api.send(
                                "PUT",
                                path + "/contacts",
                                ehr,
                                contacts.replace("friend", apiPlan),
                                java.util.Map.of("Idempotency-Key", "k-1"))
                        .status())
                .isEqualTo(422);
        assertThat(api.put(path + "/plan", null, "{\"plan\":\"" + apiPlan + "\"}")
                        .status())
                .isEqualTo(401);
        haven.server().close();

        List<String> lines = LogCapture.since(mark);
        assertThat(lines).noneMatch(l -> l.contains("Apiplanted") || l.contains("Ottoline"));
        assertThat(lines).noneMatch(l -> l.contains("555 0142"));
        assertThat(lines).noneMatch(l -> l.contains("blue tin"));
    }
}
