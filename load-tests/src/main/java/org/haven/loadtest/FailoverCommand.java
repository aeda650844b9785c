package org.haven.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.haven.loadtest.failover.FailoverReport;
import org.haven.loadtest.failover.FailoverScenario;
import org.haven.loadtest.failover.FailoverSettings;
import org.haven.loadtest.failover.Fault;
import org.haven.server.config.ServerConfig;

/**
 * {@code haven-load.jar failover}: help presses at a fixed rate against two nodes of one cluster
 * while faults happen at set times (the node serving the organisation killed, Redis restarted),
 * injected by commands the caller gives ({@code load-tests/run-failover.sh} passes the
 * {@code kill -9} of node A and a Redis restart). Prints the table of {@link FailoverReport}.
 */
final class FailoverCommand {

    static final String NAME = "failover";

    static final String USAGE = """
            usage: java -jar load-tests/target/haven-load.jar failover --url-a URL --url-b URL [options]

            Help presses at a fixed rate against two nodes of one cluster while faults happen at set
            times; answer and delivery p50/p99/max before, during and after each fault, alerts lost,
            alerts without location, tiers skipped. Loopback only, bounded by --max-seconds.
            load-tests/run-failover.sh starts Redis and both nodes and passes the faults.

              --url-a URL              -      the node to serve the organisation (its first user connects
                                              there); the node the kill command kills
              --url-b URL              -      the other node
              --clients N              20     client users, alternately on A and B (1..1000)
              --clinicians N           4      clinicians granted the clients' room, the first on A (1..50)
              --supervisors N          1      supervisors, on B (0..10)
              --rate N                 20     help presses a second, all clients together (0.1..1000)
              --warmup-seconds N       10     presses at the same rate first, not measured (a fresh
                                              node's JIT); the times below count from their end
              --seconds N              45     how long measured presses are scheduled for (1..3600)
              --fault-window N         10     a press due within N s after a fault counts as during it
              --drain-seconds N        15     wait for answers and deliveries after the last press
              --close-alerts on|off    off    clinicians also record each alert's follow-up, closing it
                                              (off: resolved alerts await their follow-up, as for 24 h in use)
              --kill-at S --kill-cmd CMD                  at S s, run `bash -c CMD` ("node killed")
              --redis-restart-at S --redis-restart-cmd CMD  at S s, run `bash -c CMD` ("Redis restarted")
              --org ORG                failover   organisation of the test users
              --secret S / --issuer S / --audience S      token settings (dev defaults)
              --max-seconds N          180    hard time limit of the whole run (10..3600)
              --press-log FILE         -      also write one CSV line per press (opaque ids only)

            Run the nodes with HAVEN_RATE_PER_SECOND=10000 HAVEN_RATE_BURST=10000: each clinician
            confirms and works every alert on one connection, past the default 20 requests a second.
            Exit status: 0 every goal met in every phase, 1 a goal missed or the run failed, 2 usage error.
            """;

    private static final Set<String> OPTIONS = Set.of(
            "--url-a",
            "--url-b",
            "--clients",
            "--clinicians",
            "--supervisors",
            "--rate",
            "--seconds",
            "--warmup-seconds",
            "--fault-window",
            "--drain-seconds",
            "--close-alerts",
            "--kill-at",
            "--kill-cmd",
            "--redis-restart-at",
            "--redis-restart-cmd",
            "--org",
            "--secret",
            "--issuer",
            "--audience",
            "--max-seconds",
            "--press-log");

    /** A fault command that takes longer than this fails the run's plan (it is reported). */
    private static final Duration FAULT_LIMIT = Duration.ofSeconds(30);

    private FailoverCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        FailoverSettings settings;
        String pressLog;
        try {
            CommandLine line = new CommandLine(args, OPTIONS);
            pressLog = line.optional("--press-log");
            settings = settings(line);
        } catch (LoadOptions.UsageException e) {
            err.println("haven-load: " + e.getMessage());
            err.print(USAGE);
            return LoadMain.USAGE;
        } catch (IllegalArgumentException e) {
            err.println("haven-load: " + e.getMessage());
            return LoadMain.USAGE;
        }
        FailoverReport report;
        try {
            report = new FailoverScenario(settings).run();
        } catch (IllegalStateException e) {
            err.println("haven-load: failover could not run: " + e.getMessage());
            return LoadMain.FAILED;
        }
        out.print(report.table());
        out.flush();
        if (pressLog != null) {
            try {
                Files.writeString(Path.of(pressLog), report.pressLines(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("haven-load: could not write " + pressLog + ": " + e.getMessage());
                return LoadMain.FAILED;
            }
        }
        if (!report.passed()) {
            err.println("haven-load: failover: a goal was missed or the run did not go as planned (see above)");
            return LoadMain.FAILED;
        }
        return LoadMain.OK;
    }

    private static FailoverSettings settings(CommandLine line) throws LoadOptions.UsageException {
        List<Fault> faults = new ArrayList<>();
        fault(line, "--kill-at", "--kill-cmd", "node killed", faults);
        fault(line, "--redis-restart-at", "--redis-restart-cmd", "Redis restarted", faults);
        return new FailoverSettings(
                url(line, "--url-a"),
                url(line, "--url-b"),
                line.integer("--clients", 20, 1, 1000),
                line.integer("--clinicians", 4, 1, 50),
                line.integer("--supervisors", 1, 0, 10),
                line.decimal("--rate", 20, 0.1, 1000),
                Duration.ofMillis((long) (line.decimal("--warmup-seconds", 10, 0, 3600) * 1000)),
                line.decimal("--seconds", 45, 1, 3600),
                Duration.ofMillis((long) (line.decimal("--fault-window", 10, 1, 3600) * 1000)),
                Duration.ofMillis((long) (line.decimal("--drain-seconds", 15, 0, 3600) * 1000)),
                faults,
                line.flag("--close-alerts"),
                line.text("--org", "failover"),
                line.text("--secret", ServerConfig.DEV_SECRET),
                line.text("--issuer", ServerConfig.DEV_ISSUER),
                line.text("--audience", ServerConfig.DEV_AUDIENCE),
                Duration.ofSeconds(line.integer("--max-seconds", 180, 10, 3600)));
    }

    private static void fault(CommandLine line, String at, String cmd, String name, List<Fault> faults)
            throws LoadOptions.UsageException {
        if ((line.optional(at) == null) != (line.optional(cmd) == null)) {
            throw new LoadOptions.UsageException(at + " and " + cmd + " go together");
        }
        if (line.optional(at) != null) {
            faults.add(Fault.shell(name, line.decimal(at, 0, 0, 3600), line.text(cmd, null), FAULT_LIMIT));
        }
    }

    private static URI url(CommandLine line, String key) throws LoadOptions.UsageException {
        String value = line.text(key, null);
        try {
            return Loopback.require(new URI(value));
        } catch (URISyntaxException e) {
            throw new LoadOptions.UsageException(key + ": not a URL: " + value);
        } catch (IllegalArgumentException e) {
            throw new LoadOptions.UsageException(e.getMessage());
        }
    }
}
