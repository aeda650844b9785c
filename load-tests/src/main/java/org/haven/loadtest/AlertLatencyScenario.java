package org.haven.loadtest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;

/**
 * Measures alert latency on a Haven server on this machine: one on-call clinician, and a fixed
 * number of client users who each raise exactly one HIGH alert outside a session, paced at a fixed
 * rate. Latency is measured from each alert's scheduled send time (so a stalled sender cannot hide
 * delay) to the clinician's receipt of its {@code raised} notice. The run is bounded: a fixed number
 * of alerts and a hard time limit, after which every connection is closed.
 *
 * <p>Each client user raises once because a user has at most one open alert (a second press joins
 * it). Users connect in a rolling window ahead of their alert and leave once their alert has been
 * answered and received; the server then escalates that still-open alert ({@code client
 * disconnected}), so the clinician also receives and confirms one {@code escalated} notice per alert,
 * counted as "other notices". Optional warm-up alerts go first, at the same rate, and are not measured.
 */
public final class AlertLatencyScenario {

    /** Time kept at the end of the time limit for closing every connection. */
    private static final Duration CLEANUP_RESERVE = Duration.ofSeconds(5);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String ROOM = "bench-room";
    private static final int MAX_PROBLEMS_SHOWN = 5;

    /**
     * How to run: where, how many alerts, how fast, and the token settings of the server.
     *
     * @param warmup alerts sent first, at the same rate, and not measured
     * @param window how many client users are connected ahead of their alert
     * @param receiveTimeout an alert not received within this of its scheduled send is lost
     * @param maxDuration the hard time limit of the whole run, connecting and closing included
     */
    public record Settings(
            URI url,
            int alerts,
            int ratePerSecond,
            int warmup,
            int window,
            String org,
            String secret,
            String issuer,
            String audience,
            Duration receiveTimeout,
            Duration maxDuration,
            URI clientUrl) {

        /** Clients on the clinician's server. */
        public Settings(
                URI url,
                int alerts,
                int ratePerSecond,
                int warmup,
                int window,
                String org,
                String secret,
                String issuer,
                String audience,
                Duration receiveTimeout,
                Duration maxDuration) {
            this(
                    url,
                    alerts,
                    ratePerSecond,
                    warmup,
                    window,
                    org,
                    secret,
                    issuer,
                    audience,
                    receiveTimeout,
                    maxDuration,
                    url);
        }

        public Settings {
            Loopback.require(url);
            Loopback.require(clientUrl);
            Objects.requireNonNull(org, "org");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(audience, "audience");
            Objects.requireNonNull(receiveTimeout, "receiveTimeout");
            Objects.requireNonNull(maxDuration, "maxDuration");
            atLeast(alerts, 1, "alerts");
            atLeast(ratePerSecond, 1, "ratePerSecond");
            atLeast(warmup, 0, "warmup");
            atLeast(window, 1, "window");
            if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
                throw new IllegalArgumentException("secret: shorter than 32 bytes (HS256 needs at least 256 bits)");
            }
        }

        /**
         * Settings for a server in dev mode: the dev secret, organisation "bench", no warm-up, 200
         * users ahead, alerts lost after 10 s, 120 s in all.
         */
        public static Settings devServer(URI url, int alerts, int ratePerSecond) {
            return new Settings(
                    url,
                    alerts,
                    ratePerSecond,
                    0,
                    200,
                    "bench",
                    ServerConfig.DEV_SECRET,
                    ServerConfig.DEV_ISSUER,
                    ServerConfig.DEV_AUDIENCE,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(120));
        }

        private static void atLeast(int value, int min, String name) {
            if (value < min) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
            }
        }
    }

    private final Settings settings;
    private final int total;
    private final List<AlertSlot> slots = new ArrayList<>();
    private final Map<String, AlertSlot> slotsByUser = new LinkedHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicLong maxSendLag = new AtomicLong();
    private final CountDownLatch scheduled;
    private ExecutorService closer;
    private long startNanos;
    private long periodNanos;

    public AlertLatencyScenario(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.total = settings.warmup() + settings.alerts();
        this.scheduled = new CountDownLatch(total);
    }

    /**
     * Runs once and returns what was measured; throws {@link IllegalStateException} when the run
     * cannot start (the server is unreachable or refuses the tokens).
     */
    public AlertLatencyResult run() throws InterruptedException {
        long hardDeadline = System.nanoTime() + settings.maxDuration().toNanos();
        long runDeadline = hardDeadline - CLEANUP_RESERVE.toNanos();
        String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        DevTokens tokens = new DevTokens(settings.secret(), settings.issuer(), settings.audience(), Clock.systemUTC());
        Duration ttl = settings.maxDuration().plus(Duration.ofMinutes(10));
        // Fresh user ids on every run: alerts of an earlier run on the same server are still open.
        for (int i = 0; i < total; i++) {
            String user = String.format("bench-%s-client-%05d", runId, i);
            String token = tokens.mint(user, Role.CLIENT, settings.org(), List.of(ROOM), null, ttl);
            AlertSlot slot = new AlertSlot(user, token, i >= settings.warmup());
            slots.add(slot);
            slotsByUser.put(user, slot);
        }
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(daemon("haven-load-pacer"));
        closer = Executors.newSingleThreadExecutor(daemon("haven-load-closer"));
        HavenClient clinician = null;
        ClinicianLoop loop = null;
        Thread loopThread = null;
        List<String> problems = new ArrayList<>();
        try {
            clinician = connectClinician(
                    tokens.mint(
                            "bench-" + runId + "-clinician",
                            Role.CLINICIAN,
                            settings.org(),
                            List.of(ROOM),
                            "Bench clinician",
                            ttl),
                    runDeadline);
            loop = new ClinicianLoop(clinician, slotsByUser, settings.receiveTimeout(), this::partDone);
            loopThread = daemon("haven-load-clinician").newThread(loop);
            loopThread.start();
            connectFirstWindow(runDeadline);

            periodNanos = TimeUnit.SECONDS.toNanos(1) / settings.ratePerSecond();
            long lead = TimeUnit.MILLISECONDS.toNanos(20);
            startNanos = System.nanoTime() + lead;
            pacer.scheduleAtFixedRate(this::tick, lead, periodNanos, TimeUnit.NANOSECONDS);
            if (!scheduled.await(Math.max(0, runDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                problems.add("the time limit ran out while sending: raise --max-seconds or lower --alerts");
            }
            long lastIntended = startNanos + (total - 1L) * periodNanos;
            if (!loop.awaitAll(Math.min(lastIntended + settings.receiveTimeout().toNanos(), runDeadline))) {
                problems.add("not every alert reached the clinician within "
                        + settings.receiveTimeout().toSeconds() + " s of its scheduled send");
            }
        } finally {
            pacer.shutdownNow();
            if (loop != null) {
                loop.stop();
                loopThread.join(1000);
                loop.finishConfirms(Math.min(System.nanoTime() + TimeUnit.SECONDS.toNanos(1), hardDeadline));
            }
            closeAll(clinician, hardDeadline);
        }
        return result(loop, problems);
    }

    private HavenClient connectClinician(String token, long deadline) throws InterruptedException {
        HavenClient client = null;
        try {
            client = HavenClient.connect(settings.url()).get(until(deadline, CONNECT_TIMEOUT), TimeUnit.NANOSECONDS);
            client.hello(token).get(until(deadline, CONNECT_TIMEOUT), TimeUnit.NANOSECONDS);
            // Outside a session an alert starts at the on-call tier: without this nobody would be reached.
            client.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL))
                    .get(until(deadline, CONNECT_TIMEOUT), TimeUnit.NANOSECONDS);
            return client;
        } catch (ExecutionException | TimeoutException e) {
            if (client != null) {
                client.abort();
            }
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(Failures.describe("clinician at " + settings.url(), client, cause), e);
        }
    }

    private void connectFirstWindow(long deadline) throws InterruptedException {
        int first = Math.min(settings.window(), total);
        for (int i = 0; i < first; i++) {
            slots.get(i).connect(settings.clientUrl(), CONNECT_TIMEOUT);
        }
        for (int i = 0; i < first; i++) {
            try {
                slots.get(i).ready.get(until(deadline, CONNECT_TIMEOUT), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "client users did not connect within " + CONNECT_TIMEOUT.toSeconds() + " s", e);
            }
        }
    }

    // One alert per tick of the fixed-rate pacer; never blocks, so a slow connection cannot delay
    // the alerts behind it.
    private void tick() {
        int i = next.getAndIncrement();
        if (i >= total) {
            return;
        }
        AlertSlot slot = slots.get(i);
        slot.scheduledAt(startNanos + i * periodNanos);
        try {
            if (i + settings.window() < total) {
                slots.get(i + settings.window()).connect(settings.clientUrl(), CONNECT_TIMEOUT);
            }
            slot.ready.whenComplete((client, e) -> {
                if (e != null) {
                    slot.fail(e.getMessage());
                } else {
                    raise(slot, client);
                }
                scheduled.countDown();
            });
        } catch (RuntimeException e) {
            slot.fail("could not send: " + e);
            scheduled.countDown();
        }
    }

    private void raise(AlertSlot slot, HavenClient client) {
        if (slot.measured) {
            maxSendLag.accumulateAndGet(System.nanoTime() - slot.intendedNanos(), Math::max);
            sent.incrementAndGet();
        }
        client.call(
                        id -> new ClientMessage.AlertRaise(id, null, null, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .orTimeout(settings.receiveTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((received, e) -> {
                    if (e != null) {
                        slot.fail(Failures.describe(slot.user + " alert.raise", client, e));
                    } else {
                        slot.replied(received.alert());
                    }
                    partDone(slot);
                });
    }

    // Once the user's alert is answered and received, the user leaves, keeping the number of open
    // connections near the window.
    private void partDone(AlertSlot slot) {
        if (slot.partDone()) {
            try {
                closer.execute(slot::close);
            } catch (RejectedExecutionException e) {
                // Shutting down: closeAll closes it.
            }
        }
    }

    private void closeAll(HavenClient clinician, long hardDeadline) throws InterruptedException {
        // The clinician leaves first, so that the users leaving below alert nobody.
        if (clinician != null) {
            clinician.close();
        }
        for (AlertSlot slot : slots) {
            try {
                closer.execute(slot::close);
            } catch (RejectedExecutionException e) {
                slot.abort();
            }
        }
        closer.shutdown();
        if (!closer.awaitTermination(Math.max(0, hardDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            closer.shutdownNow();
            slots.forEach(AlertSlot::abort);
        }
        // Users still connecting when the run ended.
        for (AlertSlot slot : slots) {
            slot.ready.thenAccept(c -> slot.abort());
        }
    }

    private AlertLatencyResult result(ClinicianLoop loop, List<String> problems) {
        if (sent.get() < settings.alerts()) {
            problems.add(0, "only " + sent.get() + " of " + settings.alerts() + " measured alerts were sent");
        }
        if (loop.warmupReceived() < settings.warmup()) {
            problems.add("only " + loop.warmupReceived() + " of " + settings.warmup()
                    + " warm-up alerts reached the clinician in time");
        }
        List<String> failures = new ArrayList<>();
        for (AlertSlot slot : slots) {
            if (slot.failure() != null) {
                failures.add(slot.failure());
            }
        }
        failures.stream().limit(MAX_PROBLEMS_SHOWN).forEach(problems::add);
        if (failures.size() > MAX_PROBLEMS_SHOWN) {
            problems.add("... and " + (failures.size() - MAX_PROBLEMS_SHOWN) + " more failed alerts");
        }
        if (loop.unexpected() > 0) {
            problems.add(loop.unexpected() + " 'raised' notices for no alert of this run, or twice for one");
        }
        if (loop.confirmFailures() > 0) {
            problems.add(loop.confirmFailures() + " alert.confirm requests failed, the first: "
                    + loop.firstConfirmFailure());
        }
        long firstMeasured = startNanos + settings.warmup() * periodNanos;
        double seconds = loop.received() > 0 ? (loop.lastReceiptNanos() - firstMeasured) / 1e9 : 0;
        return new AlertLatencyResult(
                settings,
                sent.get(),
                loop.received(),
                loop.late(),
                loop.redelivered(),
                loop.otherNotices(),
                loop.confirmFailures(),
                maxSendLag.get(),
                seconds,
                loop.latencies(),
                problems);
    }

    private static long until(long deadline, Duration atMost) {
        return Math.max(0, Math.min(deadline - System.nanoTime(), atMost.toNanos()));
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
