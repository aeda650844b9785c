package org.haven.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.haven.protocol.Role;
import org.haven.server.auth.JwtTokenVerifier;
import org.haven.server.auth.Principal;
import org.haven.server.auth.VerificationKeys;
import org.haven.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

/** The command line: dev tokens the server accepts, and what production refuses. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

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
