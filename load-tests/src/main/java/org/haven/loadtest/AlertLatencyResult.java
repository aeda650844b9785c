package org.haven.loadtest;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * What one alert-latency run measured. Latency runs from the time each alert was scheduled to be
 * sent to the clinician's receipt of its {@code raised} notice; only alerts received within the
 * receive time-out count as received, every other sent alert is lost.
 */
public final class AlertLatencyResult {

    private final AlertLatencyScenario.Settings settings;
    private final int sent;
    private final int received;
    private final int late;
    private final int redelivered;
    private final int otherNotices;
    private final int confirmFailures;
    private final long maxSendLagNanos;
    private final double seconds;
    private final Histogram latencyMicros;
    private final List<String> problems;

    AlertLatencyResult(
            AlertLatencyScenario.Settings settings,
            int sent,
            int received,
            int late,
            int redelivered,
            int otherNotices,
            int confirmFailures,
            long maxSendLagNanos,
            double seconds,
            Histogram latencyMicros,
            List<String> problems) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sent = sent;
        this.received = received;
        this.late = late;
        this.redelivered = redelivered;
        this.otherNotices = otherNotices;
        this.confirmFailures = confirmFailures;
        this.maxSendLagNanos = maxSendLagNanos;
        this.seconds = seconds;
        this.latencyMicros =
                Objects.requireNonNull(latencyMicros, "latencyMicros").copy();
        this.problems = List.copyOf(problems);
    }

    /** Measured alerts actually written to the server. */
    public int sent() {
        return sent;
    }

    /** Alerts whose {@code raised} notice reached the clinician within the receive time-out. */
    public int received() {
        return received;
    }

    /** Sent alerts not received within the receive time-out (late ones included). */
    public int lost() {
        return sent - received;
    }

    /** Whether every planned alert was sent and received in time, with nothing else amiss. */
    public boolean passed() {
        return sent == settings.alerts() && lost() == 0 && problems.isEmpty();
    }

    /** Latency at a percentile (0–100) in milliseconds; 0 when nothing was received. */
    public double latencyMillis(double percentile) {
        return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The highest latency in milliseconds; 0 when nothing was received. */
    public double maxMillis() {
        return latencyMicros.getMaxValue() / 1000.0;
    }

    /** Alerts received per second, from the first scheduled send to the last receipt. */
    public double throughputPerSecond() {
        return seconds > 0 ? received / seconds : 0;
    }

    /** What went wrong, one line each (at most a few; the count says how many more). */
    public List<String> problems() {
        return problems;
    }

    /** The result as a plain-text table. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append("Haven alert latency: alert.raise -> clinician receives the 'raised' alert\n");
        out.append("target   ").append(settings.url()).append('\n');
        out.append(String.format(
                Locale.ROOT,
                "plan     %d alerts at %d/s after %d warm-up alerts, one per client user,"
                        + " %d users connected ahead, one on-call clinician%n",
                settings.alerts(),
                settings.ratePerSecond(),
                settings.warmup(),
                settings.window()));
        out.append("--------------------------------------\n");
        row(out, "metric", "value");
        row(out, "alerts sent", Integer.toString(sent));
        row(out, "alerts received", Integer.toString(received));
        row(out, "alerts lost", Integer.toString(lost()));
        row(out, "latency p50 (ms)", ms(latencyMillis(50)));
        row(out, "latency p90 (ms)", ms(latencyMillis(90)));
        row(out, "latency p99 (ms)", ms(latencyMillis(99)));
        row(out, "latency p99.9 (ms)", ms(latencyMillis(99.9)));
        row(out, "latency max (ms)", ms(maxMillis()));
        row(out, "throughput (alerts/s)", ms(throughputPerSecond()));
        row(out, "duration (s)", ms(seconds));
        row(out, "max send lag (ms)", ms(maxSendLagNanos / 1e6));
        row(out, "late (> time-out)", Integer.toString(late));
        row(out, "redelivered notices", Integer.toString(redelivered));
        row(out, "other notices", Integer.toString(otherNotices));
        row(out, "failed confirms", Integer.toString(confirmFailures));
        row(out, "result", passed() ? "PASS" : "FAIL");
        for (String problem : problems) {
            out.append("problem: ").append(problem).append('\n');
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "%-24s %12s%n", name, value));
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
