package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cross-site WebSocket hijacking: only allowlisted browser origins may open a WebSocket. */
class OriginIT {

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
}
