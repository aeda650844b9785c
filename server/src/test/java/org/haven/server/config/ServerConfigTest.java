package org.haven.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration is validated once, and a bad setting is reported by its name. */
class ServerConfigTest {

    @Test
    void defaultsAreDevModeOnPort8080() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of());
        assertThat(c.mode()).isEqualTo(ServerConfig.Mode.DEV);
        assertThat(c.transport().port()).isEqualTo(8080);
        assertThat(c.transport().maxFrameBytes()).isEqualTo(64 * 1024);
        assertThat(c.transport().helloTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.transport().idleTimeout()).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void readsEnvironmentOverrides() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of(
                "HAVEN_PORT",
                "9000",
                "HAVEN_HELLO_TIMEOUT",
                "2s",
                "HAVEN_ALLOWED_ORIGINS",
                "https://a.example, https://b.example",
                "HAVEN_PING_INTERVAL",
                "500ms"));
        assertThat(c.transport().port()).isEqualTo(9000);
        assertThat(c.transport().helloTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.transport().pingInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.transport().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
    }

    @Test
    void namesTheBadSetting() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_PORT", "eighty")))
                .hasMessageStartingWith("HAVEN_PORT");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_PORT", "70000")))
                .hasMessageStartingWith("HAVEN_PORT");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_MAX_FRAME_BYTES", "10")))
                .hasMessageStartingWith("HAVEN_MAX_FRAME_BYTES");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_IDLE_TIMEOUT", "1s")))
                .hasMessageStartingWith("HAVEN_IDLE_TIMEOUT");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_LEASE_TTL", "1s")))
                .hasMessageStartingWith("HAVEN_LEASE_TTL");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_LEASE_TTL", "1m")))
                .hasMessageStartingWith("HAVEN_LEASE_TTL");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_JWT_SECRET", "short")))
                .hasMessageStartingWith("HAVEN_JWT_SECRET")
                .hasMessageNotContaining("short");
    }

    @Test
    void pagingNeedsBothKeysWellFormedASubjectAndPushServicesOverHttps() {
        String pub = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
        String priv = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
        ServerConfig off = ServerConfig.fromEnvironment(Map.of());
        assertThat(off.paging().enabled()).isFalse();
        assertThat(off.paging().services()).contains("https://fcm.googleapis.com", "https://*.push.apple.com");
        ServerConfig on = ServerConfig.fromEnvironment(Map.of(
                "HAVEN_PUSH_VAPID_PUBLIC_KEY",
                pub,
                "HAVEN_PUSH_VAPID_PRIVATE_KEY",
                priv,
                "HAVEN_PUSH_SUBJECT",
                "mailto:ops@example.org",
                "HAVEN_PUSH_SERVICES",
                "http://127.0.0.1:8089,https://*.push.example.org"));
        assertThat(on.paging().enabled()).isTrue();
        assertThat(on.paging().toString()).doesNotContain(priv);

        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_PUSH_VAPID_PUBLIC_KEY", pub)))
                .hasMessageStartingWith("HAVEN_PUSH_VAPID_PUBLIC_KEY");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of(
                        "HAVEN_PUSH_VAPID_PUBLIC_KEY", pub,
                        "HAVEN_PUSH_VAPID_PRIVATE_KEY", "bm90IGEga2V5",
                        "HAVEN_PUSH_SUBJECT", "mailto:ops@example.org")))
                .hasMessageStartingWith("HAVEN_PUSH_VAPID_PRIVATE_KEY")
                .hasMessageNotContaining("bm90IGEga2V5");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(
                        Map.of("HAVEN_PUSH_VAPID_PUBLIC_KEY", pub, "HAVEN_PUSH_VAPID_PRIVATE_KEY", priv)))
                .hasMessageStartingWith("HAVEN_PUSH_SUBJECT");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_PUSH_SERVICES", "http://push.example.org")))
                .as("plain http only on loopback")
                .hasMessageStartingWith("HAVEN_PUSH_SERVICES");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_PUSH_SERVICES", "http://127.evil.example")))
                .as("a name that starts like a loopback address is not one")
                .hasMessageStartingWith("HAVEN_PUSH_SERVICES");
        assertThatThrownBy(() ->
                        ServerConfig.fromEnvironment(Map.of("HAVEN_PUSH_SERVICES", "https://push.example.org/path")))
                .hasMessageStartingWith("HAVEN_PUSH_SERVICES");
    }

    @Test
    void theQuotaOfVersionsAndTheRetentionOfHistory() {
        ServerConfig defaults = ServerConfig.fromEnvironment(Map.of());
        assertThat(defaults.care().versionsKept()).isEqualTo(100);
        assertThat(defaults.storage().recordRetention()).isEqualTo(Duration.ofDays(2190));
        ServerConfig set =
                ServerConfig.fromEnvironment(Map.of("HAVEN_CARE_VERSIONS_KEPT", "1", "HAVEN_RECORD_RETENTION", "30d"));
        assertThat(set.care().versionsKept()).isEqualTo(1);
        assertThat(set.storage().recordRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(Settings.byEnv("HAVEN_RECORD_RETENTION").shown(defaults)).isEqualTo("2190d");
        assertThat(Settings.byEnv("HAVEN_ALERT_FOLLOW_UP_DELAY").shown(defaults))
                .as("a day or two is still shown in hours, as written")
                .isEqualTo("24h");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_CARE_VERSIONS_KEPT", "0")))
                .hasMessageStartingWith("HAVEN_CARE_VERSIONS_KEPT");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_RECORD_RETENTION", "0d")))
                .hasMessageStartingWith("HAVEN_RECORD_RETENTION");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_RECORD_RETENTION", "6y")))
                .hasMessageStartingWith("HAVEN_RECORD_RETENTION");
    }

    @Test
    void productionRefusesTheDevSecretAndNeedsKeys() {
        Map<String, String> base = Map.of(
                "HAVEN_MODE", "production", "HAVEN_JWT_ISSUER", "https://idp.example", "HAVEN_JWT_AUDIENCE", "haven");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(base)).hasMessageStartingWith("HAVEN_JWT_SECRET");
        var withDev = new java.util.HashMap<>(base);
        withDev.put("HAVEN_JWT_SECRET", ServerConfig.DEV_SECRET);
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(withDev)).hasMessageStartingWith("HAVEN_JWT_SECRET");
        var withOwn = new java.util.HashMap<>(base);
        withOwn.put("HAVEN_JWT_SECRET", "a-private-production-secret-of-enough-length");
        assertThat(ServerConfig.fromEnvironment(withOwn).mode()).isEqualTo(ServerConfig.Mode.PRODUCTION);
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of(
                        "HAVEN_MODE",
                        "production",
                        "HAVEN_JWT_SECRET",
                        "a-private-production-secret-of-enough-length")))
                .hasMessageStartingWith("HAVEN_JWT_ISSUER");
    }

    @Test
    void thePublicUrlGivesTheNodesOwnOriginAsABrowserWritesIt() {
        assertThat(ServerConfig.fromEnvironment(Map.of()).transport().publicOrigin())
                .isNull();
        assertThat(ServerConfig.fromEnvironment(Map.of("HAVEN_PUBLIC_URL", "https://Haven.Example.org/"))
                        .transport()
                        .publicOrigin())
                .isEqualTo("https://haven.example.org");
        assertThat(ServerConfig.fromEnvironment(Map.of("HAVEN_PUBLIC_URL", "https://haven.example.org:443"))
                        .transport()
                        .publicOrigin())
                .isEqualTo("https://haven.example.org");
        assertThat(ServerConfig.fromEnvironment(Map.of("HAVEN_PUBLIC_URL", "http://10.0.0.5:8080"))
                        .transport()
                        .publicOrigin())
                .isEqualTo("http://10.0.0.5:8080");
        assertThat(ServerConfig.fromEnvironment(Map.of("HAVEN_PUBLIC_URL", "http://[::1]:8080"))
                        .transport()
                        .publicOrigin())
                .isEqualTo("http://[::1]:8080");
    }

    @Test
    void aPublicUrlThatIsNotAnOriginIsRefusedByName() {
        for (String bad : List.of(
                "haven.example.org",
                "ftp://haven.example.org",
                "wss://haven.example.org",
                "https://haven.example.org/console/",
                "https://haven.example.org?x=1",
                "https://haven.example.org#top",
                "https://user:pw@haven.example.org",
                "https://haven.example.org:0",
                "https:haven.example.org",
                "https:///path")) {
            assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_PUBLIC_URL", bad)))
                    .as(bad)
                    .hasMessageStartingWith("HAVEN_PUBLIC_URL")
                    .hasMessageContaining("expected: the address browsers reach this node at");
        }
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("HAVEN_PUBLIC_URL", "https://haven example")))
                .hasMessageStartingWith("HAVEN_PUBLIC_URL: cannot read");
    }

    @Test
    void toStringMasksTheSecret() {
        assertThat(ServerConfig.builder().build().toString()).doesNotContain(ServerConfig.DEV_SECRET);
    }
}
