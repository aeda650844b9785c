package org.haven.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.github.benmanes.caffeine.cache.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.haven.protocol.Role;
import org.haven.server.auth.JwtTokenVerifier;
import org.haven.server.auth.Principal;
import org.haven.server.auth.VerificationKeys;
import org.haven.server.config.ServerConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The command line: dev tokens the server accepts, and what production refuses. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path files;

    private int run(Map<String, String> env, String... args) throws Exception {
        return Main.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void mintsADevTokenTheServerAccepts() throws Exception {
        assertThat(run(
                        Map.of(),
                        "token",
                        "--sub",
                        "alice",
                        "--role",
                        "client",
                        "--org",
                        "demo",
                        "--rooms",
                        "group-1,group-2",
                        "--name",
                        "Alice"))
                .isZero();
        String token = out.toString(StandardCharsets.UTF_8).trim();
        ServerConfig config = ServerConfig.fromEnvironment(Map.of());
        JwtTokenVerifier verifier = new JwtTokenVerifier(
                VerificationKeys.load(config.auth().hmacSecret(), null, null),
                config.auth().issuer(),
                config.auth().audience(),
                Duration.ofSeconds(30),
                Clock.systemUTC(),
                Ticker.systemTicker());
        Principal p = verifier.verify(token);
        assertThat(p.user()).isEqualTo("alice");
        assertThat(p.role()).isEqualTo(Role.CLIENT);
        assertThat(p.rooms()).containsExactlyInAnyOrder("group-1", "group-2");
    }

    @Test
    void mintsADevServiceCredentialTheApiAccepts() throws Exception {
        assertThat(run(Map.of(), "token", "--service", "ehr-sync", "--org", "demo", "--scope", "care:read care:write"))
                .isZero();
        String token = out.toString(StandardCharsets.UTF_8).trim();
        ServerConfig config = ServerConfig.fromEnvironment(Map.of());
        JwtTokenVerifier verifier = new JwtTokenVerifier(
                VerificationKeys.load(config.auth().hmacSecret(), null, null),
                config.auth().issuer(),
                config.auth().audience(),
                Duration.ofSeconds(30),
                Clock.systemUTC(),
                Ticker.systemTicker());
        org.haven.server.auth.ServicePrincipal s = verifier.verifyService(token);
        assertThat(s.name()).isEqualTo("ehr-sync");
        assertThat(s.org()).isEqualTo("demo");
        assertThat(s.scopes())
                .containsExactlyInAnyOrder(
                        org.haven.server.auth.Scope.CARE_READ, org.haven.server.auth.Scope.CARE_WRITE);

        assertThat(run(Map.of(), "token", "--service", "ehr-sync", "--org", "demo", "--scope", "care:reed"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("unknown: care:reed")
                .contains("users:write");
        err.reset();
        Map<String, String> production = Map.of(
                "HAVEN_MODE", "production",
                "HAVEN_JWT_SECRET", "a-private-production-secret-0123456789",
                "HAVEN_JWT_ISSUER", "https://idp.example",
                "HAVEN_JWT_AUDIENCE", "haven");
        assertThat(run(production, "token", "--service", "ehr-sync", "--org", "demo", "--scope", "care:read"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("dev mode only");
    }

    @Test
    void printsAVapidKeyPairANodeAcceptsAndRefusesToStartWithHalvesOfTwoPairs() throws Exception {
        assertThat(run(Map.of(), "vapid-keys")).isZero();
        Map<String, String> first = assignments(out.toString(StandardCharsets.UTF_8));
        assertThat(first.get("HAVEN_PUSH_VAPID_PUBLIC_KEY")).matches("[A-Za-z0-9_-]{87}");
        assertThat(first.get("HAVEN_PUSH_VAPID_PRIVATE_KEY")).matches("[A-Za-z0-9_-]{43}");
        out.reset();
        assertThat(run(Map.of(), "vapid-keys")).isZero();
        Map<String, String> second = assignments(out.toString(StandardCharsets.UTF_8));
        assertThat(second.get("HAVEN_PUSH_VAPID_PUBLIC_KEY")).isNotEqualTo(first.get("HAVEN_PUSH_VAPID_PUBLIC_KEY"));

        Map<String, String> env = new java.util.HashMap<>(first);
        env.put("HAVEN_PUSH_SUBJECT", "mailto:ops@example.org");
        assertThat(run(env, "--print-config")).as("a pair").isZero();
        env.put("HAVEN_PUSH_VAPID_PRIVATE_KEY", second.get("HAVEN_PUSH_VAPID_PRIVATE_KEY"));
        assertThat(run(env, "serve")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("HAVEN_PUSH_VAPID_PUBLIC_KEY: not the public half of HAVEN_PUSH_VAPID_PRIVATE_KEY")
                .doesNotContain(second.get("HAVEN_PUSH_VAPID_PRIVATE_KEY"));
    }

    private static Map<String, String> assignments(String text) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String line : text.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    @Test
    void explainsWhatIsMissing() throws Exception {
        assertThat(run(Map.of(), "token", "--sub", "alice")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--role")
                .contains("--org")
                .contains("--rooms");
    }

    @Test
    void refusesTheTokenCommandOutsideDevMode() throws Exception {
        assertThat(run(
                        Map.of(
                                "HAVEN_MODE",
                                "production",
                                "HAVEN_JWT_SECRET",
                                "a-private-production-secret-0123456789",
                                "HAVEN_JWT_ISSUER",
                                "https://idp.example",
                                "HAVEN_JWT_AUDIENCE",
                                "haven"),
                        "token",
                        "--sub",
                        "a",
                        "--role",
                        "client",
                        "--org",
                        "o",
                        "--rooms",
                        "r"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("dev mode only");
    }

    @Test
    void refusesToStartInProductionWithTheDevSecret() throws Exception {
        assertThat(run(
                        Map.of(
                                "HAVEN_MODE",
                                "production",
                                "HAVEN_JWT_SECRET",
                                ServerConfig.DEV_SECRET,
                                "HAVEN_JWT_ISSUER",
                                "https://idp.example",
                                "HAVEN_JWT_AUDIENCE",
                                "haven"),
                        "serve"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("HAVEN_JWT_SECRET");
    }

    @Test
    void printsTheEffectiveConfigurationWithSecretsMasked() throws Exception {
        assertThat(run(
                        Map.of(
                                "HAVEN_ADMIN_TOKEN",
                                "an-admin-token-that-must-stay-hidden-0123456789",
                                "HAVEN_PORT",
                                "9400"),
                        "--print-config"))
                .isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("port: \"9400\"", "# environment", "admin_token: \"********\"", "jwt_secret: \"********\"")
                .doesNotContain("must-stay-hidden", ServerConfig.DEV_SECRET);
    }

    @Test
    void readsTheConfigurationFileGivenWithConfig(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("haven.yml");
        java.nio.file.Files.writeString(file, "port: 9500\nmax_chat_chars: 2000\n");
        assertThat(run(Map.of(), "--config", file.toString(), "--print-config")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("max_chat_chars: \"2000\"");
    }

    @Test
    void anInvalidSettingStopsTheStartNamingIt() throws Exception {
        assertThat(run(Map.of("HAVEN_LOG_FORMAT", "xml"))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("haven: invalid configuration: HAVEN_LOG_FORMAT");
        assertThat(run(Map.of(), "--config")).isEqualTo(2);
    }

    @Test
    void aDatabaseThatCannotBeReachedStopsTheStartNamingTheSetting() throws Exception {
        String url =
                "postgresql://haven:a-database-password-that-must-stay-hidden@127.0.0.1:" + closedPort() + "/haven";
        assertStopsTheStart(Map.of("HAVEN_DATABASE_URL", url), "HAVEN_DATABASE_URL");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(url.replace("a-database-password-that-must-stay-hidden", "********"))
                .contains("connection refused")
                .doesNotContain("must-stay-hidden");
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedStopsTheStartNamingTheSetting(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Path under = file.resolve("haven-data");
        assertStopsTheStart(Map.of("HAVEN_DATA_DIR", under.toString()), "HAVEN_DATA_DIR");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(under.toString());
    }

    @Test
    void aDataDirectoryWhereTheDatabaseCannotBeCreatedStopsTheStartNamingTheSetting() throws Exception {
        // /proc exists, and no one, not even root, can create a file in it.
        Path proc = Path.of("/proc");
        Assumptions.assumeTrue(Files.isDirectory(proc));
        assertStopsTheStart(Map.of("HAVEN_DATA_DIR", proc.toString()), "HAVEN_DATA_DIR");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(proc.resolve("haven.db").toString());
    }

    @Test
    void aRedisUrlItsClientCannotParseStopsTheStartNamingTheSettingNotItsPassword() throws Exception {
        String url = "redis://:a-redis-password-that-must-stay-hidden@@";
        assertStopsTheStart(Map.of("HAVEN_REDIS_URL", url), "HAVEN_REDIS_URL");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("cannot be used")
                .contains("not a Redis URI")
                .doesNotContain("must-stay-hidden")
                .doesNotContain("Exception");
    }

    @Test
    void aRedisThatCannotBeReachedStopsTheStartNamingTheSetting() throws Exception {
        String url = "redis://:a-redis-password-that-must-stay-hidden@127.0.0.1:" + closedPort();
        assertStopsTheStart(Map.of("HAVEN_REDIS_URL", url), "HAVEN_REDIS_URL");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(url.replace("a-redis-password-that-must-stay-hidden", "********"))
                .contains("connection refused")
                .doesNotContain("must-stay-hidden");
    }

    /**
     * Serves with {@code storage} over a node on a free port: the start stops within seconds, with
     * status 2 and one line on stderr naming {@code setting}, no stack trace.
     */
    private void assertStopsTheStart(Map<String, String> storage, String setting) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_HOST", "127.0.0.1");
        env.put("HAVEN_PORT", "0");
        env.put("HAVEN_AUDIT_FILE", files.resolve("audit.jsonl").toString());
        env.put("HAVEN_DATA_DIR", files.resolve("data").toString());
        env.putAll(storage);
        long started = System.nanoTime();
        Thread.UncaughtExceptionHandler handler = Thread.getDefaultUncaughtExceptionHandler();
        int status;
        try {
            status = run(env, "serve");
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(handler);
            restoreTestLogging();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(status).isEqualTo(2);
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("haven: ").contains(setting).doesNotContain("Exception", "\tat ", "at org.");
        assertThat(printed.strip().lines()).hasSize(1);
    }

    /** Serving applies the node's log configuration; the tests after this one log as tests do (LogCapture, LeakRecorder). */
    private static void restoreTestLogging() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    /** A loopback port nothing listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void healthcheckAsksTheNodeOnThisMachine() throws Exception {
        try (HavenServer node = HavenServer.start(ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .auditFile(null)
                .dataDirectory(null)
                .build())) {
            assertThat(run(Map.of("HAVEN_PORT", Integer.toString(node.port())), "healthcheck"))
                    .isZero();
        }
        int unused;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            unused = s.getLocalPort();
        }
        assertThat(run(Map.of("HAVEN_PORT", Integer.toString(unused)), "healthcheck"))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nothing answers on port " + unused);
    }
}
