package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.function.Predicate;
import org.haven.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

/** Which endpoints a node takes: only at the push services its settings name, scheme and port included. */
class SubscriptionPolicyTest {

    private static boolean allowed(Predicate<URI> policy, String endpoint) {
        return policy.test(URI.create(endpoint));
    }

    @Test
    void anEndpointMustBeAtAnAllowedOriginSchemeHostAndPort() {
        Predicate<URI> at = SubscriptionPolicy.at(
                List.of("https://fcm.googleapis.com", "https://*.push.apple.com", "http://127.0.0.1:8089"));
        assertThat(allowed(at, "https://fcm.googleapis.com/fcm/send/abc")).isTrue();
        assertThat(allowed(at, "https://FCM.googleapis.com:443/fcm/send/abc")).isTrue();
        assertThat(allowed(at, "https://web.push.apple.com/QGx")).isTrue();
        assertThat(allowed(at, "http://127.0.0.1:8089/push/1")).isTrue();

        assertThat(allowed(at, "http://fcm.googleapis.com/fcm/send/abc"))
                .as("another scheme")
                .isFalse();
        assertThat(allowed(at, "https://fcm.googleapis.com:8443/x"))
                .as("another port")
                .isFalse();
        assertThat(allowed(at, "https://push.apple.com/x"))
                .as("the wildcard is for subdomains")
                .isFalse();
        assertThat(allowed(at, "https://evilpush.apple.com.attacker.test/x")).isFalse();
        assertThat(allowed(at, "https://fcm.googleapis.com.attacker.test/x")).isFalse();
        assertThat(allowed(at, "http://127.0.0.1:8090/push/1")).isFalse();
        assertThat(allowed(at, "https://10.0.0.7/internal")).isFalse();
        assertThat(allowed(
                        SubscriptionPolicy.at(List.of("https://*.push.apple.com")),
                        "https://wildcard.push.apple.com/x"))
                .as("a subdomain named like the wildcard's spelling is just a subdomain")
                .isTrue();
        assertThat(allowed(
                        SubscriptionPolicy.at(List.of("https://wildcard.push.apple.com")),
                        "https://web.push.apple.com/x"))
                .as("a host that happens to start with 'wildcard.' is no wildcard")
                .isFalse();
    }

    @Test
    void aNodeWithoutKeysTakesNoSubscription() {
        SubscriptionPolicy off =
                SubscriptionPolicy.of(ServerConfig.builder().build().paging());
        assertThat(off.configured()).isFalse();
        assertThat(off.endpointAllowed().test(URI.create("https://fcm.googleapis.com/fcm/send/abc")))
                .isFalse();
    }
}
