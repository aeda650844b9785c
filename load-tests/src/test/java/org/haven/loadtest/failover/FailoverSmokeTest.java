package org.haven.loadtest.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.haven.server.HavenServer;
import org.haven.server.config.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The failover scenario end to end at tiny scale: two in-process nodes on a real redis-server; node
 * A, serving the organisation, stops mid-run, then Redis is killed and restarted empty.
 *
 * <p>What this cannot show: {@link HavenServer#close()} is a clean stop, not a SIGKILL. It gives its
 * leases up and tells its clients 1001 at once, so node B takes the organisation over at once:
 * neither the lease running out nor the stand-in for a silent node is exercised, and the timings
 * mean nothing here (performance is the benchmark's, {@code load-tests/run-failover.sh}, against
 * packaged nodes killed with SIGKILL; no timing is asserted). What it shows: the scenario runs
 * through both faults and reconnects everyone; every press is answered; no alert is lost; every
 * delivered alert raised after a check-in carries that client's location; the table has its lines.
 */
class FailoverSmokeTest {

    private RedisServer redis;
    private HavenServer a;
    private HavenServer b;

    @AfterEach
    void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private HavenServer node() throws InterruptedException {
        return HavenServer.start(ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .auditFile(null)
                .dataDirectory(null)
                .drainTimeout(Duration.ofSeconds(1))
                .redisUrl(redis.url())
                // Each clinician confirms and works every alert on one connection.
                .requestsPerSecond(10_000)
                .requestBurst(10_000)
                .build());
    }

    @Test
    @Timeout(60)
    void pressesThroughAStoppedNodeAndARedisRestartAreAllAnsweredAndNoneIsLost() throws Exception {
        redis = RedisServer.start();
        a = node();
        b = node();
        URI urlA = URI.create("ws://127.0.0.1:" + a.port() + "/ws");
        URI urlB = URI.create("ws://127.0.0.1:" + b.port() + "/ws");
        FailoverSettings settings = FailoverSettings.devNodes(urlA, urlB, 6, 10, 6)
                .with(
                        Duration.ZERO,
                        List.of(
                                new Fault("node killed", 2, () -> a.close()),
                                new Fault("Redis restarted", 4, () -> redis.restart())),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(10),
                        2,
                        1);

        FailoverReport report = new FailoverScenario(settings).run();

        String table = report.table();
        System.out.print(table);
        assertThat(report.problems()).as(table).isEmpty();
        assertThat(report.presses()).isEqualTo(60);
        assertThat(report.sent()).as(table).isEqualTo(60);
        assertThat(report.answered())
                .as("every press answered: received or call the crisis line\n" + table)
                .isEqualTo(60);
        assertThat(report.lost()).as(table).isZero();
        assertThat(report.locationJudged()).as(table).isPositive();
        assertThat(report.withoutLocation()).as(table).isZero();
        assertThat(table)
                .contains(
                        "before",
                        "node killed",
                        "Redis restarted",
                        "settled",
                        "answer p99 (ms)",
                        "delivery p99 (ms)",
                        "alerts lost",
                        "without location",
                        "tiers skipped",
                        "result");
    }
}
