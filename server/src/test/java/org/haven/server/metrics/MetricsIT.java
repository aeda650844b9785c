package org.haven.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /metrics}: what an operator scrapes, counting real traffic, with nothing about people in it. */
class MetricsIT {

    private static final String CHAT = "my sister Marguerite-Planted keeps calling";

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b // paging on, so that its meters are there too
            .vapidPublicKey("BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8")
            .vapidPrivateKey("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw")
            .pushSubject("mailto:ops@example.org"));

    private HttpResponse<String> scrape() throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(haven.httpBase() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String body, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$")
                .matcher(body);
        assertThat(m.find()).as("series %s in%n%s", series, body).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void countsConnectionsRoomsMessagesAndAlertsWithoutIdsOrHealthData() throws Exception {
        HavenClient bo = haven.login("dr-bo-7781", Role.CLINICIAN, "org-5521", "room-4410");
        haven.join(bo, "room-4410");
        HavenClient alice = haven.login("alice-9034", Role.CLIENT, "org-5521", "room-4410");
        haven.join(alice, "room-4410");
        alice.call(id -> new ClientMessage.ChatSend(id, "room-4410", CHAT), Result.ChatSent.class)
                .get(5, TimeUnit.SECONDS);
        Result.AlertReceived raised = alice.call(
                        id -> new ClientMessage.AlertRaise(id, "room-4410", null, null), Result.AlertReceived.class)
                .get(5, TimeUnit.SECONDS);
        var notice = bo.awaitEvent(
                ServerMessage.AlertNotice.class, n -> n.alert().id().equals(raised.alert()), Duration.ofSeconds(5));
        bo.request(id -> new ClientMessage.AlertConfirm(
                        id, notice.alert().id(), notice.alert().version()))
                .get(5, TimeUnit.SECONDS);

        HttpResponse<String> response = scrape();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        String body = response.body();
        assertThat(value(body, "haven_connections"))
                .as("two WebSockets and this scrape")
                .isEqualTo(3);
        assertThat(value(body, "haven_rooms")).isEqualTo(1);
        assertThat(value(body, "haven_messages_in_total{type=\"chat.send\"}")).isEqualTo(1);
        assertThat(value(body, "haven_messages_in_total{type=\"hello\"}")).isEqualTo(2);
        assertThat(value(body, "haven_messages_out_total")).isGreaterThanOrEqualTo(6);
        assertThat(value(body, "haven_alerts_raised_total{severity=\"high\"}")).isEqualTo(1);
        assertThat(value(body, "haven_alert_delivery_seconds_count")).isEqualTo(1);
        assertThat(value(body, "haven_alert_escalations_total")).isZero();
        assertThat(value(body, "haven_outbound_overflows_total")).isZero();
        assertThat(body)
                .contains(
                        "haven_connections_closed_total{code=\"4009\",reason=\"slow_consumer\"}",
                        "jvm_memory_used_bytes");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(value(scrape().body(), "haven_alerts{state=\"raised\"}"))
                        .isEqualTo(1));

        // Opaque ids only, and not even those: no user, organisation, room or alert id, no chat text.
        assertThat(body)
                .doesNotContain(
                        "alice-9034", "dr-bo-7781", "org-5521", "room-4410", raised.alert(), "Marguerite", "Name of");
    }

    @Test
    void everyMetricTheOperationsPageListsIsExported() throws Exception {
        String body = scrape().body();
        Matcher row = Pattern.compile("(?m)^\\| `(haven_[a-z_]+)")
                .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "operations.md")));
        int rows = 0;
        while (row.find()) {
            rows++;
            assertThat(body).as(row.group(1)).containsPattern("(?m)^" + row.group(1) + "(_bucket|_count|_sum)?[ {]");
        }
        assertThat(rows).isGreaterThanOrEqualTo(12);
    }

    @Test
    void onlyAnswersGet() throws Exception {
        HttpResponse<String> post = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(haven.httpBase() + "/metrics"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }
}
