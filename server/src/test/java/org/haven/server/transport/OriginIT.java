package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.HavenServer;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.LogCapture;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cross-site WebSocket hijacking and DNS rebinding: only the node's own origin (from its public URL,
 * or loopback in dev mode without one) and allowlisted browser origins may open a WebSocket; the
 * {@code Host} header never makes an origin the node's own.
 */
class OriginIT {

    private static final String PRODUCTION_SECRET = "a-private-production-secret-of-enough-bytes-0123456789";

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.allowedOrigins(List.of("https://care.example")));

    @Test
    void refusesAForeignOriginBeforeTheHandshake() {
        assertThatThrownBy(() -> haven.connect(ClientOptions.defaults().withOrigin("https://evil.example")))
                .hasMessageContaining("403");
    }

    @Test
    void acceptsAnAllowedOrigin() throws Exception {
        HavenClient client = haven.connect(ClientOptions.defaults().withOrigin("https://care.example"));
        Result.Welcome welcome =
                client.hello(haven.token("alice", Role.CLIENT, "demo")).get(5, TimeUnit.SECONDS);
        assertThat(welcome.user()).isEqualTo("alice");
    }

    /** A page at evil.test whose name resolves to the node: its own name in both headers. */
    @Test
    void refusesAnOriginThatOnlyMatchesTheHostHeaderWithoutAnAllowlistInDevAndProduction() throws Exception {
        ServerConfig.Builder dev = node();
        ServerConfig.Builder production =
                node().mode(ServerConfig.Mode.PRODUCTION).hmacSecret(PRODUCTION_SECRET);
        for (ServerConfig.Builder b : List.of(dev, production)) {
            try (HavenServer node = HavenServer.start(b.build())) {
                assertThat(statusLine(node, "evil.test", "http://evil.test"))
                        .as("%s", node.config().mode())
                        .startsWith("HTTP/1.1 403");
                assertThat(statusLine(node, "evil.test", null))
                        .as("a client without Origin")
                        .startsWith("HTTP/1.1 101");
            }
        }
        try (HavenServer node = HavenServer.start(dev.build())) {
            assertThat(statusLine(node, "127.0.0.1:" + node.port(), "http://127.0.0.1:" + node.port()))
                    .as("the console of a dev node on loopback")
                    .startsWith("HTTP/1.1 101");
        }
    }

    @Test
    void withAPublicUrlOnlyItsOriginIsTheNodesOwn() throws Exception {
        try (HavenServer node = HavenServer.start(node().mode(ServerConfig.Mode.PRODUCTION)
                .hmacSecret(PRODUCTION_SECRET)
                .publicUrl(URI.create("https://haven.example.org"))
                .build())) {
            assertThat(statusLine(node, "haven.example.org", "https://haven.example.org"))
                    .startsWith("HTTP/1.1 101");
            assertThat(statusLine(node, "haven.example.org", "http://haven.example.org"))
                    .as("another scheme")
                    .startsWith("HTTP/1.1 403");
            assertThat(statusLine(node, "haven.example.org:8443", "https://haven.example.org:8443"))
                    .as("another port")
                    .startsWith("HTTP/1.1 403");
            assertThat(statusLine(node, "evil.test", "http://evil.test")).startsWith("HTTP/1.1 403");
            assertThat(statusLine(node, "127.0.0.1:" + node.port(), "http://127.0.0.1:" + node.port()))
                    .as("not loopback, in production")
                    .startsWith("HTTP/1.1 403");
        }
    }

    /** A 403 in a browser does not say which setting is missing: the node says it once, at start. */
    @Test
    void aProductionNodeThatLetsNoBrowserInSaysSoOnceAtStart() throws Exception {
        ServerConfig.Builder production =
                node().mode(ServerConfig.Mode.PRODUCTION).hmacSecret(PRODUCTION_SECRET);
        long before = warnings();
        try (HavenServer node = HavenServer.start(production.build())) {
            assertThat(statusLine(node, "evil.test", "http://evil.test")).startsWith("HTTP/1.1 403");
            assertThat(statusLine(node, "evil.test", "http://evil.test")).startsWith("HTTP/1.1 403");
            assertThat(warnings() - before).isEqualTo(1);
        }
        before = warnings();
        try (HavenServer node = HavenServer.start(
                production.publicUrl(URI.create("https://haven.example.org")).build())) {
            assertThat(warnings() - before).isZero();
        }
    }

    private static long warnings() {
        return LogCapture.lines().stream()
                .filter(line -> line.startsWith("no HAVEN_PUBLIC_URL and no HAVEN_ALLOWED_ORIGINS"))
                .count();
    }

    private static ServerConfig.Builder node() {
        return ServerConfig.builder().host("127.0.0.1").port(0).auditFile(null).dataDirectory(null);
    }

    /** The status line the node answers a WebSocket upgrade with, sent with these headers. */
    private static String statusLine(HavenServer node, String host, String origin) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\r'; b = in.read()) {
                line.append((char) b);
            }
            return line.toString();
        }
    }
}
