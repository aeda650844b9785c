package org.haven.server.push;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small push service (RFC 8030) on 127.0.0.1, for tests: it hands out subscriptions as a browser
 * would, records every request, checks what a real push service checks (VAPID, TTL, the content
 * coding, the size) and answers as the test scripts per subscription.
 *
 * <pre>{@code
 * try (LocalPushService push = LocalPushService.start()) {
 *     Subscriber clinician = push.subscribe();
 *     push.answer(clinician, 503, 503);      // then 201, the default
 *     ... send to clinician.endpoint() with clinician.p256dh() and clinician.auth() ...
 *     Push page = push.awaitPush(clinician, Duration.ofSeconds(5));
 *     assertThat(page.text()).contains("alrt-7f3a");
 * }
 * }</pre>
 *
 * <p>A request is answered, in this order: 404 for an unknown path; 410 for an unsubscribed
 * subscriber; 401 when the VAPID {@code Authorization} does not verify ({@link VapidToken#checkFor});
 * 400 without a {@code TTL} or with a {@code Content-Encoding} other than {@code aes128gcm}; 413 for a
 * body over 4096 bytes; then the next scripted {@link Answer}; else 201. Only a 2xx answer makes the
 * request a push that {@link #awaitPush} returns. Requests may be held (see {@link #hold}) to fill a
 * sender's queue.
 */
public final class LocalPushService implements AutoCloseable {

    /** What the service answers one request with. */
    public record Answer(int status, String retryAfter) {
        public static Answer status(int status) {
            return new Answer(status, "");
        }

        /** {@code status} with a {@code Retry-After} header of {@code value} (seconds or an HTTP date). */
        public static Answer retryAfter(int status, String value) {
            return new Answer(status, value);
        }
    }

    /**
     * A browser's subscription: the {@code endpoint} and base64url {@code p256dh} and {@code auth}
     * that {@code PushSubscription.toJSON()} gives a page, and the private key that only the browser
     * holds.
     */
    public record Subscriber(String id, URI endpoint, String p256dh, String auth, PrivateKey privateKey) {
        public byte[] p256dhBytes() {
            return Base64.getUrlDecoder().decode(p256dh);
        }

        public byte[] authBytes() {
            return Base64.getUrlDecoder().decode(auth);
        }

        @Override
        public String toString() {
            return "Subscriber[" + id + "]";
        }
    }

    /** One request as the service saw it, with the status it answered. */
    public record Push(
            Subscriber subscriber,
            String method,
            Map<String, String> headers,
            byte[] body,
            int status,
            String refusal,
            Instant at,
            long nanos) {

        /** The header's first value, its name in any case; null when absent. */
        public String header(String name) {
            return headers.get(name);
        }

        /** The plaintext, decrypted as the subscriber's browser would. */
        public byte[] plaintext() {
            return WebPushDecryption.decrypt(
                    body, subscriber.privateKey(), subscriber.p256dhBytes(), subscriber.authBytes());
        }

        /** The plaintext as UTF-8. */
        public String text() {
            return new String(plaintext(), StandardCharsets.UTF_8);
        }

        /** The VAPID token, verified for this subscriber's endpoint at the time of the request. */
        public VapidToken vapid() {
            return VapidToken.verify(String.valueOf(header("Authorization"))).checkFor(subscriber.endpoint(), at);
        }
    }

    private static final int MAX_BODY = 4096;

    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final Map<String, Queue<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, BlockingQueue<Push>> delivered = new ConcurrentHashMap<>();
    private final Set<String> unsubscribed = ConcurrentHashMap.newKeySet();
    private final List<Push> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));
    private final AtomicInteger held = new AtomicInteger();

    private LocalPushService(Clock clock) throws IOException {
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A service on a free port, checking token expiry against the system clock. */
    public static LocalPushService start() {
        return start(Clock.systemUTC());
    }

    /** A service on a free port, checking token expiry against {@code clock} (the sender's). */
    public static LocalPushService start(Clock clock) {
        try {
            return new LocalPushService(clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new subscription, with a fresh key pair and auth secret. */
    public Subscriber subscribe() {
        String id = "sub-" + ids.incrementAndGet();
        KeyPair keys = P256.generate();
        byte[] auth = new byte[16];
        new SecureRandom().nextBytes(auth);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        Subscriber subscriber = new Subscriber(
                id,
                URI.create("http://127.0.0.1:" + port() + "/push/" + id),
                b64.encodeToString(P256.encode((ECPublicKey) keys.getPublic())),
                b64.encodeToString(auth),
                keys.getPrivate());
        subscribers.put(id, subscriber);
        scripts.put(id, new ArrayDeque<>());
        delivered.put(id, new LinkedBlockingQueue<>());
        return subscriber;
    }

    /** From now on, pushes to {@code subscriber} are answered 410 Gone, as after the user revoked it. */
    public void unsubscribe(Subscriber subscriber) {
        unsubscribed.add(subscriber.id());
    }

    /** The next requests to {@code subscriber} are answered with these statuses, in order; then 201. */
    public void answer(Subscriber subscriber, int... statuses) {
        for (int status : statuses) {
            answer(subscriber, Answer.status(status));
        }
    }

    /** The next requests to {@code subscriber} are answered so, in order; then 201. */
    public void answer(Subscriber subscriber, Answer... answers) {
        Queue<Answer> script = scriptOf(subscriber);
        synchronized (script) {
            script.addAll(List.of(answers));
        }
    }

    /** Holds every request from now on, unanswered, until {@link #release}. */
    public void hold() {
        gate.set(new CountDownLatch(1));
    }

    /** Answers the held requests, and no longer holds new ones. */
    public void release() {
        gate.getAndSet(new CountDownLatch(0)).countDown();
    }

    /** Requests being held now. */
    public int held() {
        return held.get();
    }

    /**
     * The next push accepted (2xx) for {@code subscriber}, waiting up to {@code timeout}.
     *
     * @throws AssertionError when none comes in time
     */
    public Push awaitPush(Subscriber subscriber, Duration timeout) {
        try {
            Push push = deliveredTo(subscriber).poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (push == null) {
                throw new AssertionError("no push for " + subscriber + " within " + timeout + "; requests: "
                        + requests(subscriber).stream()
                                .map(p -> p.status() + " " + p.refusal())
                                .toList());
            }
            return push;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Every request so far, in the order they came. */
    public List<Push> requests() {
        return List.copyOf(requests);
    }

    /** Every request to {@code subscriber} so far, in the order they came. */
    public List<Push> requests(Subscriber subscriber) {
        return requests.stream()
                .filter(p -> p.subscriber().id().equals(subscriber.id()))
                .toList();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Subscriber subscriber =
                    path.startsWith("/push/") ? subscribers.get(path.substring("/push/".length())) : null;
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (subscriber == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            Instant at = clock.instant();
            long nanos = System.nanoTime();

            held.incrementAndGet();
            try {
                gate.get().await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                held.decrementAndGet();
            }

            String refusal = refusal(subscriber, exchange.getRequestMethod(), headers, body, at);
            Answer answer;
            if (unsubscribed.contains(subscriber.id())) {
                answer = Answer.status(410);
            } else if (!refusal.isEmpty()) {
                answer = Answer.status(refusal.startsWith("vapid") ? 401 : refusal.startsWith("body") ? 413 : 400);
            } else {
                Queue<Answer> script = scriptOf(subscriber);
                synchronized (script) {
                    Answer next = script.poll();
                    answer = next != null ? next : Answer.status(201);
                }
            }
            Push push = new Push(
                    subscriber, exchange.getRequestMethod(), headers, body, answer.status(), refusal, at, nanos);
            requests.add(push);
            if (answer.status() / 100 == 2) {
                deliveredTo(subscriber).add(push);
                exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + port() + "/message/" + nanos);
            }
            if (!answer.retryAfter().isEmpty()) {
                exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
            }
            exchange.sendResponseHeaders(answer.status(), -1);
        }
    }

    /** Why a real push service would refuse the request; empty when it would not. */
    private static String refusal(Subscriber s, String method, Map<String, String> headers, byte[] body, Instant at) {
        if (!method.equals("POST")) {
            return "method " + method;
        }
        try {
            VapidToken.verify(String.valueOf(headers.get("Authorization"))).checkFor(s.endpoint(), at);
        } catch (RuntimeException e) {
            return "vapid: " + e.getMessage();
        }
        if (headers.get("TTL") == null || !headers.get("TTL").matches("\\d+")) {
            return "TTL " + headers.get("TTL");
        }
        if (!"aes128gcm".equals(headers.get("Content-Encoding"))) {
            return "Content-Encoding " + headers.get("Content-Encoding");
        }
        if (body.length > MAX_BODY) {
            return "body of " + body.length + " bytes";
        }
        return "";
    }

    private Queue<Answer> scriptOf(Subscriber subscriber) {
        Queue<Answer> script = scripts.get(subscriber.id());
        if (script == null) {
            throw new IllegalArgumentException(subscriber + " was not made by this service");
        }
        return script;
    }

    private BlockingQueue<Push> deliveredTo(Subscriber subscriber) {
        BlockingQueue<Push> queue = delivered.get(subscriber.id());
        if (queue == null) {
            throw new IllegalArgumentException(subscriber + " was not made by this service");
        }
        return queue;
    }
}
