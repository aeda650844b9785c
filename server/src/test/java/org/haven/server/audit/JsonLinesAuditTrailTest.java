package org.haven.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.haven.server.audit.AuditVerifier.Verification;
import org.haven.server.testing.LogCapture;
import org.haven.server.testing.MutableClock;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The file trail: chained lines, tampering found by the verifier, continuation, durability edges. */
class JsonLinesAuditTrailTest {

    static final AuditKey KEY = AuditKey.parse("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");

    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);
    private final NodeThreads threads = new NodeThreads();

    @AfterEach
    void stopThreads() {
        threads.close();
    }

    private Path file() {
        return dir.resolve("audit.jsonl");
    }

    private static AuditEvent event(int i) {
        return new AuditEvent("o-1", "user-" + i, "alert.acknowledge", "alert:a-" + i, "ok", Map.of("org", "o-1"));
    }

    /** Writes events {@code from..to} through a fresh trail, a second apart, and closes it. */
    private void write(int from, int to) throws Exception {
        try (JsonLinesAuditTrail trail = new JsonLinesAuditTrail(file(), KEY, clock, threads)) {
            for (int i = from; i <= to; i++) {
                trail.record(event(i));
                clock.advance(Duration.ofSeconds(1));
            }
            trail.flush().get(5, TimeUnit.SECONDS);
            assertThat(trail.recordsWritten()).isEqualTo(to - from + 1);
            assertThat(trail.failures()).isZero();
        }
    }

    private List<AuditRecord> records() throws IOException {
        List<AuditRecord> records = new ArrayList<>();
        for (String line : Files.readAllLines(file())) {
            records.add(AuditRecord.parseLine(line));
        }
        return records;
    }

    private void rewriteLine(int lineNumber, String newLine) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file()));
        if (newLine == null) {
            lines.remove(lineNumber - 1);
        } else {
            lines.set(lineNumber - 1, newLine);
        }
        Files.write(file(), lines);
    }

    @Test
    void recordsAreChainedAndVerifyIntact() throws Exception {
        write(1, 5);

        List<AuditRecord> records = records();
        assertThat(records).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(records)
                .extracting(AuditRecord::actor)
                .containsExactly("user-1", "user-2", "user-3", "user-4", "user-5");
        assertThat(records.get(0).at()).isEqualTo(START);
        assertThat(records.get(4).at()).isEqualTo(START.plusSeconds(4));
        assertThat(records.get(0).prev()).isEqualTo(AuditRecord.GENESIS).hasSize(64);
        for (int i = 0; i < 5; i++) {
            AuditRecord record = records.get(i);
            assertThat(record.hash()).matches("[0-9a-f]{64}").isEqualTo(record.expectedHash(KEY));
            if (i > 0) {
                assertThat(record.prev()).isEqualTo(records.get(i - 1).hash());
            }
        }
        assertThat(AuditVerifier.verify(file(), KEY)).isEqualTo(new Verification(true, 5, -1, -1, null));
    }

    @Test
    void theStoredLineIsTheDocumentedCanonicalFormWithAPinnedHash() throws Exception {
        MutableClock fixed = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (JsonLinesAuditTrail trail = new JsonLinesAuditTrail(file(), KEY, fixed, threads)) {
            trail.record(new AuditEvent(
                    "o-1", "u-1", "alert.acknowledge", "alert:a-1", "ok", Map.of("b", "say \"hi\"", "a", "café")));
            trail.flush().get(5, TimeUnit.SECONDS);
        }
        // The hash was computed outside Java (openssl dgst -sha256 -hmac <key text>) over the line
        // without its hash field: a change to the canonical form (a library upgrade escaping
        // differently) would break every existing trail.
        String hash = "103c322ced4fc64509aabf079a0812c090207b4a2db6c6983514386c936531e7";
        assertThat(Files.readString(file()))
                .isEqualTo("{\"seq\":1,\"at\":\"2025-01-01T00:00:00Z\",\"org\":\"o-1\",\"actor\":\"u-1\","
                        + "\"action\":\"alert.acknowledge\",\"subject\":\"alert:a-1\",\"outcome\":\"ok\","
                        + "\"details\":{\"a\":\"caf\\u00E9\",\"b\":\"say \\\"hi\\\"\"},\"prev\":\"" + "0".repeat(64)
                        + "\","
                        + "\"hash\":\"" + hash + "\"}\n");
    }

    @Test
    void aTamperedFieldIsTheFirstBrokenRecord() throws Exception {
        write(1, 5);
        String line = Files.readAllLines(file()).get(2);
        String tampered = line.replace("\"actor\":\"user-3\"", "\"actor\":\"user-9\"");
        assertThat(tampered).isNotEqualTo(line);
        rewriteLine(3, tampered);

        Verification result = AuditVerifier.verify(file(), KEY);

        assertThat(result.intact()).isFalse();
        assertThat(result.firstBrokenSeq()).isEqualTo(3);
        assertThat(result.firstBrokenLine()).isEqualTo(3);
        assertThat(result.recordsChecked()).isEqualTo(2);
        assertThat(result.problem()).contains("hash");
    }

    @Test
    void aRecordResealedWithAFreshHashBreaksTheNextLink() throws Exception {
        write(1, 5);
        AuditRecord third = records().get(2);
        AuditRecord forged = AuditRecord.of(
                3,
                third.at(),
                new AuditEvent("o-1", "user-9", third.action(), third.subject(), third.outcome(), third.details()),
                third.prev(),
                KEY);
        rewriteLine(3, forged.toJsonLine());

        Verification result = AuditVerifier.verify(file(), KEY);

        assertThat(result.firstBrokenSeq()).isEqualTo(4);
        assertThat(result.firstBrokenLine()).isEqualTo(4);
        assertThat(result.recordsChecked()).isEqualTo(3);
        assertThat(result.problem()).contains("prev");
    }

    @Test
    void aTrailRewrittenWithoutTheKeyIsBroken() throws Exception {
        // What an attacker who can edit the file but lacks the key can do at best: change a record and
        // seal the whole chain again, with a plain hash or with a key of their own.
        write(1, 5);
        for (AuditKey forger : List.of(AuditKey.random(), AuditKey.parse(AuditKey.newKeyText()))) {
            List<AuditRecord> records = records();
            List<String> lines = new ArrayList<>();
            String prev = AuditRecord.GENESIS;
            for (AuditRecord r : records) {
                String actor = r.seq() == 3 ? "user-9" : r.actor();
                AuditRecord resealed = AuditRecord.of(
                        r.seq(),
                        r.at(),
                        new AuditEvent(r.org(), actor, r.action(), r.subject(), r.outcome(), r.details()),
                        prev,
                        forger);
                lines.add(resealed.toJsonLine());
                prev = resealed.hash();
            }
            Files.write(file(), lines);

            Verification result = AuditVerifier.verify(file(), KEY);

            assertThat(result.intact()).isFalse();
            assertThat(result.firstBrokenSeq()).isEqualTo(1);
            assertThat(result.problem()).contains("another key");
            assertThat(AuditVerifier.verify(file(), forger).intact())
                    .isTrue(); // it was a whole chain, under the wrong key
        }
    }

    @Test
    void aTrailSealedWithAnotherKeyIsNotContinued() throws Exception {
        write(1, 2);

        assertThatThrownBy(() -> new JsonLinesAuditTrail(file(), AuditKey.random(), clock, threads))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HAVEN_AUDIT_KEY");
    }

    @Test
    void aDeletedMiddleLineIsDetected() throws Exception {
        write(1, 5);
        rewriteLine(3, null);

        Verification result = AuditVerifier.verify(file(), KEY);

        assertThat(result.intact()).isFalse();
        assertThat(result.firstBrokenLine()).isEqualTo(3);
        assertThat(result.firstBrokenSeq()).isEqualTo(4);
        assertThat(result.recordsChecked()).isEqualTo(2);
        assertThat(result.problem()).isEqualTo("seq 4 where 3 was expected");
    }

    @Test
    void anUnreadableLineIsReportedByLine() throws Exception {
        write(1, 3);
        rewriteLine(2, "{\"seq\":2,");

        Verification result = AuditVerifier.verify(file(), KEY);

        assertThat(result).isEqualTo(new Verification(false, 1, 2, 2, "unreadable record: not valid JSON"));
    }

    @Test
    void aLineThatIsNotExactlyTheCanonicalFormIsUnreadable() throws Exception {
        write(1, 3);
        String second = Files.readAllLines(file()).get(1);
        List<String> variants = List.of(
                second.replace(",\"actor\"", ", \"actor\""), // whitespace
                second.replace("\"actor\":\"user-2\"", "\"actor\":\"user-2\",\"actor\":\"user-2\""), // duplicate key
                second.replace("\"outcome\":\"ok\",", ""), // missing field
                second.replace("user-2", "us\\u0065r-2")); // same text, escaped differently
        for (String variant : variants) {
            assertThat(variant).isNotEqualTo(second);
            rewriteLine(2, variant);
            Verification result = AuditVerifier.verify(file(), KEY);
            assertThat(result.firstBrokenLine()).as(variant).isEqualTo(2);
            assertThat(result.problem()).as(variant).startsWith("unreadable record: ");
        }
    }

    @Test
    void bytesThatAreNotUtf8AreReportedOnTheirOwnLine() throws Exception {
        write(1, 3);
        byte[] bytes = Files.readAllBytes(file());
        int actor = new String(bytes, StandardCharsets.US_ASCII).indexOf("user-2");
        bytes[actor] = (byte) 0xC3; // the start of a two-byte sequence, followed by ASCII
        Files.write(file(), bytes);

        Verification result = AuditVerifier.verify(file(), KEY);

        assertThat(result).isEqualTo(new Verification(false, 1, 2, 2, "unreadable record: not in canonical form"));
    }

    @Test
    void aLastLineWithoutItsLineBreakIsBroken() throws Exception {
        write(1, 2);
        String content = Files.readString(file());
        Files.writeString(file(), content.substring(0, content.length() - 1));

        assertThat(AuditVerifier.verify(file(), KEY))
                .isEqualTo(new Verification(false, 1, 2, 2, "last line has no line break"));
    }

    @Test
    void aReopenedTrailContinuesSeqAndChain() throws Exception {
        write(1, 3);
        String thirdHash = records().get(2).hash();
        clock.advance(Duration.ofHours(1));
        write(4, 5);

        List<AuditRecord> records = records();
        assertThat(records).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(records.get(3).prev()).isEqualTo(thirdHash);
        assertThat(records.get(3).at()).isEqualTo(START.plusSeconds(3).plus(Duration.ofHours(1)));
        assertThat(AuditVerifier.verify(file(), KEY)).isEqualTo(new Verification(true, 5, -1, -1, null));
    }

    @Test
    void aCorruptLastLineRefusesToStart() throws Exception {
        write(1, 2);
        Files.writeString(file(), "{\"seq\":3,\"at\"", java.nio.file.StandardOpenOption.APPEND); // a torn write
        byte[] before = Files.readAllBytes(file());

        assertThatThrownBy(() -> new JsonLinesAuditTrail(file(), KEY, clock, threads))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file().toString())
                .hasMessageContaining("incomplete");
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void aLastRecordWithoutItsOwnHashRefusesToStart() throws Exception {
        write(1, 2);
        rewriteLine(2, Files.readAllLines(file()).get(1).replace("user-2", "user-9"));

        assertThatThrownBy(() -> new JsonLinesAuditTrail(file(), KEY, clock, threads))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file().toString())
                .hasMessageContaining("hash");
    }

    @Test
    void oddUnicodeAndQuotesRoundTrip() throws Exception {
        Map<String, String> details = Map.of(
                "quotes", "\"'\\\"\\",
                "emoji", "\uD83D\uDE00 \uD83C\uDDEB\uD83C\uDDF7",
                "controls", "a\nb\rc\td\u0000e\u001F",
                "separators", "\u2028\u2029\u0085",
                "bidi", "\u202Eevil\u202C",
                "combining", "e\u0301",
                "lone", "\uD800x\uDFFF",
                "clé", "日本語");
        AuditEvent odd = new AuditEvent("o-1", "us\"er", "a\\b", "client:demo/ålice", "refused:\u00FF", details);
        try (JsonLinesAuditTrail trail = new JsonLinesAuditTrail(file(), KEY, clock, threads)) {
            trail.record(odd);
            trail.record(event(2));
            trail.flush().get(5, TimeUnit.SECONDS);
        }

        String stored = Files.readString(file(), StandardCharsets.US_ASCII);
        assertThat(stored.chars().filter(c -> c == '\n')).hasSize(2); // no raw line break inside a record
        assertThat(stored.replace("\n", "")).matches("[\\x20-\\x7E]*"); // printable ASCII only
        List<AuditRecord> records = records();
        assertThat(records).hasSize(2);
        AuditRecord first = records.get(0);
        assertThat(first.details()).isEqualTo(details);
        assertThat(List.of(first.actor(), first.action(), first.subject(), first.outcome()))
                .containsExactly(odd.actor(), odd.action(), odd.subject(), odd.outcome());
        assertThat(AuditVerifier.verify(file(), KEY).intact()).isTrue();
        write(3, 3); // and the trail continues after it
        assertThat(AuditVerifier.verify(file(), KEY).recordsChecked()).isEqualTo(3);
    }

    @Test
    void flushCompletesAfterEverythingRecordedIsWritten() throws Exception {
        try (JsonLinesAuditTrail trail = new JsonLinesAuditTrail(file(), KEY, clock, threads)) {
            for (int i = 1; i <= 500; i++) {
                trail.record(event(i));
            }
            trail.flush().get(5, TimeUnit.SECONDS);

            assertThat(Files.readAllLines(file())).hasSize(500);
            assertThat(trail.recordsWritten()).isEqualTo(500);
        }
    }

    @Test
    void concurrentCallersGetOneUnbrokenChain() throws Exception {
        try (JsonLinesAuditTrail trail = new JsonLinesAuditTrail(file(), KEY, clock, threads)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 250; i++) {
                        trail.record(event(i));
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            trail.flush().get(5, TimeUnit.SECONDS);
        }
        assertThat(AuditVerifier.verify(file(), KEY)).isEqualTo(new Verification(true, 2_000, -1, -1, null));
    }

    @Test
    void aSecondWriterOfTheSameFileIsRefused() throws Exception {
        try (JsonLinesAuditTrail trail = new JsonLinesAuditTrail(file(), KEY, clock, threads)) {
            assertThatThrownBy(() -> new JsonLinesAuditTrail(file(), KEY, clock, threads))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already open");
        }
        write(1, 1); // free again once closed
        assertThat(records()).hasSize(1);
    }

    @Test
    void eventsAfterCloseAreRefusedAndCounted() throws Exception {
        JsonLinesAuditTrail trail = new JsonLinesAuditTrail(file(), KEY, clock, threads);
        trail.record(event(1));
        trail.close();
        trail.record(event(2));

        assertThat(trail.recordsWritten()).isEqualTo(1);
        assertThat(trail.failures()).isEqualTo(1);
        assertThat(trail.flush()).isCompletedExceptionally();
        assertThat(records()).extracting(AuditRecord::actor).containsExactly("user-1");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aDiskThatRefusesIsCountedAndLoggedWithoutContent() throws Exception {
        Path full = Path.of("/dev/full"); // every write fails with "no space left"
        assumeTrue(Files.isWritable(full));
        try (JsonLinesAuditTrail trail = new JsonLinesAuditTrail(full, KEY, clock, threads)) {
            trail.record(new AuditEvent("o-1", "user-planted-7f3a", "alert.acknowledge", "alert:planted-7f3a", "ok"));

            assertThatThrownBy(() -> trail.flush().get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IOException.class);
            assertThat(trail.failures()).isEqualTo(1);
            assertThat(trail.recordsWritten()).isZero();
            assertThat(trail.flush().get(5, TimeUnit.SECONDS)).isNull(); // nothing lost since that flush
        }
        List<String> logs = LogCapture.lines();
        assertThat(logs).anyMatch(l -> l.contains("audit write failed") && l.contains("lost=1"));
        assertThat(logs).noneMatch(l -> l.contains("planted-7f3a"));
    }
}
