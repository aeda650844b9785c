package org.haven.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.haven.server.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** The in-memory trail chains exactly as the file trail does. */
class InMemoryAuditTrailTest {

    static final AuditKey KEY = AuditKey.parse("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");

    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final InMemoryAuditTrail trail = new InMemoryAuditTrail(clock, KEY);

    @Test
    void recordsAreLinkedByHash() {
        trail.record(new AuditEvent("o-1", "user-1", "alert.acknowledge", "alert:a-1", "ok"));
        clock.advance(Duration.ofSeconds(2));
        trail.record(new AuditEvent("o-1", "user-2", "alert.acknowledge", "alert:a-1", "refused:forbidden"));
        trail.record(new AuditEvent("o-1", AuditEvent.SYSTEM, "alert.expire", "alert:a-1", "ok", Map.of("k", "v")));

        List<AuditRecord> records = trail.records();

        assertThat(records).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L);
        assertThat(records)
                .extracting(AuditRecord::at)
                .containsExactly(START, START.plusSeconds(2), START.plusSeconds(2));
        assertThat(records).extracting(AuditRecord::outcome).containsExactly("ok", "refused:forbidden", "ok");
        assertThat(records.get(0).prev()).isEqualTo("0".repeat(64));
        assertThat(records.get(1).prev()).isEqualTo(records.get(0).hash());
        assertThat(records.get(2).prev()).isEqualTo(records.get(1).hash());
        assertThat(records)
                .allSatisfy(r -> assertThat(r.hash()).matches("[0-9a-f]{64}").isEqualTo(r.expectedHash(KEY)));
        assertThat(records).extracting(AuditRecord::hash).doesNotHaveDuplicates();
    }

    @Test
    void theHashCoversEveryField() {
        AuditRecord base = AuditRecord.of(
                7, START, new AuditEvent("o-1", "a", "b", "c", "d", Map.of("k", "v")), "1".repeat(64), KEY);
        List<AuditRecord> variants = List.of(
                AuditRecord.of(
                        8, START, new AuditEvent("o-1", "a", "b", "c", "d", Map.of("k", "v")), "1".repeat(64), KEY),
                AuditRecord.of(
                        7,
                        START.plusNanos(1),
                        new AuditEvent("o-1", "a", "b", "c", "d", Map.of("k", "v")),
                        "1".repeat(64),
                        KEY),
                AuditRecord.of(
                        7, START, new AuditEvent("o-2", "a", "b", "c", "d", Map.of("k", "v")), "1".repeat(64), KEY),
                AuditRecord.of(
                        7, START, new AuditEvent("o-1", "x", "b", "c", "d", Map.of("k", "v")), "1".repeat(64), KEY),
                AuditRecord.of(
                        7, START, new AuditEvent("o-1", "a", "x", "c", "d", Map.of("k", "v")), "1".repeat(64), KEY),
                AuditRecord.of(
                        7, START, new AuditEvent("o-1", "a", "b", "x", "d", Map.of("k", "v")), "1".repeat(64), KEY),
                AuditRecord.of(
                        7, START, new AuditEvent("o-1", "a", "b", "c", "x", Map.of("k", "v")), "1".repeat(64), KEY),
                AuditRecord.of(
                        7, START, new AuditEvent("o-1", "a", "b", "c", "d", Map.of("k", "x")), "1".repeat(64), KEY),
                AuditRecord.of(
                        7, START, new AuditEvent("o-1", "a", "b", "c", "d", Map.of("x", "v")), "1".repeat(64), KEY),
                AuditRecord.of(
                        7, START, new AuditEvent("o-1", "a", "b", "c", "d", Map.of("k", "v")), "2".repeat(64), KEY));
        assertThat(AuditRecord.of(
                                7,
                                START,
                                new AuditEvent("o-1", "a", "b", "c", "d", Map.of("k", "v")),
                                "1".repeat(64),
                                AuditKey.random())
                        .hash())
                .as("another key")
                .isNotEqualTo(base.hash());
        assertThat(variants)
                .extracting(AuditRecord::hash)
                .doesNotContain(base.hash())
                .doesNotHaveDuplicates();
    }

    @Test
    void detailsAreCopiedAndSorted() {
        Map<String, String> details = new HashMap<>(Map.of("zeta", "1", "alpha", "2", "mid", "3"));
        trail.record(new AuditEvent("o-1", "user-1", "room.join", "room:r-1", "ok", details));
        details.put("late", "4");

        AuditRecord record = trail.records().get(0);

        assertThat(record.details().keySet()).containsExactly("alpha", "mid", "zeta");
        assertThatThrownBy(() -> record.details().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void concurrentCallersGetOneUnbrokenChain() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    trail.record(new AuditEvent("o-1", "user-1", "chat.send", "room:r-1", "ok"));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        List<AuditRecord> records = trail.records();
        assertThat(records).hasSize(4_000);
        for (int i = 0; i < records.size(); i++) {
            assertThat(records.get(i).seq()).isEqualTo(i + 1);
            assertThat(records.get(i).prev())
                    .isEqualTo(i == 0 ? AuditRecord.GENESIS : records.get(i - 1).hash());
        }
    }

    @Test
    void nothingIsKeptAfterClose() {
        trail.record(new AuditEvent("o-1", "user-1", "a", "s", "ok"));
        assertThat(trail.flush()).isCompleted();
        trail.close();
        trail.record(new AuditEvent("o-1", "user-2", "a", "s", "ok"));

        assertThat(trail.records()).extracting(AuditRecord::actor).containsExactly("user-1");
        assertThat(trail.flush()).isCompletedExceptionally();
    }

    @Test
    void nullsAreRefusedByName() {
        assertThatThrownBy(() -> new AuditEvent(null, "u", "a", "s", "ok")).hasMessage("org");
        assertThatThrownBy(() -> new AuditEvent("o-1", null, "a", "s", "ok")).hasMessage("actor");
        assertThatThrownBy(() -> new AuditEvent("o-1", "u", "a", "s", "ok", null))
                .hasMessage("details");
        assertThatThrownBy(() -> trail.record(null)).hasMessage("event");
    }
}
