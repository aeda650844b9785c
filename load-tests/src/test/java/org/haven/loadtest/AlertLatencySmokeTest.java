package org.haven.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.haven.server.HavenServer;
import org.haven.server.config.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The alert-latency scenario end to end against an in-process server: every alert reaches the clinician. */
class AlertLatencySmokeTest {

    private HavenServer server;

    @BeforeEach
    void start() throws Exception {
        server = HavenServer.start(ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .auditFile(null)
                .dataDirectory(null)
                .drainTimeout(Duration.ofSeconds(2))
                // One clinician confirms every alert on one connection: past the default 20 a second.
                .requestsPerSecond(10_000)
                .requestBurst(10_000)
                .build());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Timeout(60)
    void fiftyAlertsAtAHundredASecondAllReachTheOnCallClinician() throws Exception {
        URI url = URI.create("ws://127.0.0.1:" + server.port() + "/ws");
        var settings = AlertLatencyScenario.Settings.devServer(url, 50, 100);

        AlertLatencyResult result = new AlertLatencyScenario(settings).run();

        assertThat(result.problems()).isEmpty();
        assertThat(result.sent()).isEqualTo(50);
        assertThat(result.received()).isEqualTo(50);
        assertThat(result.lost()).isZero();
        assertThat(result.passed()).isTrue();
        assertThat(result.latencyMillis(50)).isLessThanOrEqualTo(result.maxMillis());
        assertThat(result.maxMillis()).isPositive();
        assertThat(result.table()).contains("alerts lost", "latency p99 (ms)", "PASS");
    }

    @Test
    @Timeout(60)
    void warmUpAlertsAreSentButNotMeasured() throws Exception {
        URI url = URI.create("ws://127.0.0.1:" + server.port() + "/ws");
        var d = AlertLatencyScenario.Settings.devServer(url, 30, 100);
        var settings = new AlertLatencyScenario.Settings(
                url,
                30,
                100,
                20,
                10,
                d.org(),
                d.secret(),
                d.issuer(),
                d.audience(),
                d.receiveTimeout(),
                d.maxDuration());

        AlertLatencyResult result = new AlertLatencyScenario(settings).run();

        assertThat(result.problems()).isEmpty();
        assertThat(result.sent()).isEqualTo(30);
        assertThat(result.received()).isEqualTo(30);
        assertThat(result.passed()).isTrue();
    }
}
