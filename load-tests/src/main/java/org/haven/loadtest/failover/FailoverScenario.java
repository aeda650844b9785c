package org.haven.loadtest.failover;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.haven.client.HavenClient;
import org.haven.protocol.Care;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Role;
import org.haven.server.auth.DevTokens;

/**
 * A failover run against two nodes of one cluster: help presses go out at a fixed rate while the
 * node serving the organisation is killed and, later, Redis restarts empty (the faults are the
 * caller's: shell commands for the script, actions in-process for the smoke test). Measures, per
 * press, the time to its answer and to the first responder's receipt of its alert, whether the
 * alert carried the client's check-in and the tier it first reached, and reports them before,
 * during and after each fault ({@link FailoverReport}).
 *
 * <p>Who connects where: the first clinician to node A before anyone else, so node A serves the
 * organisation (the first node a user of it reaches); then the other clinicians alternately on B
 * and A, the supervisors on B, and the client users alternately on A and B. Every connection comes
 * back by itself after a loss ({@link Link}) and is set up again: clients check in, clinicians set
 * their presence (the first two {@code on_call}, one per node). Every clinician is granted the
 * clients' room, so every clinician is in the alert's first tier (its facilitators).
 *
 * <p>Why a few clients pressing repeatedly rather than one client per press: the point is the
 * connections that live through the fault (a client relayed through the surviving node, a client
 * whose node died and who reconnects), not a stream of fresh connections. A client has one open
 * alert at a time (a second press joins it), so the clinicians acknowledge, engage and resolve each
 * alert at once, and a client's next press (N / rate seconds later) opens a fresh one. While
 * alerts cannot be resolved (during the fault) a press may join its client's open alert: counted
 * as "joined", and delivered when that alert was.
 *
 * <p>Presses follow an open-loop schedule: press k is due at start + k / rate whatever happened
 * to the ones before, and its latencies are measured from then (no coordinated omission).
 */
public final class FailoverScenario {

    static final String ROOM = "failover-room";

    private static final Duration CONNECT_WAIT = Duration.ofSeconds(20);
    /** The first press is scheduled this long after everyone is up. */
    private static final Duration LEAD = Duration.ofMillis(200);

    private final FailoverSettings settings;
    /** What did not go as planned; the fault thread adds to it too. */
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    private final Sightings sightings = new Sightings();
    private final List<Responder> responders = new ArrayList<>();
    private final List<ClientUser> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Press> presses = new ArrayList<>();
    private final AtomicLongArray faultNanos;
    private final AtomicLongArray faultEpochMillis;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, daemon("haven-failover-timer"));
    private final ScheduledExecutorService pacer =
            Executors.newSingleThreadScheduledExecutor(daemon("haven-failover-pacer"));
    private final ScheduledExecutorService faults =
            Executors.newScheduledThreadPool(1, daemon("haven-failover-faults"));
    /** When the first press of the warm-up is due, and the first measured one (faults count from it). */
    private long firstNanos;

    private long startNanos;

    /** A scenario runs once. */
    public FailoverScenario(FailoverSettings settings) {
        this.settings = settings;
        this.faultNanos = new AtomicLongArray(settings.faults().size());
        this.faultEpochMillis = new AtomicLongArray(settings.faults().size());
    }

    /**
     * Runs once and returns what was measured; throws {@link IllegalStateException} when the run
     * cannot start (a node unreachable, or the tokens refused).
     */
    public FailoverReport run() throws InterruptedException {
        long hardDeadline = System.nanoTime() + settings.maxDuration().toNanos();
        long closingReserve = Duration.ofSeconds(10).toNanos();
        try {
            connectEveryone();
            plan();
            if (!pressAll(hardDeadline - closingReserve)) {
                problems.add("the time limit ran out while pressing");
            }
            long drainEnd = Math.min(System.nanoTime() + settings.drain().toNanos(), hardDeadline - closingReserve);
            while (System.nanoTime() < drainEnd && !settled()) {
                Thread.sleep(100);
            }
        } finally {
            stopEveryone(hardDeadline);
        }
        return report();
    }

    // Clinician 0 first, on node A, alone: node A then serves the organisation. Then everyone else.
    private void connectEveryone() throws InterruptedException {
        String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
        DevTokens tokens = new DevTokens(settings.secret(), settings.issuer(), settings.audience(), Clock.systemUTC());
        Duration ttl = settings.maxDuration().plus(Duration.ofMinutes(10));
        for (int i = 0; i < settings.clinicians(); i++) {
            Responder r = new Responder(
                    String.format(Locale.ROOT, "failover-%s-clinician-%d", runId, i),
                    Role.CLINICIAN,
                    i < 2 ? PresenceStatus.ON_CALL : PresenceStatus.AVAILABLE,
                    sightings,
                    settings.closeAlerts());
            r.attach(link(r.user, tokens, Role.CLINICIAN, ttl, i % 2 == 0, r::setUp, NO_LISTENER));
            responders.add(r);
        }
        for (int i = 0; i < settings.supervisors(); i++) {
            Responder r = new Responder(
                    String.format(Locale.ROOT, "failover-%s-supervisor-%d", runId, i),
                    Role.SUPERVISOR,
                    null,
                    sightings,
                    false);
            r.attach(link(r.user, tokens, Role.SUPERVISOR, ttl, false, r::setUp, NO_LISTENER));
            responders.add(r);
        }
        for (int i = 0; i < settings.clients(); i++) {
            ClientUser c = new ClientUser(
                    String.format(Locale.ROOT, "failover-%s-client-%03d", runId, i),
                    new Care.Address(i + " Failover Street", null, "Springfield", null, null, "US"));
            c.attach(link(c.user, tokens, Role.CLIENT, ttl, i % 2 == 0, c::checkIn, c));
            clients.add(c);
        }
        responders.get(0).link().start();
        awaitUp(List.of(responders.get(0).link()), "the first clinician on node A");
        List<Link> rest = new ArrayList<>();
        responders.stream().skip(1).forEach(r -> rest.add(r.link()));
        clients.forEach(c -> rest.add(c.link()));
        rest.forEach(Link::start);
        awaitUp(rest, "every clinician, supervisor and client");
        for (Responder r : responders) {
            Thread t = daemon("haven-failover-" + r.role.wire()).newThread(r);
            threads.add(t);
            t.start();
        }
    }

    // The schedule: warm-up presses, then the measured ones, each client in turn; the faults.
    private void plan() {
        firstNanos = System.nanoTime() + LEAD.toNanos();
        startNanos = firstNanos + settings.warmup().toNanos();
        double period = 1e9 / settings.ratePerSecond();
        int warm = settings.warmupPresses();
        for (int k = 0; k < warm + settings.presses(); k++) {
            long due = k < warm ? firstNanos + (long) (k * period) : startNanos + (long) ((k - warm) * period);
            presses.add(new Press(k, clients.get(k % clients.size()).user, due, k >= warm));
        }
        for (int f = 0; f < settings.faults().size(); f++) {
            Fault fault = settings.faults().get(f);
            int index = f;
            long at = startNanos + (long) (fault.atSeconds() * 1e9);
            faults.schedule(() -> inject(fault, index), at - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
    }

    /** Presses on schedule until the last is out; false when {@code deadline} came first. */
    private boolean pressAll(long deadline) throws InterruptedException {
        CountDownLatch pressed = new CountDownLatch(presses.size());
        AtomicInteger next = new AtomicInteger();
        long tick = Math.min((long) (1e9 / settings.ratePerSecond()), TimeUnit.MILLISECONDS.toNanos(10));
        // Each tick presses whatever is due by now: never early, never skipped when late.
        pacer.scheduleAtFixedRate(
                () -> {
                    long now = System.nanoTime();
                    int k;
                    while ((k = next.get()) < presses.size() && presses.get(k).scheduledNanos <= now) {
                        next.incrementAndGet();
                        clients.get(k % clients.size()).press(presses.get(k));
                        pressed.countDown();
                    }
                },
                firstNanos - System.nanoTime(),
                tick,
                TimeUnit.NANOSECONDS);
        boolean done = pressed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        pacer.shutdownNow();
        return done;
    }

    // Every press answered or given up, and every alert a press was told about seen by a responder.
    private boolean settled() {
        for (Press p : presses) {
            if (!p.isFinal()) {
                return false;
            }
            if (p.answer() == Press.Answer.RECEIVED && sightings.get(p.alertId()) == null) {
                return false;
            }
        }
        return true;
    }

    private void stopEveryone(long hardDeadline) throws InterruptedException {
        pacer.shutdownNow();
        faults.shutdown();
        responders.forEach(Responder::stop);
        for (Thread t : threads) {
            t.join(1000);
        }
        ExecutorService closer = Executors.newFixedThreadPool(8, daemon("haven-failover-closer"));
        // Responders first, so that clients leaving with an open alert alert nobody.
        responders.forEach(r -> closer.execute(r.link()::stop));
        clients.forEach(c -> closer.execute(c.link()::stop));
        closer.shutdown();
        if (!closer.awaitTermination(Math.max(0, hardDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            closer.shutdownNow();
        }
        timer.shutdownNow();
        faults.shutdownNow();
    }

    private FailoverReport report() {
        List<Long> faultTimes = new ArrayList<>();
        List<Long> faultClock = new ArrayList<>();
        for (int f = 0; f < settings.faults().size(); f++) {
            faultTimes.add(faultNanos.get(f));
            faultClock.add(faultEpochMillis.get(f));
            if (faultNanos.get(f) == 0) {
                problems.add("the fault '" + settings.faults().get(f).name() + "' did not happen");
            }
        }
        long received = presses.stream()
                .filter(p -> p.answer() == Press.Answer.RECEIVED)
                .count();
        long made = presses.stream()
                .filter(p ->
                        p.answer() == Press.Answer.RECEIVED && p.mayCreate().contains(p.alertId()))
                .count();
        if (received > 0 && made == 0) {
            problems.add("no alert id was as AlertIds predicts (did the server change how it names alerts?):"
                    + " presses without an answer cannot be matched to the alert they made");
        }
        int waiting = clients.stream().mapToInt(ClientUser::stillWaiting).sum();
        if (waiting > 0) {
            problems.add(waiting + " presses still waited for a connection when the run ended");
        }
        FailoverReport.Activity activity = new FailoverReport.Activity(
                responders.stream().mapToInt(r -> r.link().connections()).sum(),
                clients.stream().mapToInt(c -> c.link().connections()).sum(),
                clients.stream().mapToInt(ClientUser::checkInFailures).sum(),
                responders.stream().mapToInt(Responder::resolved).sum());
        return new FailoverReport(
                settings,
                startNanos,
                faultTimes,
                faultClock,
                Evaluation.of(presses, sightings, clients),
                activity,
                List.copyOf(problems));
    }

    private void inject(Fault fault, int index) {
        faultNanos.set(index, System.nanoTime());
        faultEpochMillis.set(index, System.currentTimeMillis());
        try {
            fault.action().run();
        } catch (Exception e) {
            problems.add("the fault '" + fault.name() + "' failed: " + e.getMessage());
        }
    }

    private static final Link.Listener NO_LISTENER = new Link.Listener() {
        @Override
        public void up(HavenClient client) {}

        @Override
        public void down(HavenClient client) {}
    };

    private Link link(
            String user,
            DevTokens tokens,
            Role role,
            Duration ttl,
            boolean homeA,
            Link.Setup setup,
            Link.Listener listener) {
        String token = tokens.mint(user, role, settings.org(), List.of(ROOM), null, ttl);
        List<URI> urls = homeA ? List.of(settings.urlA(), settings.urlB()) : List.of(settings.urlB(), settings.urlA());
        return new Link(user, token, urls, setup, listener, timer);
    }

    private static void awaitUp(List<Link> links, String who) throws InterruptedException {
        long deadline = System.nanoTime() + CONNECT_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (links.stream().allMatch(l -> l.up() != null)) {
                return;
            }
            Thread.sleep(20);
        }
        long down = links.stream().filter(l -> l.up() == null).count();
        throw new IllegalStateException(who + " could not connect within " + CONNECT_WAIT.toSeconds() + " s (" + down
                + " of " + links.size() + " not up; check the URLs, and that the nodes run in dev mode)");
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
