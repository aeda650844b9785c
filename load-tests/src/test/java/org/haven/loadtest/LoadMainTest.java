package org.haven.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line refuses mistakes and non-loopback targets before sending anything. */
class LoadMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws InterruptedException {
        return LoadMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void refusesAHostThatIsNotThisMachine() throws Exception {
        assertThat(run("alert-latency", "--url", "ws://10.0.0.5:8080/ws")).isEqualTo(LoadMain.USAGE);
        assertThat(err()).contains("refusing to load 10.0.0.5", "only send traffic to this machine");
    }

    @Test
    void refusesNamesOtherThanLocalhostWithoutResolvingThem() throws Exception {
        assertThat(run("alert-latency", "--url", "ws://example.org/ws")).isEqualTo(LoadMain.USAGE);
        assertThat(err()).contains("refusing to load example.org");
    }

    @Test
    void acceptsOnlyLoopbackHosts() {
        assertThat(Loopback.isLoopback("127.0.0.1")).isTrue();
        assertThat(Loopback.isLoopback("127.1.2.3")).isTrue();
        assertThat(Loopback.isLoopback("localhost")).isTrue();
        assertThat(Loopback.isLoopback("[::1]")).isTrue();
        assertThat(Loopback.isLoopback("128.0.0.1")).isFalse();
        assertThat(Loopback.isLoopback("127.0.0.1.example.org")).isFalse();
        assertThat(Loopback.isLoopback("0.0.0.0")).isFalse();
        assertThat(Loopback.isLoopback(null)).isFalse();
    }

    @Test
    void refusesSecureWebSocketsAndOtherSchemes() throws Exception {
        assertThat(run("alert-latency", "--url", "http://127.0.0.1:8080/ws")).isEqualTo(LoadMain.USAGE);
        assertThat(err()).contains("--url must start with ws://");
    }

    @Test
    void explainsUnknownScenariosOptionsAndBadNumbers() throws Exception {
        assertThat(run()).isEqualTo(LoadMain.USAGE);
        assertThat(run("flood")).isEqualTo(LoadMain.USAGE);
        assertThat(run("alert-latency", "--alerts")).isEqualTo(LoadMain.USAGE);
        assertThat(run("alert-latency", "--speed", "9")).isEqualTo(LoadMain.USAGE);
        assertThat(run("alert-latency", "--rate", "fast")).isEqualTo(LoadMain.USAGE);
        assertThat(run("alert-latency", "--rate", "0")).isEqualTo(LoadMain.USAGE);
        assertThat(err())
                .contains(
                        "missing the scenario",
                        "unknown scenario 'flood'",
                        "--alerts needs a value",
                        "unknown option '--speed'",
                        "--rate: not a whole number",
                        "--rate: 0 (expected 1..10000)",
                        "usage:");
    }

    @Test
    void refusesARunThatCannotFitItsTimeLimit() throws Exception {
        assertThat(run("alert-latency", "--alerts", "10000", "--rate", "50", "--max-seconds", "120"))
                .isEqualTo(LoadMain.USAGE);
        assertThat(err()).contains("raise --max-seconds or lower --alerts");
    }

    @Test
    void refusesAShortSecret() throws Exception {
        assertThat(run("alert-latency", "--secret", "short")).isEqualTo(LoadMain.USAGE);
        assertThat(err()).contains("secret: shorter than 32 bytes");
    }

    @Test
    void helpPrintsTheUsage() throws Exception {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("HAVEN_RATE_PER_SECOND=10000");
    }

    @Test
    void anUnreachableServerFailsWithAMessage() throws Exception {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        assertThat(run("alert-latency", "--url", "ws://127.0.0.1:1/ws", "--alerts", "1"))
                .isEqualTo(LoadMain.FAILED);
        assertThat(err()).contains("could not run", "clinician at ws://127.0.0.1:1/ws");
    }

    @Test
    void comparisonScenariosRefuseHostsThatAreNotThisMachine() throws Exception {
        for (String scenario :
                new String[] {"capacity", "group-chat", "alert-under-load", "connect-storm", "slow-consumers"}) {
            assertThat(run(scenario, "--url", "ws://192.168.1.10:8080")).isEqualTo(LoadMain.USAGE);
        }
        assertThat(err()).contains("refusing to load 192.168.1.10");
    }

    @Test
    void comparisonScenariosExplainTheirMistakes() throws Exception {
        assertThat(run("group-chat", "--alerts", "5")).isEqualTo(LoadMain.USAGE);
        assertThat(run("group-chat", "--target", "nginx")).isEqualTo(LoadMain.USAGE);
        assertThat(run("group-chat", "--members", "501")).isEqualTo(LoadMain.USAGE);
        assertThat(run("group-chat", "--ramp", "yes")).isEqualTo(LoadMain.USAGE);
        assertThat(run("alert-under-load", "--rooms", "1", "--members", "3", "--alerts", "3"))
                .isEqualTo(LoadMain.USAGE);
        assertThat(err())
                .contains(
                        "unknown option '--alerts' for group-chat",
                        "unknown target 'nginx'",
                        "--members: 501 (expected 2..500)",
                        "--ramp: yes (expected on, fine or off)",
                        "at most one per client, 2");
    }

    @Test
    void helpListsTheComparisonScenarios() throws Exception {
        assertThat(run("group-chat", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("connect-storm", "--slow-percent", "--ramp on|fine|off");
    }

    @Test
    void theCeilingServerRefusesToListenBeyondLoopback() throws Exception {
        assertThat(run("ceiling-server", "--host", "0.0.0.0")).isEqualTo(LoadMain.USAGE);
        assertThat(err()).contains("expected: a loopback address");
    }

    @Test
    void failoverNeedsBothNodesOnLoopbackAndEachFaultWithItsCommand() throws Exception {
        String a = "ws://127.0.0.1:1/ws";
        String b = "ws://127.0.0.1:2/ws";
        assertThat(run("failover", "--url-b", b)).isEqualTo(LoadMain.USAGE);
        assertThat(run("failover", "--url-a", "ws://10.0.0.5:1/ws", "--url-b", b))
                .isEqualTo(LoadMain.USAGE);
        assertThat(run("failover", "--url-a", a, "--url-b", b, "--kill-at", "10"))
                .isEqualTo(LoadMain.USAGE);
        assertThat(run("failover", "--url-a", a, "--url-b", b, "--kill-at", "60", "--kill-cmd", "true"))
                .isEqualTo(LoadMain.USAGE);
        assertThat(run("failover", "--url-a", a, "--url-b", b, "--seconds", "600"))
                .isEqualTo(LoadMain.USAGE);
        assertThat(err())
                .contains(
                        "--url-a is required",
                        "refusing to load 10.0.0.5",
                        "--kill-at and --kill-cmd go together",
                        "after the last press",
                        "raise --max-seconds");
    }

    @Test
    void helpExplainsTheFailoverScenario() throws Exception {
        assertThat(run("failover", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--url-a", "--kill-cmd", "--redis-restart-at");
    }
}
