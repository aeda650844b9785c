package org.haven.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Role;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 100,000 mutated frames at a real server (with Netty's paranoid leak detector, and every frame the
 * server sends checked against the schema): each text frame is answered with exactly one reply or a
 * documented error, binary frames and bad UTF-8 with a documented close; the server stays up.
 */
class FuzzIT {

    static final int FRAMES = Integer.getInteger("haven.fuzz.frames", 100_000);
    static final long SEED = 20261127L;

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.requestsPerSecond(1_000_000)
            .requestBurst(1_000_000)
            .floodRefusals(1_000_000)
            .maxChatChars(8000)
            .checkInExemptOrgs(java.util.Set.of("demo")));

    private static final List<String> SEEDS = List.of(
            "{\"type\":\"ping\",\"id\":\"1\"}",
            "{\"type\":\"room.join\",\"id\":\"2\",\"room\":\"group-1\"}",
            "{\"type\":\"chat.send\",\"id\":\"3\",\"room\":\"group-1\",\"text\":\"hello\"}",
            "{\"type\":\"presence.set\",\"id\":\"4\",\"status\":\"busy\"}",
            "{\"type\":\"presence.query\",\"id\":\"5\",\"room\":\"group-1\"}",
            "{\"type\":\"checkin.submit\",\"id\":\"6\",\"room\":\"group-1\",\"address\":{\"street\":\"1 A St\",\"city\":\"B\",\"country\":\"US\"},\"callbackPhone\":\"+1 555 0100\",\"privateSetting\":true}",
            "{\"type\":\"alert.list\",\"id\":\"7\"}",
            "{\"type\":\"rtc.signal\",\"id\":\"8\",\"room\":\"group-1\",\"to\":\"u\",\"signal\":\"offer\",\"payload\":\"v=0\"}",
            "{\"type\":\"dm.ack\",\"id\":\"9\",\"messages\":[\"m-1\"]}",
            "{\"type\":\"hello\",\"id\":\"10\",\"token\":\"x.y.z\",\"versions\":[1]}",
            "{\"type\":\"care.plan.set\",\"id\":\"11\",\"plan\":{\"warningSigns\":[\"a\"]}}",
            "{\"type\":\"session.pause\",\"id\":\"12\",\"room\":\"group-1\"}");

    /** Odd but well-formed characters, each a whole code point (a lone surrogate cannot be sent as text). */
    private static final String[] ODD = {
        "\u0000",
        "\u202e",
        "\u200b",
        "\ud83d\ude00",
        "\u00ff",
        "\uffff",
        "\u0301",
        "\u2028",
        "\"",
        "\\",
        "/",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\ud800\udc00",
        "\u0649\u0627"
    };

    private static final String ODD_RUN = String.join("", ODD);

    private static String odd(Random r) {
        return ODD[r.nextInt(ODD.length)];
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 10, unit = TimeUnit.MINUTES)
    void survivesAHundredThousandMutatedFrames() throws Exception {
        long started = System.nanoTime();
        Random random = new Random(SEED);
        AtomicLong replies = new AtomicLong();
        AtomicLong frames = new AtomicLong();
        java.util.List<String> nonConforming = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Not through the test server's client: it validates every frame, which would dominate the run.
        // A sample of one frame in fifty is validated against the published schema here instead.
        HavenClient client = HavenClient.connect(
                        haven.uri(), ClientOptions.defaults().withFrameListener(text -> {
                            if (text.startsWith("{\"type\":\"ok\"") || text.startsWith("{\"type\":\"error\"")) {
                                replies.incrementAndGet();
                            }
                            if (frames.incrementAndGet() % 50 == 0) {
                                List<String> errors = org.haven.protocol.ProtocolSchema.instance()
                                        .validateServer(text);
                                if (!errors.isEmpty()) {
                                    nonConforming.add(text + " -> " + errors);
                                }
                            }
                        }))
                .get(10, TimeUnit.SECONDS);
        client.hello(haven.token("fuzzer", Role.CLIENT, "demo", "group-1")).get(10, TimeUnit.SECONDS);

        // Probe first, one frame at a time, so that a frame left unanswered is named.
        Random probe = new Random(SEED + 7);
        for (int i = 0; i < 300; i++) {
            String frame = mutate(probe);
            long before = replies.get();
            client.sendText(frame);
            try {
                await().atMost(Duration.ofSeconds(3)).until(() -> replies.get() > before);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                StringBuilder codes = new StringBuilder();
                frame.chars()
                        .limit(60)
                        .forEach(c -> codes.append(Integer.toHexString(c)).append(' '));
                throw new AssertionError(
                        "no reply to frame (closed: "
                                + (client.closeFuture().isDone()
                                        ? client.closeFuture().join()
                                        : "no") + "): " + codes,
                        e);
            }
        }
        final long base = replies.get();
        for (int sent = 0; sent < FRAMES; sent++) {
            client.sendText(mutate(random));
            if (sent % 500 == 499) {
                long expected = base + sent + 1;
                try {
                    await().atMost(Duration.ofSeconds(60)).until(() -> replies.get() >= expected);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(
                            "after " + (sent + 1) + " frames, " + (replies.get() - base)
                                    + " replies; closed: "
                                    + (client.closeFuture().isDone()
                                            ? client.closeFuture().join()
                                            : "no")
                                    + "; client: " + client.violations(),
                            e);
                }
                client.drainEvents();
            }
        }
        long expected = base + FRAMES;
        await().atMost(Duration.ofSeconds(30)).until(() -> replies.get() >= expected);
        assertThat(replies.get()).isEqualTo(expected);
        assertThat(client.violations()).isEmpty();
        assertThat(nonConforming).isEmpty();
        assertThat(client.closeFuture()).isNotDone();
        assertThat(client.request(ClientMessage.Ping::new).get(5, TimeUnit.SECONDS))
                .isNotNull();
        System.out.println("fuzz: " + FRAMES + " frames answered in " + Duration.ofNanos(System.nanoTime() - started));
        client.close();
    }

    @Test
    void binaryFramesAndBrokenUtf8AreClosedWithDocumentedCodes() throws Exception {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < 100; i++) {
            HavenClient client = haven.login("fuzzer", Role.CLIENT, "demo", "group-1");
            byte[] bytes = new byte[1 + random.nextInt(2000)];
            random.nextBytes(bytes);
            client.sendBinary(bytes);
            assertThat(client.closeFuture().get(5, TimeUnit.SECONDS).code())
                    .isEqualTo(CloseCode.UNSUPPORTED_DATA.code());
            client.close();
        }
        for (int i = 0; i < 50; i++) {
            HavenClient client = haven.login("fuzzer", Role.CLIENT, "demo", "group-1");
            byte[] bytes = new byte[2 + random.nextInt(100)];
            random.nextBytes(bytes);
            bytes[0] = (byte) 0xC3; // a lead byte followed by no continuation: never valid UTF-8
            bytes[1] = (byte) 0x28;
            client.sendTextBytes(bytes);
            assertThat(client.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(1007);
            client.close();
        }
        HavenClient client = haven.login("fuzzer", Role.CLIENT, "demo", "group-1");
        assertThat(client.request(ClientMessage.Ping::new).get(5, TimeUnit.SECONDS))
                .isNotNull();
    }

    static String mutate(Random r) {
        String seed = SEEDS.get(r.nextInt(SEEDS.size()));
        switch (r.nextInt(8)) {
            case 0: { // random printable and odd characters
                StringBuilder b = new StringBuilder();
                int n = 1 + r.nextInt(200);
                for (int i = 0; i < n; i++) {
                    b.append(r.nextBoolean() ? String.valueOf((char) (32 + r.nextInt(95))) : odd(r));
                }
                return b.toString();
            }
            case 1: { // deep nesting
                int depth = 1 + r.nextInt(400);
                return "{\"type\":\"ping\",\"id\":\"d\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
            }
            case 2: // huge numbers
                return "{\"type\":\"room.join\",\"id\":" + "9".repeat(1 + r.nextInt(5000)) + ",\"room\":1e99999}";
            case 3: // huge strings
                return "{\"type\":\"chat.send\",\"id\":\"h\",\"room\":\"group-1\",\"text\":\""
                        + "x".repeat(r.nextInt(60_000)) + "\"}";
            case 4: { // odd unicode in every string
                return seed.replace("\"1\"", "\"" + ODD_RUN + "\"")
                        .replace("group-1", ODD_RUN)
                        .replace("hello", ODD_RUN);
            }
            default: { // character-level mutations of a valid message (whole code points: text stays UTF-8)
                List<String> cps = new java.util.ArrayList<>();
                seed.codePoints().forEach(cp -> cps.add(new String(Character.toChars(cp))));
                int edits = 1 + r.nextInt(4);
                for (int i = 0; i < edits && !cps.isEmpty(); i++) {
                    int at = r.nextInt(cps.size());
                    switch (r.nextInt(3)) {
                        case 0 -> cps.remove(at);
                        case 1 -> cps.add(at, String.valueOf((char) (32 + r.nextInt(95))));
                        default -> cps.set(at, odd(r));
                    }
                }
                return String.join("", cps);
            }
        }
    }
}
