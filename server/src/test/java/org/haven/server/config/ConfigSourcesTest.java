package org.haven.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.haven.protocol.Alerts.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A YAML file, environment variables over it, and the effective configuration printed back. */
class ConfigSourcesTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("haven.yml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsFlatAndNestedKeysAndLists() throws IOException {
        Path file = yaml("""
                port: 9100
                jwt:
                  issuer: https://idp.example
                  clock_skew: 10s
                allowed_origins: [https://a.example, https://b.example]
                alert:
                  ack_timeout:
                    high: 45s
                log_format: text
                """);
        ServerConfig c = ConfigSources.load(Map.of(), file).config();
        assertThat(c.transport().port()).isEqualTo(9100);
        assertThat(c.auth().issuer()).isEqualTo("https://idp.example");
        assertThat(c.auth().clockSkew()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.transport().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(c.alerts().ackTimeout(Severity.HIGH)).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.logging().logFormat()).isEqualTo(ServerConfig.LogFormat.TEXT);
    }

    @Test
    void environmentOverridesTheFile() throws IOException {
        Path file = yaml("port: 9100\nmax_chat_chars: 1000\n");
        ConfigSources sources = ConfigSources.load(Map.of("HAVEN_PORT", "9200", "PATH", "/usr/bin"), file);
        assertThat(sources.config().transport().port()).isEqualTo(9200);
        assertThat(sources.config().rooms().maxChatChars()).isEqualTo(1000);
        assertThat(sources.origin("HAVEN_PORT")).isEqualTo("environment");
        assertThat(sources.origin("HAVEN_MAX_CHAT_CHARS")).isEqualTo(file.toString());
        assertThat(sources.origin("HAVEN_HOST")).isEqualTo("default");
    }

    @Test
    void theFileCanBeNamedByTheEnvironment() throws IOException {
        Path file = yaml("port: 9300\n");
        assertThat(ConfigSources.load(Map.of(ConfigSources.CONFIG_VARIABLE, file.toString()), null)
                        .config()
                        .transport()
                        .port())
                .isEqualTo(9300);
    }

    @Test
    void refusesAnUnknownKeyNamingIt() throws IOException {
        Path file = yaml("prot: 9100\n");
        assertThatThrownBy(() -> ConfigSources.load(Map.of(), file))
                .hasMessageContaining("unknown setting 'prot'")
                .hasMessageContaining(file.toString());
    }

    @Test
    void aBadValueNamesTheKeyAndTheFile() throws IOException {
        Path file = yaml("port: eighty\n");
        assertThatThrownBy(() -> ConfigSources.load(Map.of(), file).config())
                .hasMessageStartingWith("HAVEN_PORT (port in " + file + ")");
        Path invalid = yaml("max_frame_bytes: 10\n");
        assertThatThrownBy(() -> ConfigSources.load(Map.of(), invalid).config())
                .hasMessageStartingWith("HAVEN_MAX_FRAME_BYTES (max_frame_bytes in " + invalid + ")");
        assertThatThrownBy(() ->
                        ConfigSources.load(Map.of(), yaml("log_level: loud\n")).config())
                .hasMessageContaining("HAVEN_LOG_LEVEL");
    }

    @Test
    void unreadableOrMissingFilesAreNamed() throws IOException {
        assertThatThrownBy(() -> ConfigSources.load(Map.of(), dir.resolve("absent.yml")))
                .hasMessageContaining("absent.yml: no such configuration file");
        assertThatThrownBy(() -> ConfigSources.load(Map.of(), yaml("port: [1, 2\n")))
                .hasMessageContaining("not readable YAML");
        assertThatThrownBy(() -> ConfigSources.load(Map.of(), yaml("- just\n- a list\n")))
                .hasMessageContaining("expected a map of settings");
    }

    @Test
    void masksTheDatabasePasswordInEitherFormOfItsUrl() {
        assertThat(Settings.maskPassword("postgresql://haven:must-not-be-printed@db:5432/haven"))
                .isEqualTo("postgresql://haven:" + Settings.MASK + "@db:5432/haven");
        assertThat(Settings.maskPassword(
                        "jdbc:postgresql://db:5432/haven?user=haven&password=must-not-be-printed&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/haven?user=haven&password=" + Settings.MASK + "&ssl=true");
        assertThat(Settings.maskPassword("redis://db:6379")).isEqualTo("redis://db:6379");
    }

    @Test
    void printsEverySettingWithSecretsMaskedAndReadsBackTheSame() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_JWT_SECRET", "a-private-secret-that-must-not-be-printed-0123");
        env.put("HAVEN_ADMIN_TOKEN", "an-admin-token-that-must-not-be-printed-01234");
        env.put("HAVEN_STUN_URLS", "stun:stun.example:3478");
        ConfigSources sources = ConfigSources.load(env, yaml("port: 9100\n"));
        ServerConfig config = sources.config();
        String printed = sources.print(config);
        assertThat(printed).doesNotContain("must-not-be-printed").contains("jwt_secret: \"" + Settings.MASK + "\"");
        for (Settings.Setting s : Settings.all()) {
            assertThat(printed).contains(s.yamlKey() + ": ");
        }
        assertThat(printed).containsPattern("port: \"9100\" +# .*haven.yml");
        assertThat(printed).containsPattern("stun_urls: \"stun:stun.example:3478\" +# environment");

        // Without its secrets, the printout is a configuration file that gives the same settings.
        Path back = dir.resolve("back.yml");
        Files.writeString(back, printed.replace("\"" + Settings.MASK + "\"", ""));
        ServerConfig reread = ConfigSources.load(
                        Map.of(
                                "HAVEN_JWT_SECRET",
                                env.get("HAVEN_JWT_SECRET"),
                                "HAVEN_ADMIN_TOKEN",
                                env.get("HAVEN_ADMIN_TOKEN")),
                        back)
                .config();
        for (Settings.Setting s : Settings.all()) {
            assertThat(s.shown(reread)).as(s.env()).isEqualTo(s.shown(config));
        }
    }
}
