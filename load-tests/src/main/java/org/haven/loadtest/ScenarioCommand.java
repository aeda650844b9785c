package org.haven.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.haven.loadtest.probe.ServerProbe;
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
import org.haven.server.config.ServerConfig;

/**
 * The comparison scenarios of {@code haven-load.jar}: one scenario against one target (Haven, the
 * Socket.IO peer or the bare Netty ceiling) on this machine, printed as a table and optionally
 * written as figures for the comparison report.
 */
final class ScenarioCommand {

    static final Set<String> SCENARIOS =
            Set.of("capacity", "group-chat", "alert-under-load", "connect-storm", "slow-consumers");

    static final String USAGE = """
            usage: java -jar load-tests/target/haven-load.jar SCENARIO [options]

            Scenarios (each against one target on this machine, bounded, loopback only):
              capacity          N authenticated idle connections; server heap and RSS per connection
              group-chat        R rooms x M members posting every S; delivered/s, latency p50/p99/p99.9/max
                                (--ramp on: the highest delivered rate sustained with p99 <= the limit;
                                --ramp fine: the same in small steps from --interval-ms, near the top)
              alert-under-load  alerts raised in rooms while group-chat runs; raise -> clinician latency
              connect-storm     new authenticated connections per second
              slow-consumers    group-chat with a share of clients that stop reading; others' latency, memory

            Every scenario:
              --target T           haven    haven | socketio | ceiling (the bare Netty server)
              --url URL            ws://127.0.0.1:8080   the target's path is added when the URL has none
              --url-b URL          -        another node of the same cluster: every other connection goes
                                            there (cross-node fan-out; Haven on Redis)
              --server-pid PID     -        the server's process, for memory figures (jcmd; node: /stats)
              --max-seconds N      120      hard time limit of the run (10..3600)
              --threads N          0        generator event-loop threads (0: Netty's default)
              --source-addresses N 0        spread connections over 127.0.0.1..N (0: 1 per 20,000)
              --result-file FILE   -        also write the figures as key=value lines
              --org ORG / --secret S / --issuer S / --audience S   token settings (dev defaults)

            capacity:          --connections N (10000)  --rate N (2000 a second)  --hold-seconds N (10)
            connect-storm:     --connections N (10000)  --concurrency N (500)  --rate N (0: as fast as possible)
                               --warmup N (2000 made and closed first, not measured)
            group-chat, alert-under-load, slow-consumers:
                               --rooms R (20)  --members M (50, at most 500)  --interval-ms S (1000)
                               --payload CHARS (100)  --warmup-seconds N (5)  --seconds N (30)
            group-chat:        --ramp on|fine|off (off)  --step-seconds N (10)  --factor F (1.5; fine: 1.1)
                               --max-steps N (10; fine: 8)
                               --p99-limit-ms N (50)
            alert-under-load:  --alerts N (200)  --alert-rate N (5 a second)
                               --warmup-alerts N (20, raised in the warm-up's second half, not measured)
            slow-consumers:    --slow-percent N (10)

            Exit status: 0 the run went as planned, 1 it did not (see the problems), 2 usage error.
            """;

    private static final Set<String> COMMON = Set.of(
            "--target",
            "--url",
            "--url-b",
            "--server-pid",
            "--max-seconds",
            "--threads",
            "--source-addresses",
            "--result-file",
            "--org",
            "--secret",
            "--issuer",
            "--audience");
    private static final Set<String> CHAT =
            Set.of("--rooms", "--members", "--interval-ms", "--payload", "--warmup-seconds", "--seconds");
    private static final Map<String, Set<String>> OWN = Map.of(
            "capacity", Set.of("--connections", "--rate", "--hold-seconds"),
            "connect-storm", Set.of("--connections", "--concurrency", "--rate", "--warmup"),
            "group-chat", union(CHAT, Set.of("--ramp", "--step-seconds", "--factor", "--max-steps", "--p99-limit-ms")),
            "alert-under-load", union(CHAT, Set.of("--alerts", "--alert-rate", "--warmup-alerts")),
            "slow-consumers", union(CHAT, Set.of("--slow-percent")));

    private ScenarioCommand() {}

    /** Runs {@code args} (a scenario name and its options); returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        String scenario = args[0];
        Report report;
        String resultFile;
        try {
            CommandLine line = new CommandLine(args, union(COMMON, OWN.get(scenario)));
            resultFile = line.optional("--result-file");
            report = scenario(scenario, line, settings(line)).run();
        } catch (LoadOptions.UsageException e) {
            err.println("haven-load: " + e.getMessage());
            err.print(USAGE);
            return LoadMain.USAGE;
        } catch (IllegalArgumentException e) {
            err.println("haven-load: " + e.getMessage());
            return LoadMain.USAGE;
        }
        out.print(report.table());
        out.flush();
        if (resultFile != null) {
            try {
                report.writeFigures(Path.of(resultFile));
            } catch (IOException e) {
                err.println("haven-load: could not write " + resultFile + ": " + e.getMessage());
                return LoadMain.FAILED;
            }
        }
        if (!report.passed()) {
            err.println("haven-load: " + scenario + " against " + report.target() + " did not go as planned: "
                    + String.join("; ", report.problems()));
            return LoadMain.FAILED;
        }
        return LoadMain.OK;
    }

    /** A scenario ready to run. */
    private interface Prepared {
        Report run() throws InterruptedException;
    }

    private static Prepared scenario(String name, CommandLine line, RunSettings settings)
            throws LoadOptions.UsageException {
        return switch (name) {
            case "capacity" ->
                new CapacityScenario(
                        settings,
                        line.integer("--connections", 10_000, 1, 1_000_000),
                        line.decimal("--rate", 2000, 1, 100_000),
                        line.decimal("--hold-seconds", 10, 0, 3600))::run;
            case "connect-storm" ->
                new ConnectStormScenario(
                        settings,
                        line.integer("--connections", 10_000, 1, 1_000_000),
                        line.integer("--concurrency", 500, 1, 100_000),
                        line.decimal("--rate", 0, 0, 1_000_000),
                        line.integer("--warmup", 2000, 0, 1_000_000))::run;
            case "group-chat" -> new GroupChatScenario(settings, chatPlan(line), ramp(line))::run;
            case "alert-under-load" ->
                new AlertUnderLoadScenario(
                        settings,
                        chatPlan(line),
                        new AlertUnderLoadScenario.AlertPlan(
                                line.integer("--alerts", 200, 1, 1_000_000),
                                line.decimal("--alert-rate", 5, 0.1, 10_000),
                                line.integer("--warmup-alerts", 20, 0, 100_000)))::run;
            case "slow-consumers" ->
                new SlowConsumersScenario(settings, chatPlan(line), line.integer("--slow-percent", 10, 1, 90))::run;
            default -> throw new LoadOptions.UsageException("unknown scenario '" + name + "'");
        };
    }

    private static RunSettings settings(CommandLine line) throws LoadOptions.UsageException {
        Target target;
        try {
            target = Target.parse(line.text("--target", "haven"));
        } catch (IllegalArgumentException e) {
            throw new LoadOptions.UsageException(e.getMessage());
        }
        URI url = url(line.text("--url", "ws://127.0.0.1:8080"));
        String pid = line.optional("--server-pid");
        ServerProbe probe = ServerProbe.none();
        if (pid != null) {
            long id = line.integer("--server-pid", 0, 1, Integer.MAX_VALUE);
            probe = target == Target.SOCKETIO
                    ? ServerProbe.node(id, URI.create("http://" + url.getRawAuthority() + "/stats"))
                    : ServerProbe.jvm(id);
        }
        return new RunSettings(
                target,
                url,
                line.text("--org", "bench"),
                line.text("--secret", ServerConfig.DEV_SECRET),
                line.text("--issuer", ServerConfig.DEV_ISSUER),
                line.text("--audience", ServerConfig.DEV_AUDIENCE),
                line.integer("--threads", 0, 0, 256),
                line.integer("--source-addresses", 0, 0, 250),
                Duration.ofSeconds(line.integer("--max-seconds", 120, 10, 3600)),
                probe,
                line.optional("--url-b") == null ? null : url(line.optional("--url-b")));
    }

    private static ChatPlan chatPlan(CommandLine line) throws LoadOptions.UsageException {
        return new ChatPlan(
                line.integer("--rooms", 20, 1, 10_000),
                line.integer("--members", 50, 2, ChatPlan.MAX_MEMBERS),
                line.decimal("--interval-ms", 1000, 1, 600_000),
                line.integer("--payload", 100, 32, 4000),
                line.decimal("--warmup-seconds", 5, 0, 3600),
                line.decimal("--seconds", 30, 1, 3600));
    }

    /** The ramp {@code --ramp} asks for: coarse (on), fine, or {@code null} (off). */
    private static Ramp ramp(CommandLine line) throws LoadOptions.UsageException {
        String kind = line.text("--ramp", "off");
        Ramp standard = switch (kind) {
            case "off" -> null;
            case "on" -> Ramp.standard();
            case "fine" -> Ramp.fineStandard();
            default -> throw new LoadOptions.UsageException("--ramp: " + kind + " (expected on, fine or off)");
        };
        if (standard == null) {
            return null;
        }
        return new Ramp(
                line.decimal("--step-seconds", standard.stepSeconds(), 1, 600),
                line.decimal("--factor", standard.factor(), 1.01, 10),
                line.integer("--max-steps", standard.maxSteps(), 1, 100),
                line.decimal("--p99-limit-ms", standard.p99LimitMillis(), 1, 60_000),
                standard.maxMemberRate(),
                standard.fine());
    }

    private static URI url(String value) throws LoadOptions.UsageException {
        try {
            return Loopback.require(new URI(value));
        } catch (URISyntaxException e) {
            throw new LoadOptions.UsageException("--url: not a URL: " + value);
        } catch (IllegalArgumentException e) {
            throw new LoadOptions.UsageException(e.getMessage());
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
