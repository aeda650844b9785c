package org.haven.loadtest.scenario;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Connect storm: N new connections, each through TCP, the WebSocket upgrade and authentication
 * (Haven {@code hello} with its JWT, the Socket.IO connect with the same JWT; the bare server has
 * no authentication), at most {@code concurrency} in progress at once. Reports authenticated
 * connections per second, and the latency of each from its start (or, paced, from its scheduled
 * start) to authenticated.
 */
public final class ConnectStormScenario {

    private final RunSettings settings;
    private final int connections;
    private final int concurrency;
    private final double perSecond;
    private final int warmup;

    /**
     * @param perSecond scheduled starts per second, or 0 to start as fast as {@code concurrency} allows
     * @param warmup connections made and closed first, the same way, and not measured (both JVMs
     *     compile their hot code meanwhile)
     */
    public ConnectStormScenario(RunSettings settings, int connections, int concurrency, double perSecond, int warmup) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (connections < 1 || concurrency < 1 || perSecond < 0 || warmup < 0) {
            throw new IllegalArgumentException("connections: " + connections + ", concurrency: " + concurrency
                    + ", rate: " + perSecond + ", warm-up: " + warmup + " (expected: >= 1, >= 1, >= 0, >= 0)");
        }
        this.connections = connections;
        this.concurrency = concurrency;
        this.perSecond = perSecond;
        this.warmup = warmup;
    }

    public Report run() throws InterruptedException {
        Report report = new Report(
                "connect-storm", settings.target().label(), "Connect storm: new authenticated connections per second");
        report.line(
                "target", settings.target().label() + " at " + settings.target().endpoint(settings.url()));
        report.line(
                "plan",
                String.format(
                        Locale.ROOT,
                        "%d connections (one user each), at most %d in progress, %s;"
                                + " each kept open until the end; %d warm-up connections made and closed first",
                        connections,
                        concurrency,
                        perSecond > 0
                                ? String.format(Locale.ROOT, "scheduled at %.0f/s", perSecond)
                                : "as fast as they go",
                        warmup));
        try (Run run = new Run(settings, connections + warmup)) {
            warmUp(run);
            IdleFleet fleet = new IdleFleet(run, "storm", connections);
            try {
                Connector.Outcome outcome = fleet.connect(run, concurrency, perSecond);
                Histogram latency = outcome.latencyMicros();
                report.row("connections attempted", "attempted", Integer.toString(outcome.attempted()))
                        .row("connections authenticated", "connected", Integer.toString(outcome.ready()))
                        .row("connections failed", "failed", Integer.toString(outcome.failed()))
                        .row("duration (s)", "seconds", Report.ms(outcome.seconds()))
                        .row("authenticated per second", "connections_per_s", Report.rate(outcome.perSecond()))
                        .row("connect latency p50 (ms)", "p50_ms", Report.ms(latency.getValueAtPercentile(50) / 1000.0))
                        .row("connect latency p99 (ms)", "p99_ms", Report.ms(latency.getValueAtPercentile(99) / 1000.0))
                        .row("connect latency max (ms)", "max_ms", Report.ms(latency.getMaxValue() / 1000.0));
                outcome.failures().forEach(f -> report.problem("a connection failed: " + f));
                if (outcome.ready() < connections) {
                    report.problem(
                            (connections - outcome.ready()) + " of " + connections + " connections were not made");
                }
            } finally {
                fleet.closeAll();
            }
        }
        return report;
    }

    private void warmUp(Run run) throws InterruptedException {
        if (warmup == 0) {
            return;
        }
        IdleFleet fleet = new IdleFleet(run, "warmup", warmup);
        fleet.connect(run, concurrency, perSecond);
        fleet.closeAll();
        // Let the server finish those closes before the measured storm begins.
        TimeUnit.SECONDS.sleep(1);
    }
}
