package org.haven.server.care;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.client.HavenErrorException;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.HavenProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bounded memory, as operators run a node: the packaged jar at {@code -Xmx256m} on its default
 * engines (SQLite in a fresh data directory). One client, logged in on {@link #CONNECTIONS}
 * connections, saves the largest safety plan the protocol allows on each of them at the rate limit
 * (20 a second) for {@link #RUN}. Before the quota, a node kept every version in memory and copied
 * the whole list on each save: some 650 MB a minute, and a node of 512 MB died within a minute.
 *
 * <p>The node's heap after a full collection ({@code jcmd GC.run}, then {@code GC.heap_info}) at
 * {@link #WARM_UP} and at the end grows by less than {@link #HEAP_GROWTH}; its database holds the
 * quota of versions, not the minute's worth; every save is answered {@code ok} or {@code
 * rate_limited}; and the node still answers {@code /healthz}.
 */
class CareHeapIT {

    private static final int CONNECTIONS = 4;
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final Duration WARM_UP = Duration.ofSeconds(10);
    private static final long HEAP_GROWTH = 32L * 1024 * 1024;
    /** The quota's 100 versions of some 61 KB each, with room for SQLite's pages and write-ahead log. */
    private static final long DATABASE_BYTES = 48L * 1024 * 1024;

    private final DevTokens tokens = new DevTokens(
            ServerConfig.DEV_SECRET, ServerConfig.DEV_ISSUER, ServerConfig.DEV_AUDIENCE, Clock.systemUTC());
    private final List<HavenClient> clients = new ArrayList<>();
    private final ScheduledExecutorService senders = Executors.newScheduledThreadPool(2);
    private HavenProcess node;

    @AfterEach
    void stop() throws Exception {
        senders.shutdownNow();
        clients.forEach(HavenClient::abort);
        if (node != null) {
            node.close();
        }
    }

    /** The largest safety plan {@code care.plan.set} takes: six sections of 20 entries of 500 characters. */
    static Care.SafetyPlan largestPlan(long seed) {
        List<List<String>> sections = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            List<String> entries = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String head = seed + "-" + s + "-" + i + " ";
                entries.add(head + "x".repeat(500 - head.length()));
            }
            sections.add(entries);
        }
        return new Care.SafetyPlan(
                sections.get(0), sections.get(1), sections.get(2), sections.get(3), sections.get(4), sections.get(5));
    }

    @Test
    void aClientSavingLargestPlansAtTheRateLimitForAMinuteKeepsTheHeapFlat() throws Exception {
        Path data = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "care-heap-data-");
        // As operators run it: Netty's paranoid leak detection would take the event loops' time.
        node = HavenProcess.start(Map.of("HAVEN_DATA_DIR", data.toString()), false);
        node.awaitReadiness("ready", Duration.ofSeconds(30));
        String token = tokens.mint("alice", Role.CLIENT, "demo", List.of("group-1"), "Alice", Duration.ofHours(1));
        for (int i = 0; i < CONNECTIONS; i++) {
            HavenClient c =
                    HavenClient.connect(node.uri(), ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
            c.hello(token, null, null, null).get(10, TimeUnit.SECONDS);
            clients.add(c);
        }

        AtomicLong sent = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong limited = new AtomicLong();
        Map<String, Long> otherwise = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> answers = new ArrayList<>();
        List<ScheduledFuture<?>> schedules = new ArrayList<>();
        long started = System.nanoTime();
        for (HavenClient c : clients) {
            schedules.add(senders.scheduleAtFixedRate(
                    () -> {
                        Care.SafetyPlan plan = largestPlan(sent.incrementAndGet());
                        CompletableFuture<?> answer = c.call(
                                        id -> new ClientMessage.PlanSet(id, null, plan), Result.CareVersion.class)
                                .handle((v, failure) -> {
                                    if (failure == null) {
                                        ok.incrementAndGet();
                                    } else if (failure.getCause() instanceof HavenErrorException e
                                            && e.code() == ErrorCode.RATE_LIMITED) {
                                        limited.incrementAndGet();
                                    } else {
                                        otherwise.merge(String.valueOf(failure), 1L, Long::sum);
                                    }
                                    return null;
                                });
                        synchronized (answers) {
                            answers.add(answer);
                        }
                    },
                    0,
                    50,
                    TimeUnit.MILLISECONDS));
        }

        sleepUntil(started, WARM_UP);
        long warmHeap = heapAfterFullCollection();
        long answeredAtWarmUp = ok.get() + limited.get();
        sleepUntil(started, RUN);
        schedules.forEach(s -> s.cancel(false));
        long answeredAtEnd = ok.get() + limited.get();
        long endHeap = heapAfterFullCollection();
        CompletableFuture<?>[] all;
        synchronized (answers) {
            all = answers.toArray(CompletableFuture[]::new);
        }
        try {
            CompletableFuture.allOf(all).get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // Reported below: a save never answered fails the test with the numbers.
        }
        long databaseBytes = sizeOf(data);

        String measured = String.format(
                "saves sent=%d ok=%d rate_limited=%d other=%s (answered %.0f/s between %ds and %ds); heap after"
                        + " full GC at %ds=%.1f MB, at %ds=%.1f MB (growth %.1f MB); database %.1f MB",
                sent.get(),
                ok.get(),
                limited.get(),
                otherwise,
                (answeredAtEnd - answeredAtWarmUp) / (double) (RUN.toSeconds() - WARM_UP.toSeconds()),
                WARM_UP.toSeconds(),
                RUN.toSeconds(),
                WARM_UP.toSeconds(),
                warmHeap / 1048576.0,
                RUN.toSeconds(),
                endHeap / 1048576.0,
                (endHeap - warmHeap) / 1048576.0,
                databaseBytes / 1048576.0);
        System.out.println("CareHeapIT: " + measured);
        assertThat(health()).as(measured).isEqualTo(200);
        assertThat(otherwise).as(measured).isEmpty();
        assertThat(ok.get() + limited.get()).as(measured).isEqualTo(sent.get());
        assertThat(ok.get())
                .as("most saves were within the rate limit and stored (sends bunch up now and then): " + measured)
                .isGreaterThan(sent.get() / 2);
        assertThat(endHeap - warmHeap).as("the heap stays flat: " + measured).isLessThan(HEAP_GROWTH);
        assertThat(databaseBytes)
                .as("the database holds the quota of versions, not a minute's worth: " + measured)
                .isLessThan(DATABASE_BYTES);
        Result.CareVersion last = clients.get(0)
                .call(id -> new ClientMessage.PlanSet(id, null, largestPlan(0)), Result.CareVersion.class)
                .get(10, TimeUnit.SECONDS);
        assertThat(last.version())
                .as("numbering went on past the versions removed")
                .isEqualTo(ok.get() + 1);
        assertThat(node.log()).doesNotContain("LEAK:").doesNotContain("OutOfMemoryError");
    }

    private static void sleepUntil(long started, Duration at) throws InterruptedException {
        long left = started + at.toNanos() - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    /** The node's heap in use right after a full collection, in bytes, as the JVM itself reports it. */
    private long heapAfterFullCollection() throws Exception {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = USED.matcher(info);
        assertThat(m.find()).as("GC.heap_info says how much is used: " + info).isTrue();
        return Long.parseLong(m.group(1)) * 1024;
    }

    private String jcmd(String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(node.pid()), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("jcmd " + command + ": " + out).isZero();
        return out;
    }

    private int health() throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/healthz"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        }
    }
}
