package org.haven.loadtest.scenario;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.haven.loadtest.wire.PeerEvents;
import org.haven.loadtest.wire.WirePeer;

/**
 * Group chat in which a share of the clients stop reading (and posting) when the slow phase starts,
 * like frozen devices: reports the latency and deliveries of everyone else, the server's memory
 * before, during and after, and how many of the frozen clients the server disconnected. A baseline
 * phase of the same length and the same posts (the clients who will freeze already silent, but
 * still reading) comes first, so "the others' latency is unaffected" is measured in one run on one
 * server, not against another scenario.
 */
public final class SlowConsumersScenario {

    private static final long RESUME_WAIT_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final RunSettings settings;
    private final ChatPlan plan;
    private final int slowPercent;

    /** @param slowPercent the share of each room's clients (never its clinician) who stop reading, 1..90 */
    public SlowConsumersScenario(RunSettings settings, ChatPlan plan, int slowPercent) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.plan = Objects.requireNonNull(plan, "plan");
        if (slowPercent < 1 || slowPercent > 90) {
            throw new IllegalArgumentException("slowPercent: " + slowPercent + " (expected: 1..90)");
        }
        this.slowPercent = slowPercent;
    }

    public Report run() throws InterruptedException {
        Report report = new Report("slow-consumers", settings.target().label(),
                "Slow consumers: some clients stop reading; latency of the others, memory of the server");
        report.line("target", settings.target().label() + " at " + settings.target().endpoint(settings.url()));
        report.line("plan", plan.describe());
        int slowPerRoom = Math.max(1, (int) Math.ceil((plan.members() - 1) * slowPercent / 100.0));
        report.line("slow", String.format(Locale.ROOT, "%d%% of each room's clients (%d per room, %d in all) stop reading"
                + " and posting when the measured phase starts", slowPercent, slowPerRoom, slowPerRoom * plan.rooms()));
        try (Run run = new Run(settings, plan.connections()); MemorySampler sampler = new MemorySampler(settings.probe())) {
            ChatLoad load = new ChatLoad(plan.payloadChars(), new PeerEvents() {});
            ChatRooms chat;
            try {
                chat = ChatRooms.open(run, plan.rooms(), plan.members(), load);
            } catch (IllegalStateException e) {
                return report.problem("setting up the rooms: " + e.getMessage());
            }
            try {
                measure(run, load, chat, slowPerRoom, sampler, report);
            } finally {
                chat.closeAll();
            }
        }
        return report;
    }

    private void measure(Run run, ChatLoad load, ChatRooms chat, int slowPerRoom, MemorySampler sampler, Report report)
            throws InterruptedException {
        Set<WirePeer> slow = new HashSet<>();
        for (int r = 0; r < chat.rooms(); r++) {
            for (int seat = plan.members() - slowPerRoom; seat < plan.members(); seat++) {
                slow.add(chat.member(r, seat).peer());
            }
        }
        double interval = plan.intervalMillis() / 1000;
        Phase warmup = Phase.of("warm-up", System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200), plan.warmupSeconds(),
                chat, interval, Set.of(), false);
        Phase baseline = Phase.of("baseline", warmup.endNanos(), plan.seconds(), chat, interval, Set.copyOf(slow), true);
        Phase measured = Phase.of("slow", baseline.endNanos(), plan.seconds(), chat, interval, Set.copyOf(slow), true);
        load.start(List.of(warmup, baseline, measured));
        for (long wait = measured.startNanos() - System.nanoTime(); wait > 0; wait = measured.startNanos() - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
        slow.forEach(WirePeer::stopReading);
        OptionalLong residentBefore = settings.probe().residentBytes();
        load.awaitSchedule(run.deadlineNanos);
        load.awaitDeliveries(GroupChatScenario.DRAIN_NANOS, run.deadlineNanos);
        OptionalLong residentPeak = sampler.highest();
        OptionalLong residentAfter = settings.probe().residentBytes();
        OptionalLong heapAfterGc = settings.probe().heapAfterGcBytes();
        long disconnected = disconnectedByServer(slow, run);

        report.row("readers (not slow)", "readers", Integer.toString(chat.members().size() - slow.size()))
                .row("slow consumers", "slow", Integer.toString(slow.size()));
        Histogram before = load.stats().get(1).latencyMicros();
        report.row("readers' p99 before the slow stop reading (ms)", "baseline_p99_ms",
                        Report.ms(before.getValueAtPercentile(99) / 1000.0))
                .row("readers' p99.9 before the slow stop reading (ms)", "baseline_p999_ms",
                        Report.ms(before.getValueAtPercentile(99.9) / 1000.0))
                .row("deliveries missing before", "baseline_missing", Long.toString(load.stats().get(1).missing()));
        PhaseStats stats = load.stats().get(2);
        report.line("readers' p99 by second before (ms)", load.stats().get(1).p99BySecond());
        report.line("readers' p99 by second while slow (ms)", stats.p99BySecond());
        if (!ChatFigures.addTo(report, stats, load, chat)) {
            report.problem(stats.missing() + " deliveries to readers did not arrive");
        }
        report.row("slow consumers disconnected by server", "slow_disconnected", Long.toString(disconnected))
                .row("server RSS at slow start (MiB)", "rss_before_mib", Report.mib(residentBefore))
                .row("server RSS peak while slow (MiB)", "rss_peak_mib", Report.mib(residentPeak))
                .row("server RSS at end (MiB)", "rss_after_mib", Report.mib(residentAfter))
                .row("server heap after GC at end (MiB)", "heap_after_gc_mib", Report.mib(heapAfterGc));
    }

    // A connection that stopped reading does not notice that the server closed it: read again and see.
    private static long disconnectedByServer(Set<WirePeer> slow, Run run) {
        slow.forEach(WirePeer::resumeReading);
        CompletableFuture<?>[] closes = slow.stream().map(WirePeer::closeFuture).toArray(CompletableFuture[]::new);
        long until = Math.min(System.nanoTime() + RESUME_WAIT_NANOS, run.deadlineNanos);
        try {
            CompletableFuture.allOf(closes).get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            // Some are still open: counted below.
        }
        return slow.stream().filter(p -> !p.isOpen()).count();
    }
}
