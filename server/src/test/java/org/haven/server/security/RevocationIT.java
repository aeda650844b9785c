package org.haven.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Role;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A revoked token or user ends its live connections at once, and cannot come back. */
class RevocationIT {

    static final String ADMIN = "an-admin-token-of-at-least-thirty-two-chars";

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.adminToken(ADMIN));

    private final HttpClient http = HttpClient.newHttpClient();
    private final DevTokens tokens = new DevTokens(
            ServerConfig.DEV_SECRET, ServerConfig.DEV_ISSUER, ServerConfig.DEV_AUDIENCE, Clock.systemUTC());

    private HttpResponse<String> revoke(String bearer, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(haven.httpBase() + "/admin/revoke"))
                        .header("Authorization", "Bearer " + bearer)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String tokenId(String jwt) throws Exception {
        byte[] payload = java.util.Base64.getUrlDecoder().decode(jwt.split("[.]")[1]);
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(payload)
                .get("jti")
                .asText();
    }

    @Test
    void aRevokedTokenEndsItsConnectionWithinASecondAndIsRefusedAfter() throws Exception {
        String token = tokens.mint("alice", Role.CLIENT, "demo", List.of("group-1"), null, Duration.ofHours(1));
        HavenClient alice = haven.connect();
        alice.hello(token).get(5, TimeUnit.SECONDS);
        HavenClient other = haven.login("alice", Role.CLIENT, "demo", "group-1"); // another token of hers

        long start = System.nanoTime();
        HttpResponse<String> answer = revoke(ADMIN, "{\"tokenId\":\"" + tokenId(token) + "\"}");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"closed\":1}");
        assertThat(alice.closeFuture().get(1, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.REVOKED.code());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(other.closeFuture()).isNotDone();

        HavenClient again = haven.connect();
        again.hello(token);
        assertThat(again.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.REVOKED.code());
    }

    @Test
    void aRevokedUserLosesEveryConnection() throws Exception {
        HavenClient phone = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient laptop = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        assertThat(revoke(ADMIN, "{\"org\":\"demo\",\"user\":\"alice\"}").body())
                .isEqualTo("{\"closed\":2}");
        assertThat(phone.closeFuture().get(1, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.REVOKED.code());
        assertThat(laptop.closeFuture().get(1, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.REVOKED.code());
        assertThat(bo.closeFuture()).isNotDone();
    }

    @Test
    void theAdminRouteNeedsTheAdminToken() throws Exception {
        assertThat(revoke("wrong-token", "{\"org\":\"demo\",\"user\":\"alice\"}")
                        .statusCode())
                .isEqualTo(401);
        assertThat(revoke(ADMIN, "{\"nothing\":true}").statusCode()).isEqualTo(400);
        assertThat(revoke(ADMIN, "not json").statusCode()).isEqualTo(400);
        HttpResponse<String> get = http.send(
                HttpRequest.newBuilder(URI.create(haven.httpBase() + "/admin/revoke"))
                        .header("Authorization", "Bearer " + ADMIN)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }
}
