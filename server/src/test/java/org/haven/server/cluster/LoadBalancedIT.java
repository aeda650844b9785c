package org.haven.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.HavenProcess;
import org.haven.server.testing.RedisProcess;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load-balanced path of docker/compose.yml, without Docker: the same docker/haproxy.cfg run by
 * Debian's HAProxy in front of two nodes (the packaged jar, each in its own JVM) on a real Redis.
 * Clients reach either node through it (each relays to the node serving the organisation),
 * operations endpoints are refused at it, and after one node is killed the same address leads to the
 * node left, which serves the organisation and its open alert.
 */
class LoadBalancedIT {

    private static final Path CONFIG = Path.of("..", "docker", "haproxy.cfg");

    private final DevTokens tokens = new DevTokens(
            ServerConfig.DEV_SECRET, ServerConfig.DEV_ISSUER, ServerConfig.DEV_AUDIENCE, Clock.systemUTC());
    private final HttpClient http = HttpClient.newHttpClient();
    private RedisProcess redis;
    private HavenProcess a;
    private HavenProcess b;
    private Process haproxy;
    private int lbPort;

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            haproxy.waitFor(5, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private int status(String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lbPort + path))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HavenClient login(String sub, Role role, String... rooms) throws Exception {
        HavenClient client = HavenClient.connect(
                        URI.create("ws://127.0.0.1:" + lbPort + "/ws"), ClientOptions.defaults())
                .get(10, TimeUnit.SECONDS);
        client.hello(tokens.mint(sub, role, "demo", List.of(rooms), "Name of " + sub, Duration.ofHours(1)))
                .get(10, TimeUnit.SECONDS);
        return client;
    }

    @Test
    void clientsReachTheClusterThroughHaproxyBeforeAndAfterANodeDies() throws Exception {
        String executable = Files.exists(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
        redis = RedisProcess.start();
        Map<String, String> env = Map.of("REDIS_URL", redis.url(), "HAVEN_ALERT_ACK_TIMEOUT_HIGH", "10m");
        a = HavenProcess.start(env);
        a.awaitReadiness("ready", Duration.ofSeconds(30));
        b = HavenProcess.start(env);
        b.awaitReadiness("ready", Duration.ofSeconds(30));

        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            lbPort = s.getLocalPort();
        }
        ProcessBuilder lb = new ProcessBuilder(executable, "-db", "-f", CONFIG.toString())
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "haven-nodes", "haproxy-" + lbPort + ".log")
                        .toFile());
        lb.environment().put("HAVEN_LB_BIND", "127.0.0.1:" + lbPort);
        lb.environment().put("HAVEN_NODE_1", "127.0.0.1:" + a.port());
        lb.environment().put("HAVEN_NODE_2", "127.0.0.1:" + b.port());
        try {
            haproxy = lb.start();
        } catch (IOException e) {
            throw new AssertionError(
                    "HAProxy is not installed: `apt-get install -y haproxy` (scripts/test.sh does)", e);
        }
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> status("/readyz") == 200);
        for (int i = 0; i < 6; i++) {
            assertThat(status("/readyz"))
                    .as("every request reaches a serving node")
                    .isEqualTo(200);
        }
        assertThat(status("/metrics")).as("operations endpoints stay internal").isEqualTo(403);
        assertThat(status("/admin/revoke")).isEqualTo(403);

        // A user straight on node A first: node A serves "demo", and killing it below kills the node
        // serving the organisation, wherever the balancer put the clients.
        HavenClient first =
                HavenClient.connect(a.uri(), ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        first.hello(tokens.mint("dr-first", Role.CLINICIAN, "demo", List.of(), "Name of dr-first", Duration.ofHours(1)))
                .get(10, TimeUnit.SECONDS);
        HavenClient bo = login("dr-bo", Role.CLINICIAN, "group-1");
        bo.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                .get(10, TimeUnit.SECONDS);
        HavenClient alice = login("alice", Role.CLIENT, "group-1");
        alice.call(
                        id -> new ClientMessage.CheckInSubmit(
                                id, "group-1", TestServer.ADDRESS, null, "+1 217 555 0100", true),
                        Result.CheckInRecorded.class)
                .get(10, TimeUnit.SECONDS);
        alice.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                .get(10, TimeUnit.SECONDS);
        alice.call(id -> new ClientMessage.ChatSend(id, "group-1", "hello through the balancer"), Result.ChatSent.class)
                .get(10, TimeUnit.SECONDS);
        assertThat(bo.awaitEvent(
                        ServerMessage.ChatMessage.class,
                        m -> m.text().equals("hello through the balancer"),
                        Duration.ofSeconds(5)))
                .isNotNull();
        String alert = alice.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", null, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();

        a.kill();
        // Connected to A: closed at once; relayed through B: closed once A's lease ran out.
        assertThat(bo.closeFuture()).succeedsWithin(Duration.ofSeconds(25));
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> status("/readyz") == 200);

        HavenClient[] reconnected = new HavenClient[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    reconnected[0] = login("dr-bo", Role.CLINICIAN, "group-1");
                    return true;
                });
        HavenClient again = reconnected[0];
        ServerMessage.AlertNotice open = again.awaitEvent(
                ServerMessage.AlertNotice.class, n -> n.alert().id().equals(alert), Duration.ofSeconds(20));
        assertThat(open)
                .as("the open alert, from the node left, through the same address")
                .isNotNull();
        assertThat(open.alert().checkIn().address()).isEqualTo(TestServer.ADDRESS);
        for (HavenClient client : List.of(first, alice, bo, again)) {
            client.close();
        }
    }
}
