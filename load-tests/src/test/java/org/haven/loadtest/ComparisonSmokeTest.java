package org.haven.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.time.Duration;
import org.haven.loadtest.ceiling.CeilingServer;
import org.haven.loadtest.scenario.AlertUnderLoadScenario;
import org.haven.loadtest.scenario.CapacityScenario;
import org.haven.loadtest.scenario.ChatPlan;
import org.haven.loadtest.scenario.ConnectStormScenario;
import org.haven.loadtest.scenario.GroupChatScenario;
import org.haven.loadtest.scenario.Ramp;
import org.haven.loadtest.scenario.Report;
import org.haven.loadtest.scenario.RunSettings;
import org.haven.loadtest.scenario.SlowConsumersScenario;
import org.haven.loadtest.wire.Target;
import org.haven.server.HavenServer;
import org.haven.server.config.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every comparison scenario at tiny scale (seconds) against Haven and the bare Netty ceiling (both
 * in process), and against the Socket.IO peer when node and its packages are installed, so the
 * load tests never rot. What it proves: each scenario's frames are real for each target (tokens
 * accepted, check-in and join, chat, alerts routed to the room's clinician), and every post,
 * delivery, alert and connection is accounted for. It proves nothing about speed.
 */
@Timeout(60)
class ComparisonSmokeTest {

    private static final ChatPlan TINY_CHAT = new ChatPlan(2, 5, 200, 64, 0.5, 1.5);

    private static HavenServer haven;
    private static CeilingServer ceiling;
    private static SocketIoPeerProcess socketio;

    @BeforeAll
    static void start() throws Exception {
        haven = HavenServer.start(ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .auditFile(null)
                .dataDirectory(null)
                .drainTimeout(Duration.ofSeconds(1))
                .build());
        ceiling = CeilingServer.start("127.0.0.1", 0);
        socketio = SocketIoPeerProcess.startIfInstalled();
    }

    @AfterAll
    static void stop() throws Exception {
        if (haven != null) {
            haven.close();
        }
        if (ceiling != null) {
            ceiling.close();
        }
        if (socketio != null) {
            socketio.close();
        }
    }

    private static RunSettings settings(Target target) {
        assumeTrue(
                target != Target.SOCKETIO || socketio != null,
                "node or the Socket.IO peer's packages are missing (npm ci in load-tests/peers/socketio)");
        int port = switch (target) {
            case HAVEN -> haven.port();
            case CEILING -> ceiling.port();
            case SOCKETIO -> socketio.port();
        };
        return RunSettings.devServer(target, URI.create("ws://127.0.0.1:" + port), Duration.ofSeconds(40));
    }

    private static long figure(Report report, String key) {
        return Long.parseLong(report.figure(key));
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void groupChatDeliversEveryPostToEveryMember(Target target) throws Exception {
        Report report = new GroupChatScenario(settings(target), TINY_CHAT, null).run();

        assertThat(report.problems()).isEmpty();
        assertThat(figure(report, "posts")).isPositive();
        assertThat(figure(report, "deliveries")).isEqualTo(figure(report, "posts") * TINY_CHAT.members());
        assertThat(figure(report, "deliveries_missing")).isZero();
        assertThat(report.table()).contains("latency p99.9 (ms)", "PASS");
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void groupChatRampEvaluatesEachStep(Target target) throws Exception {
        // A generous limit: the smoke run checks the ramp's machinery, not the machine's speed.
        Ramp ramp = new Ramp(1, 1.5, 2, 2000, 15);
        ChatPlan plan = new ChatPlan(2, 5, 400, 64, 0.5, 1);

        Report report = new GroupChatScenario(settings(target), plan, ramp).run();

        assertThat(report.problems()).isEmpty();
        assertThat(report.scenario()).isEqualTo("group-chat-ramp");
        assertThat(figure(report, "steps_run")).isEqualTo(2);
        assertThat(figure(report, "missed_below_highest")).isZero();
        assertThat(Double.parseDouble(report.figure("highest_sustained_per_s"))).isPositive();
        assertThat(report.table()).contains("step 1", "step 2", "sustained");
    }

    @Test
    void aFineRampIsReportedApartFromTheCoarseOne() throws Exception {
        Ramp fine = new Ramp(1, 1.1, 2, 2000, 15, true);
        ChatPlan plan = new ChatPlan(2, 5, 400, 64, 0.5, 1);

        Report report = new GroupChatScenario(settings(Target.HAVEN), plan, fine).run();

        assertThat(report.problems()).isEmpty();
        assertThat(report.scenario()).isEqualTo("group-chat-fine");
        assertThat(report.table()).contains("x1.10");
        assertThat(figure(report, "steps_run")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void alertsRaisedDuringChatReachTheRoomsClinician(Target target) throws Exception {
        Report report = new AlertUnderLoadScenario(
                        settings(target), TINY_CHAT, new AlertUnderLoadScenario.AlertPlan(4, 10, 2))
                .run();

        assertThat(report.problems()).isEmpty();
        assertThat(figure(report, "alerts_received")).isEqualTo(4);
        assertThat(figure(report, "alerts_lost")).isZero();
        assertThat(figure(report, "deliveries_missing")).isZero();
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void slowConsumersLeaveEveryOtherMemberServed(Target target) throws Exception {
        Report report = new SlowConsumersScenario(settings(target), TINY_CHAT, 10).run();

        assertThat(report.problems()).isEmpty();
        assertThat(figure(report, "slow")).isEqualTo(2);
        assertThat(figure(report, "readers")).isEqualTo(8);
        assertThat(figure(report, "standins")).isEqualTo(2);
        assertThat(figure(report, "deliveries")).isPositive();
        assertThat(figure(report, "deliveries_missing")).isZero();
        assertThat(report.figure("rss_peak_mib")).isEqualTo(Report.NOT_MEASURED);
    }

    @Test
    void theWarmupsStandInsAreClosedByTheServerBeforeAnythingIsMeasured() throws Exception {
        // A server that closes silent clients within about a second, and a warm-up long enough for it.
        try (HavenServer quick = HavenServer.start(ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .auditFile(null)
                .dataDirectory(null)
                .drainTimeout(Duration.ofSeconds(1))
                .pingInterval(Duration.ofMillis(300))
                .idleTimeout(Duration.ofMillis(900))
                .build())) {
            RunSettings settings = RunSettings.devServer(
                    Target.HAVEN, URI.create("ws://127.0.0.1:" + quick.port()), Duration.ofSeconds(40));
            Report report = new SlowConsumersScenario(settings, new ChatPlan(2, 5, 200, 64, 4, 2), 10).run();

            assertThat(report.problems()).isEmpty();
            assertThat(figure(report, "standins")).isEqualTo(2);
            assertThat(figure(report, "standins_closed")).isEqualTo(2);
            assertThat(figure(report, "slow_disconnected")).isEqualTo(2);
            assertThat(figure(report, "deliveries_missing")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void capacityHoldsEveryIdleConnection(Target target) throws Exception {
        Report report = new CapacityScenario(settings(target), 100, 500, 0.5).run();

        assertThat(report.problems()).isEmpty();
        assertThat(figure(report, "connected")).isEqualTo(100);
        assertThat(figure(report, "held")).isEqualTo(100);
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void connectStormAuthenticatesEveryConnection(Target target) throws Exception {
        Report report = new ConnectStormScenario(settings(target), 100, 20, 0, 20).run();

        assertThat(report.problems()).isEmpty();
        assertThat(figure(report, "connected")).isEqualTo(100);
        assertThat(Double.parseDouble(report.figure("connections_per_s"))).isPositive();
    }
}
