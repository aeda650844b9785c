package org.haven.loadtest.scenario;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Alerts raised while group chat runs: clients press the help button inside their room at a fixed
 * rate, and the room's clinician, who is receiving the room's chat at the same time, receives each
 * alert (and confirms it). Reports the latency from each alert's scheduled raise to the clinician's
 * receipt, beside the chat's own figures.
 */
public final class AlertUnderLoadScenario {

    /** An alert not noticed within this of its scheduled raise is lost. */
    static final long RECEIVE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * The alerts: {@code alerts} of them, each by a different client, spread over the rooms, at
     * {@code perSecond}, from the start of the measured phase.
     */
    /**
     * @param warmupAlerts alerts raised during the chat's warm-up, spread over its second half, by
     *     other clients than the measured ones, and not measured: the first alerts a fresh server
     *     handles run cold code (its first raise under this load took 264 ms, the next three 75–152 ms
     *     behind it; docs/benchmarks.md), which is a start-up figure, not this one
     */
    public record AlertPlan(int alerts, double perSecond, int warmupAlerts) {

        public AlertPlan {
            if (alerts < 1 || perSecond <= 0 || warmupAlerts < 0) {
                throw new IllegalArgumentException("alerts: " + alerts + " at " + perSecond + "/s, " + warmupAlerts
                        + " in the warm-up (expected: >= 1, > 0, >= 0)");
            }
        }

        /** {@code alerts} at {@code perSecond}, none in the warm-up. */
        public AlertPlan(int alerts, double perSecond) {
            this(alerts, perSecond, 0);
        }
    }

    private final RunSettings settings;
    private final ChatPlan chatPlan;
    private final AlertPlan alertPlan;

    public AlertUnderLoadScenario(RunSettings settings, ChatPlan chatPlan, AlertPlan alertPlan) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.chatPlan = Objects.requireNonNull(chatPlan, "chatPlan");
        this.alertPlan = Objects.requireNonNull(alertPlan, "alertPlan");
        int raisers = chatPlan.rooms() * (chatPlan.members() - 1);
        if (alertPlan.alerts() + alertPlan.warmupAlerts() > raisers) {
            throw new IllegalArgumentException("alerts: " + alertPlan.alerts() + " and " + alertPlan.warmupAlerts()
                    + " in the warm-up (expected: at most one per client, " + raisers + ")");
        }
        if (alertPlan.alerts() / alertPlan.perSecond() > chatPlan.seconds()) {
            throw new IllegalArgumentException("alerts: " + alertPlan.alerts() + " at " + alertPlan.perSecond()
                    + "/s take longer than the measured " + chatPlan.seconds() + " s");
        }
    }

    public Report run() throws InterruptedException {
        Report report = new Report(
                "alert-under-load",
                settings.target().label(),
                "Alerts under group-chat load: alert raised in a room -> that room's clinician receives it");
        report.line(
                "target", settings.target().label() + " at " + settings.target().endpoint(settings.url()));
        report.line("chat", chatPlan.describe());
        report.line(
                "alerts",
                String.format(
                        Locale.ROOT,
                        "%d alerts at %.1f/s from the start of the measured phase, each by"
                                + " a different client, HIGH, to the clinician of the raiser's room;"
                                + " %d more in the warm-up's second half, not measured",
                        alertPlan.alerts(),
                        alertPlan.perSecond(),
                        alertPlan.warmupAlerts()));
        try (Run run = new Run(settings, chatPlan.connections())) {
            AlertBoard board = new AlertBoard(alertPlan.alerts());
            ChatLoad load = new ChatLoad(chatPlan.payloadChars(), board);
            ChatRooms chat;
            try {
                chat = ChatRooms.open(run, chatPlan.rooms(), chatPlan.members(), load);
            } catch (IllegalStateException e) {
                return report.problem("setting up the rooms: " + e.getMessage());
            }
            try {
                measure(run, load, chat, board, report);
            } finally {
                chat.closeAll();
            }
        }
        return report;
    }

    /**
     * Raises the warm-up's alerts, spread over its second half, by the rooms' last clients (the
     * measured alerts take the first ones), each to its room's clinician; their notices are not measured.
     */
    private void raiseInWarmup(
            ChatRooms chat, AlertBoard board, Phase warmup, LongAdder refused, AtomicReference<String> firstRefusal) {
        int n = alertPlan.warmupAlerts();
        long from = warmup.startNanos() + (warmup.endNanos() - warmup.startNanos()) / 2;
        for (int j = 0; j < n; j++) {
            long due = from + (warmup.endNanos() - from) * j / n;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            int room = j % chat.rooms();
            ChatRooms.Member raiser = chat.member(room, chatPlan.members() - 1 - j / chat.rooms());
            board.warmingUp(raiser.peer().user());
            raiser.peer()
                    .raiseAlert(raiser.roomId(), chat.member(room, 0).peer().user())
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            refused.increment();
                            firstRefusal.compareAndSet(null, "in the warm-up: " + e.getMessage());
                        }
                    });
        }
    }

    private void measure(Run run, ChatLoad load, ChatRooms chat, AlertBoard board, Report report)
            throws InterruptedException {
        double interval = chatPlan.intervalMillis() / 1000;
        Phase warmup = Phase.of(
                "warm-up",
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200),
                chatPlan.warmupSeconds(),
                chat,
                interval,
                Set.of(),
                false);
        Phase measured = Phase.of("measured", warmup.endNanos(), chatPlan.seconds(), chat, interval, Set.of(), true);
        load.start(List.of(warmup, measured));

        LongAdder refused = new LongAdder();
        AtomicReference<String> firstRefusal = new AtomicReference<>();
        raiseInWarmup(chat, board, warmup, refused, firstRefusal);
        long lastDue = measured.startNanos();
        for (int j = 0; j < alertPlan.alerts(); j++) {
            long due = measured.startNanos() + (long) (j * 1e9 / alertPlan.perSecond());
            if (due > run.deadlineNanos) {
                break;
            }
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            int room = j % chat.rooms();
            ChatRooms.Member raiser = chat.member(room, 1 + j / chat.rooms());
            board.scheduled(raiser.peer().user(), due);
            raiser.peer()
                    .raiseAlert(raiser.roomId(), chat.member(room, 0).peer().user())
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            refused.increment();
                            firstRefusal.compareAndSet(null, e.getMessage());
                        }
                    });
            lastDue = due;
        }
        boolean allNoticed = board.awaitAll(Math.min(lastDue + RECEIVE_TIMEOUT_NANOS, run.deadlineNanos));
        load.awaitSchedule(run.deadlineNanos);
        load.awaitDeliveries(GroupChatScenario.DRAIN_NANOS, run.deadlineNanos);

        Histogram latency = board.latencyMicros();
        report.row("alerts raised", "alerts", Integer.toString(alertPlan.alerts()))
                .row("alerts received by the clinician", "alerts_received", Long.toString(board.received()))
                .row("alerts lost", "alerts_lost", Long.toString(alertPlan.alerts() - board.received()))
                .row("alert latency p50 (ms)", "alert_p50_ms", Report.ms(latency.getValueAtPercentile(50) / 1000.0))
                .row("alert latency p99 (ms)", "alert_p99_ms", Report.ms(latency.getValueAtPercentile(99) / 1000.0))
                .row(
                        "alert latency p99.9 (ms)",
                        "alert_p999_ms",
                        Report.ms(latency.getValueAtPercentile(99.9) / 1000.0))
                .row("alert latency max (ms)", "alert_max_ms", Report.ms(latency.getMaxValue() / 1000.0))
                .row("slowest alerts (due at, UTC)", null, board.slowest());
        Histogram[] legs = board.legsMicros();
        if (legs[0].getTotalCount() > 0) {
            report.row(
                            "  raise -> stamped by the server p50 / p99 (ms)",
                            null,
                            Report.ms(legs[0].getValueAtPercentile(50) / 1000.0) + " / "
                                    + Report.ms(legs[0].getValueAtPercentile(99) / 1000.0))
                    .row(
                            "  stamped -> clinician p50 / p99 (ms)",
                            null,
                            Report.ms(legs[1].getValueAtPercentile(50) / 1000.0) + " / "
                                    + Report.ms(legs[1].getValueAtPercentile(99) / 1000.0));
        }
        report.row("alert raises refused", "alerts_refused", Long.toString(refused.sum()))
                .row("other alert notices (confirmed)", "alert_other_notices", Long.toString(board.otherNotices()))
                .row("-- chat meanwhile --", null, "");
        PhaseStats stats = load.stats().get(1);
        boolean complete = ChatFigures.addTo(report, stats, load, chat);
        if (!allNoticed) {
            report.problem((alertPlan.alerts() - board.received()) + " alerts did not reach the clinician within "
                    + RECEIVE_TIMEOUT_NANOS / 1_000_000_000 + " s");
        }
        if (refused.sum() > 0) {
            report.problem(refused.sum() + " alert raises failed, the first: " + firstRefusal.get());
        }
        if (board.unexpected() > 0) {
            report.problem(board.unexpected() + " 'raised' notices for no alert of this run, or twice for one");
        }
        if (!complete) {
            report.problem(stats.missing() + " chat deliveries missing");
        }
    }
}
