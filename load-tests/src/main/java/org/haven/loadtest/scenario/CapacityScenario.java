package org.haven.loadtest.scenario;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Capacity: N authenticated, idle connections held open; reports the server's heap (after a full
 * collection) and resident memory before and after, and both per connection. Idle connections
 * still cost the server their keep-alive (Haven pings a silent connection every 2 s; the Socket.IO
 * peer is set to the same), so holding them is part of the measure.
 */
public final class CapacityScenario {

    private static final int CONCURRENCY = 1000;

    private final RunSettings settings;
    private final int connections;
    private final double perSecond;
    private final double holdSeconds;

    public CapacityScenario(RunSettings settings, int connections, double perSecond, double holdSeconds) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (connections < 1 || perSecond <= 0 || holdSeconds < 0) {
            throw new IllegalArgumentException("connections: " + connections + ", rate: " + perSecond + ", hold: "
                    + holdSeconds + " (expected: >= 1, > 0, >= 0)");
        }
        this.connections = connections;
        this.perSecond = perSecond;
        this.holdSeconds = holdSeconds;
    }

    public Report run() throws InterruptedException {
        Report report = new Report(
                "capacity",
                settings.target().label(),
                "Capacity: authenticated idle connections held open; server memory per connection");
        report.line(
                "target", settings.target().label() + " at " + settings.target().endpoint(settings.url()));
        report.line(
                "plan",
                String.format(
                        Locale.ROOT,
                        "%d connections (one user each), opened at %.0f/s, held %.0f s",
                        connections,
                        perSecond,
                        holdSeconds));
        try (Run run = new Run(settings, connections)) {
            IdleFleet fleet = new IdleFleet(run, "idle", connections);
            OptionalLong heapBefore = settings.probe().heapAfterGcBytes();
            OptionalLong residentBefore = settings.probe().residentBytes();
            Connector.Outcome outcome;
            try {
                outcome = fleet.connect(run, CONCURRENCY, perSecond);
                long holdUntil = Math.min(System.nanoTime() + (long) (holdSeconds * 1e9), run.deadlineNanos);
                TimeUnit.NANOSECONDS.sleep(Math.max(0, holdUntil - System.nanoTime()));
                long held = fleet.open();
                OptionalLong heapAfter = settings.probe().heapAfterGcBytes();
                OptionalLong residentAfter = settings.probe().residentBytes();
                report.row("connections planned", "planned", Integer.toString(connections))
                        .row("connections authenticated", "connected", Integer.toString(outcome.ready()))
                        .row("connections failed", "failed", Integer.toString(outcome.failed()))
                        .row("still open after the hold", "held", Long.toString(held))
                        .row("connect time (s)", "connect_seconds", Report.ms(outcome.seconds()))
                        .row("server heap after GC before (MiB)", "heap_before_mib", Report.mib(heapBefore))
                        .row("server heap after GC held (MiB)", "heap_after_mib", Report.mib(heapAfter))
                        .row("server RSS before (MiB)", "rss_before_mib", Report.mib(residentBefore))
                        .row("server RSS held (MiB)", "rss_after_mib", Report.mib(residentAfter))
                        .row(
                                "heap per connection (KiB)",
                                "heap_per_connection_kib",
                                perConnection(heapBefore, heapAfter, held))
                        .row(
                                "RSS per connection (KiB)",
                                "rss_per_connection_kib",
                                perConnection(residentBefore, residentAfter, held));
                outcome.failures().forEach(f -> report.problem("a connection failed: " + f));
                if (outcome.ready() < connections) {
                    report.problem(
                            (connections - outcome.ready()) + " of " + connections + " connections were not made");
                }
                if (held < outcome.ready()) {
                    report.problem((outcome.ready() - held) + " connections closed while held idle");
                }
            } finally {
                fleet.closeAll();
            }
        }
        return report;
    }

    private static String perConnection(OptionalLong before, OptionalLong after, long held) {
        if (before.isEmpty() || after.isEmpty() || held == 0) {
            return Report.NOT_MEASURED;
        }
        return String.format(Locale.ROOT, "%.2f", (after.getAsLong() - before.getAsLong()) / 1024.0 / held);
    }
}
