package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.Result;
import org.haven.server.HavenServer;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console's files and its dev sign-in, over real HTTP. */
class ConsoleRoutesIT {

    @RegisterExtension
    final TestServer haven = new TestServer();

    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(haven.httpBase() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(haven.httpBase() + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A POST as a browser sends it from a page of {@code origin}. */
    private HttpResponse<String> postFrom(String origin, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(haven.httpBase() + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .header("Origin", origin)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheConsoleWithAStrictContentSecurityPolicy() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(302);
        assertThat(get("/").headers().firstValue("Location")).hasValue("/console/");
        HttpResponse<String> index = get("/console/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(index.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'", "frame-ancestors 'none'"));
        assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(index.body()).contains("<html");
    }

    @Test
    void servesOnlyTheFilesItShipped() throws Exception {
        assertThat(get("/console/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(get("/console/%2e%2e/logback.xml").statusCode()).isEqualTo(404);
        assertThat(get("/console/nope.js").statusCode()).isEqualTo(404);
        assertThat(get("/logback.xml").statusCode()).isEqualTo(404);
        HttpResponse<String> post = post("/console/index.html", "{}");
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void devSignInMintsATokenTheServerAccepts() throws Exception {
        HttpResponse<String> minted = post(
                DevTokenEndpoint.PATH,
                "{\"sub\":\"alice\",\"role\":\"client\",\"org\":\"demo\",\"rooms\":[\"group-1\"],\"name\":\"Alice\"}");
        assertThat(minted.statusCode()).isEqualTo(200);
        String token = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(minted.body())
                .get("token")
                .asText();
        HavenClient client = haven.connect();
        Result.Welcome welcome = client.hello(token).get(5, TimeUnit.SECONDS);
        assertThat(welcome.user()).isEqualTo("alice");
    }

    @Test
    void devSignInRefusesAPageOfAnotherOriginSuchAsARebindingOne() throws Exception {
        String body = "{\"sub\":\"alice\",\"role\":\"clinician\",\"org\":\"demo\",\"rooms\":[]}";
        // DNS rebinding: the hostile page's own name now resolves to the node, so its POST is
        // same-origin to the browser, and carries that name as its Origin.
        int port = URI.create(haven.httpBase()).getPort();
        HttpResponse<String> rebound = postFrom("http://evil.test:" + port, DevTokenEndpoint.PATH, body);
        assertThat(rebound.statusCode()).isEqualTo(403);
        assertThat(rebound.body()).contains("origin_not_allowed").doesNotContain("token\"");

        HttpResponse<String> console = postFrom("http://localhost:" + port, DevTokenEndpoint.PATH, body);
        assertThat(console.statusCode())
                .as("the console the node serves, on loopback")
                .isEqualTo(200);
    }

    @Test
    void devSignInRefusesBadRequestsClearly() throws Exception {
        HttpResponse<String> badRole =
                post(DevTokenEndpoint.PATH, "{\"sub\":\"alice\",\"role\":\"admin\",\"org\":\"demo\"}");
        assertThat(badRole.statusCode()).isEqualTo(400);
        assertThat(badRole.body()).contains("bad_request", "role");
        assertThat(post(DevTokenEndpoint.PATH, "not json").statusCode()).isEqualTo(400);
        assertThat(post(DevTokenEndpoint.PATH, "{\"sub\":\"a b\",\"role\":\"client\",\"org\":\"demo\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(get(DevTokenEndpoint.PATH).statusCode()).isEqualTo(405);
    }

    /** Outside dev mode the route does not exist. */
    @Test
    void productionModeHasNoDevSignIn() throws Exception {
        ServerConfig config = ServerConfig.builder()
                .mode(ServerConfig.Mode.PRODUCTION)
                .host("127.0.0.1")
                .port(0)
                .auditFile(null)
                .dataDirectory(null)
                .hmacSecret("a-private-production-secret-of-enough-bytes-0123456789")
                .build();
        try (HavenServer production = HavenServer.start(config)) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + production.port() + DevTokenEndpoint.PATH))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"sub\":\"x\",\"role\":\"clinician\",\"org\":\"demo\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(404);
        }
    }
}
