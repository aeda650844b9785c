package org.haven.loadtest.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.haven.loadtest.wire.PeerEvents;
import org.haven.loadtest.wire.WirePeer;
import org.haven.protocol.Role;

/**
 * Group chat in which a share of the clients stop reading (and posting) when the slow phase starts,
 * like frozen devices: reports the latency and deliveries of everyone else, the server's memory
 * before, during and after, and how many of the frozen clients the server disconnected. A baseline
 * phase of the same length and the same posts (the clients who will freeze already silent, but
 * still reading) comes first, so "the others' latency is unaffected" is measured in one run on one
 * server, not against another scenario.
 *
 * <p>The warm-up has stand-ins: as many clients again, who freeze when it starts, so that the server
 * has closed frozen clients once before anything is measured. The first server-initiated closes of
 * a process's life make the JIT throw away code it compiled while every connection stayed open (a
 * close frame through the encoder, a leave through the room): on two busy cores the server and the
 * generator ran slower for one to three seconds while it compiled again. A server that has run for
 * a while has long been through that, and the measured phase is meant to show such a server.
 */
public final class SlowConsumersScenario {

    private static final long RESUME_WAIT_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final int STAND_IN_CONCURRENCY = 200;
    private static final long STAND_IN_READ_NANOS = TimeUnit.SECONDS.toNanos(1);

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
        Report report = new Report(
                "slow-consumers",
                settings.target().label(),
                "Slow consumers: some clients stop reading; latency of the others, memory of the server");
        report.line(
                "target", settings.target().label() + " at " + settings.target().endpoint(settings.url()));
        report.line("plan", plan.describe());
        int slowPerRoom = Math.max(1, (int) Math.ceil((plan.members() - 1) * slowPercent / 100.0));
        report.line(
                "slow",
                String.format(
                        Locale.ROOT,
                        "%d%% of each room's clients (%d per room, %d in all) stop reading"
                                + " and posting when the measured phase starts",
                        slowPercent,
                        slowPerRoom,
                        slowPerRoom * plan.rooms()));
        int standIns = slowPerRoom * plan.rooms();
        try (Run run = new Run(settings, plan.connections() + standIns);
                MemorySampler sampler = new MemorySampler(settings.probe())) {
            ChatLoad load = new ChatLoad(plan.payloadChars(), new PeerEvents() {});
            ChatRooms chat;
            try {
                chat = ChatRooms.open(run, plan.rooms(), plan.members(), load);
            } catch (IllegalStateException e) {
                return report.problem("setting up the rooms: " + e.getMessage());
            }
            try {
                List<WirePeer> frozenInWarmup = openStandIns(run, chat, slowPerRoom);
                try {
                    if (frozenInWarmup.size() < standIns) {
                        return report.problem(
                                frozenInWarmup.size() + " of " + standIns + " warm-up stand-ins entered their rooms");
                    }
                    measure(run, load, chat, slowPerRoom, frozenInWarmup, sampler, report);
                } finally {
                    frozenInWarmup.forEach(WirePeer::close);
                }
            } finally {
                chat.closeAll();
            }
        }
        return report;
    }

    private void measure(
            Run run,
            ChatLoad load,
            ChatRooms chat,
            int slowPerRoom,
            List<WirePeer> standIns,
            MemorySampler sampler,
            Report report)
            throws InterruptedException {
        Set<WirePeer> slow = new HashSet<>();
        for (int r = 0; r < chat.rooms(); r++) {
            for (int seat = plan.members() - slowPerRoom; seat < plan.members(); seat++) {
                slow.add(chat.member(r, seat).peer());
            }
        }
        double interval = plan.intervalMillis() / 1000;
        Phase warmup = Phase.of(
                "warm-up",
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200),
                plan.warmupSeconds(),
                chat,
                interval,
                Set.of(),
                false);
        Phase baseline =
                Phase.of("baseline", warmup.endNanos(), plan.seconds(), chat, interval, Set.copyOf(slow), true);
        Phase measured = Phase.of("slow", baseline.endNanos(), plan.seconds(), chat, interval, Set.copyOf(slow), true);
        load.start(List.of(warmup, baseline, measured));
        // The stand-ins freeze with the warm-up and read again for its last second (its last third if
        // shorter than 3 s), to take their close before the baseline starts.
        sleepUntil(warmup.startNanos());
        standIns.forEach(WirePeer::stopReading);
        sleepUntil(Math.max(
                warmup.endNanos() - STAND_IN_READ_NANOS,
                warmup.startNanos() + (warmup.endNanos() - warmup.startNanos()) * 2 / 3));
        standIns.forEach(WirePeer::resumeReading);
        sleepUntil(baseline.startNanos());
        long standInsClosed =
                standIns.stream().filter(p -> p.closeFuture().isDone()).count();
        standIns.forEach(WirePeer::close);
        sleepUntil(measured.startNanos());
        slow.forEach(WirePeer::stopReading);
        OptionalLong residentBefore = settings.probe().residentBytes();
        load.awaitSchedule(run.deadlineNanos);
        load.awaitDeliveries(GroupChatScenario.DRAIN_NANOS, run.deadlineNanos);
        OptionalLong residentPeak = sampler.highest();
        OptionalLong residentAfter = settings.probe().residentBytes();
        OptionalLong heapAfterGc = settings.probe().heapAfterGcBytes();
        long disconnected = disconnectedByServer(slow, run);

        report.row(
                        "readers (not slow)",
                        "readers",
                        Integer.toString(chat.members().size() - slow.size()))
                .row("slow consumers", "slow", Integer.toString(slow.size()))
                .row("warm-up stand-ins frozen", "standins", Integer.toString(standIns.size()))
                .row("stand-ins the server closed in the warm-up", "standins_closed", Long.toString(standInsClosed));
        if (standInsClosed < standIns.size()) {
            report.line(
                    "note",
                    (standIns.size() - standInsClosed) + " stand-ins were still open when the baseline started"
                            + " (the generator closed them then): the server's close of frozen clients was not exercised before"
                            + " measuring; a warm-up longer than the server's idle time-out plus a ping interval does that");
        }
        Histogram before = load.stats().get(1).latencyMicros();
        report.row(
                        "readers' p99 before the slow stop reading (ms)",
                        "baseline_p99_ms",
                        Report.ms(before.getValueAtPercentile(99) / 1000.0))
                .row(
                        "readers' p99.9 before the slow stop reading (ms)",
                        "baseline_p999_ms",
                        Report.ms(before.getValueAtPercentile(99.9) / 1000.0))
                .row(
                        "deliveries missing before",
                        "baseline_missing",
                        Long.toString(load.stats().get(1).missing()));
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

    /** Clients who join the rooms only to freeze in the warm-up: {@code perRoom} in each, not members of the chat's count. */
    private static List<WirePeer> openStandIns(Run run, ChatRooms chat, int perRoom) throws InterruptedException {
        List<WirePeer> peers = new ArrayList<>();
        Map<WirePeer, String> roomOf = new IdentityHashMap<>();
        for (int r = 0; r < chat.rooms(); r++) {
            String roomId = chat.member(r, 0).roomId();
            for (int i = 0; i < perRoom; i++) {
                WirePeer peer = run.peer(
                        String.format(Locale.ROOT, "r%04d-w%03d", r, i),
                        Role.CLIENT,
                        List.of(roomId),
                        new PeerEvents() {});
                peers.add(peer);
                roomOf.put(peer, roomId);
            }
        }
        new Connector(run, STAND_IN_CONCURRENCY, 0)
                .connect(peers, chat.members().size(), peer -> peer.enterRoom(roomOf.get(peer)));
        return peers.stream().filter(WirePeer::isOpen).toList();
    }

    private static void sleepUntil(long nanos) {
        for (long wait = nanos - System.nanoTime(); wait > 0; wait = nanos - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
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
