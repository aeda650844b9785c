package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.haven.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private static final String PRODUCTION_SECRET = "a-private-production-secret-of-enough-bytes-0123456789";

    private static ServerConfig.Builder dev() {
        return ServerConfig.builder();
    }

    private static ServerConfig.Builder production() {
        return ServerConfig.builder().mode(ServerConfig.Mode.PRODUCTION).hmacSecret(PRODUCTION_SECRET);
    }

    @Test
    void aRebindingPagesOwnNameIsNotTheNodesOriginInDevOrProduction() {
        // DNS rebinding: the page at evil.test reaches the node under that name, so its Host header
        // says evil.test too; the policy does not even read it.
        for (ServerConfig.Builder b : List.of(dev(), production())) {
            OriginPolicy policy = OriginPolicy.of(b.build());
            assertThat(policy.permits("http://evil.test"))
                    .as("%s", b.build().mode())
                    .isFalse();
            assertThat(policy.permits("null")).isFalse();
        }
    }

    @Test
    void devModeWithoutAPublicUrlTakesLoopbackOriginsOnAnyPortAsItsOwn() {
        OriginPolicy policy = OriginPolicy.of(dev().build());
        assertThat(policy.permits("http://localhost:8080")).isTrue();
        assertThat(policy.permits("http://127.0.0.1:41234")).isTrue();
        assertThat(policy.permits("http://[::1]:8080")).isTrue();
        assertThat(policy.permits("http://localhost")).isTrue();
        assertThat(policy.permits("https://localhost:8443")).isTrue();
        assertThat(policy.permits("http://localhost.evil.test:8080")).isFalse();
        assertThat(policy.permits("http://127.0.0.1.evil.test")).isFalse();
        assertThat(policy.permits("http://localhost:8080@evil.test")).isFalse();
        assertThat(policy.permits("http://192.168.1.20:8080")).isFalse();
        assertThat(policy.permits("file://localhost")).isFalse();
        assertThat(policy.refusesEveryBrowser()).isFalse();
    }

    @Test
    void productionWithoutAPublicUrlOrAllowlistRefusesEveryBrowserButNotNativeClients() {
        OriginPolicy policy = OriginPolicy.of(production().build());
        assertThat(policy.permits("http://localhost:8080")).isFalse();
        assertThat(policy.permits("https://haven.example.org")).isFalse();
        assertThat(policy.permits(null)).isTrue();
        assertThat(policy.refusesEveryBrowser()).isTrue();
        assertThat(OriginPolicy.of(production()
                                .allowedOrigins(List.of("https://care.example"))
                                .build())
                        .refusesEveryBrowser())
                .isFalse();
    }

    @Test
    void thePublicUrlsOriginIsTheOnlyOwnOriginOtherSchemesAndPortsAreNot() {
        for (ServerConfig.Builder b : List.of(dev(), production())) {
            OriginPolicy policy = OriginPolicy.of(
                    b.publicUrl(URI.create("https://haven.example.org")).build());
            assertThat(policy.permits("https://haven.example.org")).isTrue();
            assertThat(policy.permits("https://Haven.Example.org/")).isTrue();
            assertThat(policy.permits("http://haven.example.org")).isFalse();
            assertThat(policy.permits("https://haven.example.org:8443")).isFalse();
            assertThat(policy.permits("https://evil.haven.example.org")).isFalse();
            assertThat(policy.permits("http://evil.test")).isFalse();
            // With a public URL, loopback is no longer taken for the node's own, in dev mode too.
            assertThat(policy.permits("http://localhost:8080")).isFalse();
        }
    }

    @Test
    void aPublicUrlWithAPortOrTheDefaultPortGivesTheOriginABrowserSends() {
        OriginPolicy withPort = OriginPolicy.of(production()
                .publicUrl(URI.create("https://haven.example.org:8443/"))
                .build());
        assertThat(withPort.permits("https://haven.example.org:8443")).isTrue();
        assertThat(withPort.permits("https://haven.example.org")).isFalse();
        OriginPolicy defaultPort = OriginPolicy.of(production()
                .publicUrl(URI.create("https://haven.example.org:443"))
                .build());
        assertThat(defaultPort.permits("https://haven.example.org")).isTrue();
    }

    @Test
    void thePublicUrlAndTheAllowlistBothCount() {
        OriginPolicy policy = OriginPolicy.of(production()
                .publicUrl(URI.create("https://haven.example.org"))
                .allowedOrigins(List.of("https://care.example"))
                .build());
        assertThat(policy.permits("https://haven.example.org")).isTrue();
        assertThat(policy.permits("https://care.example")).isTrue();
        assertThat(policy.permits("https://evil.example")).isFalse();
    }

    @Test
    void anAllowlistIsMatchedExactlyIgnoringCaseAndTrailingSlash() {
        OriginPolicy policy = new OriginPolicy(List.of("https://Care.example/"), null, false);
        assertThat(policy.permits("https://care.example")).isTrue();
        assertThat(policy.permits("https://care.example.evil.example")).isFalse();
        assertThat(policy.permits("http://care.example")).isFalse();
    }

    @Test
    void nonBrowserClientsWithoutAnOriginAreAllowed() {
        assertThat(new OriginPolicy(List.of("https://care.example"), null, false).permits(null))
                .isTrue();
    }

    @Test
    void aWildcardAllowsAny() {
        assertThat(new OriginPolicy(List.of("*"), null, false).permits("https://anything.example"))
                .isTrue();
    }
}
