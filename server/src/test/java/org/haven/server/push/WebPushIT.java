package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Push;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.config.ServerConfig;
import org.haven.server.presence.UserRef;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Paging end to end, over real sockets: a clinician subscribes a browser (a subscriber of a local
 * RFC 8030 push service on loopback, with a key pair this test owns) and closes the console; a
 * client raises an alert; the push service receives the page, signed with the node's VAPID key for
 * its origin, urgent, with a TTL and a topic, and the subscriber's private key decrypts it to a text
 * with the alert's id and severity and nothing of the client: no name, address, phone, kind or plan.
 * A responder is paged once per escalation step, however often the alert is pushed again; a
 * responder connected is not paged; and a subscription its push service says is gone is removed.
 */
class WebPushIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String COPING = "PLANTED-COPING call my sister Dana";
    private static final String CLIENT_NAME = "Alice Plantedname";

    private final LocalPushService pushService = LocalPushService.start();
    private final VapidKeys vapid = VapidKeys.generate("mailto:ops@example.org");

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.vapidPublicKey(vapid.publicKey())
            .vapidPrivateKey(vapid.privateKey())
            .pushSubject(vapid.subject())
            .pushServices(List.of("http://127.0.0.1:" + pushService.port()))
            .adminToken(ADMIN));

    private static final String ADMIN = "an-admin-token-of-at-least-thirty-two-chars";

    @AfterEach
    void stopPushService() {
        pushService.close();
    }

    private LocalPushService.Subscriber subscribe(HavenClient client, String device) throws Exception {
        LocalPushService.Subscriber browser = pushService.subscribe();
        client.call(
                        id -> new ClientMessage.PushSubscribe(
                                id,
                                device,
                                browser.endpoint().toString(),
                                new Push.Keys(browser.p256dh(), browser.auth())),
                        Result.PushSubscribed.class)
                .get(5, TimeUnit.SECONDS);
        return browser;
    }

    private List<PushSubscription> subscriptionsOf(String user) throws Exception {
        return haven.server()
                .engines()
                .pushSubscriptions()
                .list(new UserRef("demo", user))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    private static String raise(HavenClient client, Alerts.Severity severity) throws Exception {
        return client.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", Alerts.Kind.SELF_HARM_IDEATION, severity),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();
    }

    private HavenClient clientWithACareRecord() throws Exception {
        HavenClient alice = haven.connect();
        alice.hello(haven.token("alice", Role.CLIENT, "demo", "group-1")).get(5, TimeUnit.SECONDS);
        alice.call(
                        id -> new ClientMessage.PlanSet(
                                id,
                                null,
                                new Care.SafetyPlan(
                                        List.of("not sleeping"),
                                        List.of(COPING),
                                        List.of(),
                                        List.of(),
                                        List.of(),
                                        List.of())),
                        Result.CareVersion.class)
                .get(5, TimeUnit.SECONDS);
        haven.checkIn(alice, "group-1");
        haven.join(alice, "group-1");
        return alice;
    }

    @Test
    void aClinicianWithNoTabOpenIsPagedWithNoHealthDataDecryptableByTheirBrowserAlone() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        LocalPushService.Subscriber laptop = subscribe(bo, "laptop");
        LocalPushService.Subscriber phone = subscribe(bo, "phone");
        bo.close(); // the console is closed: nobody of the care team is connected

        HavenClient alice = clientWithACareRecord();
        String alert = raise(alice, Alerts.Severity.HIGH);

        for (LocalPushService.Subscriber device : List.of(laptop, phone)) {
            LocalPushService.Push page = pushService.awaitPush(device, WAIT);
            assertThat(page.status()).isEqualTo(201);
            assertThat(page.header("Urgency")).isEqualTo("high");
            assertThat(page.header("Content-Encoding")).isEqualTo("aes128gcm");
            assertThat(Long.parseLong(page.header("TTL"))).isBetween(60L, 900L);
            assertThat(page.header("Topic")).matches("[A-Za-z0-9_-]{1,32}");
            VapidToken token = page.vapid(); // signature, audience and expiry verified
            assertThat(token.publicKey()).isEqualTo(vapid.publicKey());
            assertThat(token.claims()).containsEntry("sub", "mailto:ops@example.org");

            String text = page.text();
            @SuppressWarnings("unchecked")
            Map<String, Object> json = new com.fasterxml.jackson.databind.ObjectMapper().readValue(text, Map.class);
            assertThat(json)
                    .containsEntry("alert", alert)
                    .containsEntry("severity", "high")
                    .containsEntry("title", "Haven")
                    .containsEntry("body", "Someone needs you in Haven")
                    .containsEntry("url", "/console/?alert=" + alert);
            assertThat(text)
                    .doesNotContain("alice")
                    .doesNotContain(CLIENT_NAME)
                    .doesNotContain("Elm Street")
                    .doesNotContain("Springfield")
                    .doesNotContain("217")
                    .doesNotContain("self_harm")
                    .doesNotContain("ideation")
                    .doesNotContain("PLANTED")
                    .doesNotContain("group-1");
        }
        InMemoryAuditTrail audit = (InMemoryAuditTrail) haven.server().audit();
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(audit.records())
                        .filteredOn(r -> r.action().equals("push.page"))
                        .extracting(r -> r.subject() + " " + r.outcome() + " "
                                + r.details().get("device"))
                        .containsExactlyInAnyOrder("user:dr-bo queued laptop", "user:dr-bo queued phone"));
    }

    @Test
    void aResponderIsPagedOncePerStepAndNotAtAllWhileConnected() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        LocalPushService.Subscriber laptop = subscribe(bo, "laptop");
        bo.close();
        HavenClient cy = haven.login("dr-cy", Role.CLINICIAN, "demo", "group-1");
        LocalPushService.Subscriber cyLaptop = subscribe(cy, "laptop"); // and stays connected

        HavenClient alice = clientWithACareRecord();
        String alert = raise(alice, Alerts.Severity.HIGH);
        pushService.awaitPush(laptop, WAIT);
        assertThat(raise(alice, Alerts.Severity.HIGH))
                .as("a repeat joins the open alert")
                .isEqualTo(alert);

        Awaitility.await()
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> pushService.requests(laptop).size() == 1
                        && pushService.requests(cyLaptop).isEmpty());
    }

    @Test
    void aSubscriptionItsPushServiceSaysIsGoneIsRemoved() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        LocalPushService.Subscriber laptop = subscribe(bo, "laptop");
        bo.close();
        pushService.answer(laptop, 410);

        raise(clientWithACareRecord(), Alerts.Severity.HIGH);
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !pushService.requests(laptop).isEmpty());
        assertThat(pushService.requests(laptop).get(0).status()).isEqualTo(410);
        Awaitility.await().atMost(WAIT).until(() -> subscriptionsOf("dr-bo").isEmpty());
    }

    @Test
    void aRevokedClinicianIsPagedNoMore() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        LocalPushService.Subscriber laptop = subscribe(bo, "laptop");
        java.net.http.HttpResponse<String> revoked = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(haven.httpBase() + "/admin/revoke"))
                                .header("Authorization", "Bearer " + ADMIN)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"org\":\"demo\",\"user\":\"dr-bo\"}"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isEqualTo(200);
        Awaitility.await().atMost(WAIT).until(() -> subscriptionsOf("dr-bo").isEmpty());

        raise(clientWithACareRecord(), Alerts.Severity.HIGH);
        Awaitility.await()
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> pushService.requests(laptop).isEmpty());
    }

    /** Settings are in the configuration only: a node without keys pages nobody, and says so in its welcome. */
    @Test
    void theSettingsAreTheNodesConfiguration() {
        ServerConfig.Paging paging = haven.server().config().paging();
        assertThat(paging.enabled()).isTrue();
        assertThat(paging.services()).containsExactly("http://127.0.0.1:" + pushService.port());
    }
}
