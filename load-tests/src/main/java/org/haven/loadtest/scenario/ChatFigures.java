package org.haven.loadtest.scenario;

import java.util.Map;
import org.HdrHistogram.Histogram;

/** The figures of a measured chat phase, as report rows: what was posted and delivered, and how fast. */
final class ChatFigures {

    private ChatFigures() {}

    /** Adds the rows of {@code stats}; returns whether every expected delivery arrived. */
    static boolean addTo(Report report, PhaseStats stats, ChatLoad load, ChatRooms chat) {
        Histogram latency = stats.latencyMicros();
        report.row("posts sent", "posts", Long.toString(stats.posts.sum()))
                .row("deliveries expected", "deliveries_expected", Long.toString(stats.expected.sum()))
                .row("deliveries received", "deliveries", Long.toString(stats.delivered.sum()))
                .row("deliveries missing", "deliveries_missing", Long.toString(stats.missing()))
                .row("delivered per second", "delivered_per_s", Report.rate(stats.deliveredPerSecond()))
                .row("latency p50 (ms)", "p50_ms", Report.ms(latency.getValueAtPercentile(50) / 1000.0))
                .row("latency p99 (ms)", "p99_ms", Report.ms(latency.getValueAtPercentile(99) / 1000.0))
                .row("latency p99.9 (ms)", "p999_ms", Report.ms(latency.getValueAtPercentile(99.9) / 1000.0))
                .row("latency max (ms)", "max_ms", Report.ms(latency.getMaxValue() / 1000.0))
                .row("posts refused", "posts_refused", Long.toString(stats.refused.sum()))
                .row("max send lag (ms)", "max_send_lag_ms", Report.ms(load.maxSendLagNanos() / 1e6));
        Map<String, Long> refusals = load.refusals();
        if (!refusals.isEmpty()) {
            report.row("refusals by code", null, refusals.toString());
        }
        Map<Integer, Long> closes = chat.closesByCode();
        report.row(
                "connections closed by server",
                "server_closes",
                Long.toString(
                        closes.values().stream().mapToLong(Long::longValue).sum()));
        if (!closes.isEmpty()) {
            report.row("closes by code (-1: no frame)", null, closes.toString());
        }
        if (load.unexpected() > 0) {
            report.row("unexpected frames", "unexpected_frames", Long.toString(load.unexpected()));
        }
        return stats.missing() == 0;
    }
}
