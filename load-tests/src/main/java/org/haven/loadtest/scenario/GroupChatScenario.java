package org.haven.loadtest.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.haven.loadtest.wire.PeerEvents;

/**
 * Group chat: R rooms of M members, each member posting every S; reports delivered messages per
 * second and the latency from each post's scheduled time to each member's receipt (p50, p99,
 * p99.9, max). With a {@link Ramp}, posts ever more often step by step and reports the highest
 * delivered rate sustained with p99 within the limit.
 */
public final class GroupChatScenario {

    /** How long after the schedule ends missing deliveries are waited for. */
    static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final long START_LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final double MAX_MISSING_FRACTION = 0.001;

    private final RunSettings settings;
    private final ChatPlan plan;
    private final Ramp ramp;

    /** @param ramp {@code null} for one fixed rate */
    public GroupChatScenario(RunSettings settings, ChatPlan plan, Ramp ramp) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.ramp = ramp;
    }

    public Report run() throws InterruptedException {
        Report report = new Report(
                "group-chat" + (ramp == null ? "" : ramp.fine() ? "-fine" : "-ramp"),
                settings.target().label(),
                "Group chat: each post delivered to every member of its room (latency from its scheduled send)");
        report.line(
                "target", settings.target().label() + " at " + settings.target().endpoint(settings.url()));
        if (ramp == null) {
            report.line("plan", plan.describe());
        } else {
            report.line(
                    "plan",
                    plan.shape() + String.format(Locale.ROOT, " at first, after %.0f s warm-up", plan.warmupSeconds()));
            report.line(
                    "ramp",
                    String.format(
                            Locale.ROOT,
                            "%.0f s steps, each posting x%.2f as often, at most %d, sustained"
                                    + " while p99 <= %.0f ms and nothing missing or refused",
                            ramp.stepSeconds(),
                            ramp.factor(),
                            ramp.maxSteps(),
                            ramp.p99LimitMillis()));
        }
        try (Run run = new Run(settings, plan.connections())) {
            ChatLoad load = new ChatLoad(plan.payloadChars(), new PeerEvents() {});
            ChatRooms chat;
            try {
                chat = ChatRooms.open(run, plan.rooms(), plan.members(), load);
            } catch (IllegalStateException e) {
                return report.problem("setting up the rooms: " + e.getMessage());
            }
            try {
                if (ramp == null) {
                    fixed(run, load, chat, report);
                } else {
                    ramped(run, load, chat, report);
                }
            } finally {
                chat.closeAll();
            }
        }
        return report;
    }

    private void fixed(Run run, ChatLoad load, ChatRooms chat, Report report) throws InterruptedException {
        Phase warmup = Phase.of(
                "warm-up",
                System.nanoTime() + START_LEAD_NANOS,
                plan.warmupSeconds(),
                chat,
                plan.intervalMillis() / 1000,
                Set.of(),
                false);
        Phase measured = Phase.of(
                "measured", warmup.endNanos(), plan.seconds(), chat, plan.intervalMillis() / 1000, Set.of(), true);
        if (measured.endNanos() > run.deadlineNanos) {
            report.problem("the time limit ends before the measured phase: raise --max-seconds or shorten the run");
        }
        load.start(List.of(warmup, measured));
        load.awaitSchedule(run.deadlineNanos);
        load.awaitDeliveries(DRAIN_NANOS, run.deadlineNanos);
        PhaseStats stats = load.stats().get(1);
        if (!ChatFigures.addTo(report, stats, load, chat)) {
            report.problem(stats.missing() + " deliveries did not arrive within " + DRAIN_NANOS / 1_000_000_000
                    + " s of the end of the schedule");
        }
        if (stats.refused.sum() > 0) {
            report.problem(stats.refused.sum() + " posts refused: " + load.refusals());
        }
    }

    private void ramped(Run run, ChatLoad load, ChatRooms chat, Report report) throws InterruptedException {
        long evaluateAfter = Math.min(TimeUnit.SECONDS.toNanos(1), (long) (ramp.stepSeconds() * 5e8));
        List<Phase> phases = new ArrayList<>();
        Phase warmup = Phase.of(
                "warm-up",
                System.nanoTime() + START_LEAD_NANOS,
                plan.warmupSeconds(),
                chat,
                plan.intervalMillis() / 1000,
                Set.of(),
                false);
        phases.add(warmup);
        long start = warmup.endNanos();
        for (int k = 0; k < ramp.maxSteps(); k++) {
            double intervalSeconds = plan.intervalMillis() / 1000 / Math.pow(ramp.factor(), k);
            long end = start + (long) (ramp.stepSeconds() * 1e9);
            if (1 / intervalSeconds > ramp.maxMemberRate() || end + evaluateAfter > run.deadlineNanos) {
                break;
            }
            phases.add(Phase.of("step " + (k + 1), start, ramp.stepSeconds(), chat, intervalSeconds, Set.of(), true));
            start = end;
        }
        load.start(phases);
        List<RampStep> steps = new ArrayList<>();
        for (PhaseStats stats : load.stats().subList(1, load.stats().size())) {
            long evaluateAt = stats.phase.endNanos() + evaluateAfter;
            for (long wait = evaluateAt - System.nanoTime(); wait > 0; wait = evaluateAt - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            RampStep step = RampStep.of(stats, ramp, MAX_MISSING_FRACTION);
            steps.add(step);
            if (Ramp.endsAfter(steps.stream().map(RampStep::sustained).toList())) {
                break;
            }
        }
        load.stop();
        load.awaitSchedule(run.deadlineNanos);
        RampStep best = steps.stream()
                .filter(RampStep::sustained)
                .max((a, b) -> Double.compare(a.deliveredPerSecond(), b.deliveredPerSecond()))
                .orElse(null);
        report.row("steps run", "steps_run", Integer.toString(steps.size()))
                .row(
                        "steps sustained",
                        "steps_sustained",
                        Long.toString(steps.stream().filter(RampStep::sustained).count()))
                .row(
                        "highest sustained delivered/s",
                        "highest_sustained_per_s",
                        best == null ? "0" : Report.rate(best.deliveredPerSecond()))
                .row(
                        "  at posts/s",
                        "highest_sustained_posts_per_s",
                        best == null ? "0" : Report.rate(best.postsPerSecond()))
                .row(
                        "  its p99 (ms)",
                        "highest_sustained_p99_ms",
                        best == null ? Report.NOT_MEASURED : Report.ms(best.p99Millis()))
                .row(
                        "  member interval (ms)",
                        "highest_sustained_interval_ms",
                        best == null ? Report.NOT_MEASURED : Report.ms(best.intervalMillis()))
                .row(
                        "steps missed below it",
                        "missed_below_highest",
                        Long.toString(
                                best == null
                                        ? 0
                                        : steps.subList(0, steps.indexOf(best)).stream()
                                                .filter(s -> !s.sustained())
                                                .count()))
                .row("max send lag (ms)", "max_send_lag_ms", Report.ms(load.maxSendLagNanos() / 1e6))
                .row(
                        "connections closed by server",
                        "server_closes",
                        Long.toString(chat.closesByCode().values().stream()
                                .mapToLong(Long::longValue)
                                .sum()));
        if (!load.refusals().isEmpty()) {
            report.row("refusals by code", null, load.refusals().toString());
        }
        report.section(RampStep.table(steps));
        if (best == null) {
            report.problem("no step was sustained: start slower (a larger --interval-ms)");
        }
    }

    /** One evaluated step of a ramp. */
    record RampStep(
            String name,
            double intervalMillis,
            double postsPerSecond,
            double offeredPerSecond,
            double deliveredPerSecond,
            Histogram latency,
            long missing,
            long refused,
            boolean sustained) {

        static RampStep of(PhaseStats stats, Ramp ramp, double maxMissingFraction) {
            Histogram latency = stats.latencyMicros();
            long expected = stats.expected.sum();
            long missing = stats.missing();
            boolean sustained = latency.getTotalCount() > 0
                    && latency.getValueAtPercentile(99) / 1000.0 <= ramp.p99LimitMillis()
                    && missing <= expected * maxMissingFraction
                    && stats.refused.sum() == 0;
            return new RampStep(
                    stats.phase.name(),
                    stats.phase.intervalMillis(),
                    stats.posts.sum() / stats.phase.seconds(),
                    expected / stats.phase.seconds(),
                    stats.deliveredPerSecond(),
                    latency,
                    missing,
                    stats.refused.sum(),
                    sustained);
        }

        double p99Millis() {
            return latency.getValueAtPercentile(99) / 1000.0;
        }

        static String table(List<RampStep> steps) {
            StringBuilder out = new StringBuilder(String.format(
                    Locale.ROOT,
                    "%-8s %9s %9s %11s %11s %8s %8s %8s %8s %8s %7s %s%n",
                    "step",
                    "interval",
                    "posts/s",
                    "offered/s",
                    "delivered/s",
                    "p50 ms",
                    "p99 ms",
                    "p99.9 ms",
                    "max ms",
                    "missing",
                    "refused",
                    "verdict"));
            for (RampStep s : steps) {
                out.append(String.format(
                        Locale.ROOT,
                        "%-8s %7.1fms %9.0f %11.0f %11.0f %8.2f %8.2f %8.2f %8.2f %8d %7d %s%n",
                        s.name,
                        s.intervalMillis,
                        s.postsPerSecond,
                        s.offeredPerSecond,
                        s.deliveredPerSecond,
                        s.latency.getValueAtPercentile(50) / 1000.0,
                        s.p99Millis(),
                        s.latency.getValueAtPercentile(99.9) / 1000.0,
                        s.latency.getMaxValue() / 1000.0,
                        s.missing,
                        s.refused,
                        s.sustained ? "sustained" : "NOT sustained"));
            }
            return out.toString();
        }
    }
}
