package org.haven.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.server.audit.AuditKey;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.AuditVerifier;
import org.haven.server.auth.Scope;
import org.haven.server.testing.ApiClient;
import org.haven.server.testing.ApiClient.Answer;
import org.haven.server.testing.MutableClock;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/audit} over real HTTP on a node with the default embedded database (SQLite in a
 * data directory of its own for each test), every exchange checked against docs/openapi.json: what
 * the calls did is in the export, as stored, and verifies as a chain with the node's key; the range
 * is half-open and pages follow the cursor; another organisation's records never appear; what is
 * not allowed is refused, and the export itself is audited.
 */
class AuditExportIT {

    private static final String PLAN = "{\"plan\":{\"warningSigns\":[\"not sleeping\"],\"copingStrategies\":[],"
            + "\"distractions\":[],\"peopleToAsk\":[],\"professionals\":[],\"safeEnvironment\":[]}}";

    @TempDir
    static Path nodes;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final Instant t0 = clock.instant();

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.dataDirectory(nodes.resolve("node-" + UUID.randomUUID())), clock);

    private final ApiClient api = haven.api();

    private String auditor(String org) {
        return haven.serviceToken("archive", org, Scope.AUDIT_READ);
    }

    /** Two records per call: the API's ({@code api.care.plan.set}) and the care record's ({@code care.plan.set}). */
    private void setPlan(String org, String client) {
        String ehr = haven.serviceToken("ehr-sync", org, Scope.CARE_WRITE);
        assertThat(api.put("/api/v1/clients/" + client + "/care/plan", ehr, PLAN)
                        .status())
                .isEqualTo(200);
    }

    private void written() throws Exception {
        haven.server().audit().flush().get(10, TimeUnit.SECONDS);
    }

    private Answer export(String token, Instant from, Instant to, String more) {
        return api.get("/api/v1/audit?from=" + from + "&to=" + to + more, token);
    }

    private static List<AuditRecord> records(Answer answer) {
        return answer.body().lines().map(AuditRecord::parseLine).toList();
    }

    @Test
    void whatTheCallsDidIsExportedAsStoredAndVerifiesWithTheNodesKey() throws Exception {
        setPlan("demo", "alice");
        setPlan("demo", "bo");
        written();
        clock.advance(Duration.ofMinutes(1));

        Answer answer = export(auditor("demo"), t0, t0.plus(Duration.ofMinutes(1)), "");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).isEqualTo("application/x-ndjson");
        assertThat(answer.header("Haven-Next-After")).isNull();
        assertThat(answer.body()).endsWith("\n");
        List<AuditRecord> records = records(answer);
        assertThat(records)
                .extracting(r -> r.seq() + " " + r.actor() + " " + r.action() + " " + r.subject())
                .containsExactly(
                        "1 service:ehr-sync care.plan.set client:demo/alice",
                        "2 service:ehr-sync api.care.plan.set client:demo/alice",
                        "3 service:ehr-sync care.plan.set client:demo/bo",
                        "4 service:ehr-sync api.care.plan.set client:demo/bo");
        assertThat(records.get(0).prev()).isEqualTo(AuditRecord.GENESIS);
        // Each line exactly as the trail sealed it, the chain whole under the node's key.
        assertThat(answer.body().lines())
                .allSatisfy(
                        l -> assertThat(AuditRecord.parseLine(l).toJsonLine()).isEqualTo(l));
        Path file = Files.writeString(nodes.resolve("export-" + UUID.randomUUID() + ".jsonl"), answer.body(), UTF_8);
        AuditKey key = AuditKey.inDirectory(haven.server().config().storage().dataDirectory());
        assertThat(AuditVerifier.verifyExport(file, key, AuditRecord.GENESIS))
                .isEqualTo(new AuditVerifier.Verification(true, 4, -1, -1, null));

        // The export is itself audited, with its range and how many records it gave.
        written();
        AuditRecord audited = records(export(auditor("demo"), t0, t0.plus(Duration.ofHours(1)), "")).stream()
                .filter(r -> r.action().equals("api.audit.export"))
                .findFirst()
                .orElseThrow();
        assertThat(audited.actor()).isEqualTo("service:archive");
        assertThat(audited.subject()).isEqualTo("org:demo");
        assertThat(audited.outcome()).isEqualTo("ok");
        assertThat(audited.details())
                .containsEntry("from", t0.toString())
                .containsEntry("to", t0.plus(Duration.ofMinutes(1)).toString())
                .containsEntry("after", "0")
                .containsEntry("records", "4");
    }

    @Test
    void theRangeIsHalfOpenAndPagesFollowTheCursorToTheSameChain() throws Exception {
        setPlan("demo", "alice"); // seq 1-2 at t0
        clock.advance(Duration.ofMinutes(10));
        setPlan("demo", "bo"); // 3-4 at t0 + 10 min
        setPlan("demo", "carol"); // 5-6
        clock.advance(Duration.ofMinutes(10));
        setPlan("demo", "dan"); // 7-8 at t0 + 20 min
        written();
        clock.advance(Duration.ofMinutes(10)); // the exports' own records come after
        String auditor = auditor("demo");
        Instant ten = t0.plus(Duration.ofMinutes(10));
        Instant twenty = t0.plus(Duration.ofMinutes(20));

        assertThat(records(export(auditor, t0, ten, "")))
                .extracting(AuditRecord::seq)
                .containsExactly(1L, 2L);
        assertThat(records(export(auditor, ten, twenty, "")))
                .extracting(AuditRecord::seq)
                .containsExactly(3L, 4L, 5L, 6L);
        assertThat(export(auditor, twenty.plusSeconds(1), twenty.plusSeconds(60), "")
                        .body())
                .isEmpty();

        // Two records a page: the cursor in Haven-Next-After and in Link, until the last page; it
        // carries the run the first page found (seq 1 to 8) with the last seq read.
        Instant end = twenty.plusSeconds(1);
        Answer first = export(auditor, t0, end, "&limit=2");
        assertThat(first.header("Haven-Next-After")).isEqualTo("2-1-8");
        assertThat(first.header("Link"))
                .isEqualTo("</api/v1/audit?from=" + t0 + "&to=" + end + "&after=2-1-8&limit=2>; rel=\"next\"");
        StringBuilder whole = new StringBuilder(first.body());
        List<String> cursors = new ArrayList<>();
        String link = first.header("Link");
        while (link != null) {
            Answer next = api.get(link.substring(1, link.indexOf('>')), auditor);
            cursors.add(next.header("Haven-Next-After"));
            whole.append(next.body());
            link = next.header("Link");
        }
        assertThat(cursors).containsExactly("4-1-8", "6-1-8", null);
        assertThat(whole.toString()).isEqualTo(export(auditor, t0, end, "").body());
        assertThat(records(export(auditor, t0, end, "&after=6")))
                .extracting(AuditRecord::seq)
                .containsExactly(7L, 8L);

        // A middle range is a chain from the hash of the record before it.
        Answer middle = export(auditor, ten, twenty, "");
        Path file = Files.writeString(nodes.resolve("export-" + UUID.randomUUID() + ".jsonl"), middle.body(), UTF_8);
        AuditKey key = AuditKey.inDirectory(haven.server().config().storage().dataDirectory());
        String before = records(export(auditor, t0, ten, "")).get(1).hash();
        assertThat(AuditVerifier.verifyExport(file, key, before).intact()).isTrue();
    }

    @Test
    void anotherOrganisationsRecordsNeverAppear() throws Exception {
        setPlan("demo", "alice");
        setPlan("other", "alice");
        setPlan("other", "zoe");
        written();
        clock.advance(Duration.ofMinutes(1));
        Instant end = t0.plus(Duration.ofMinutes(1));

        List<AuditRecord> demo = records(export(auditor("demo"), t0, end, ""));
        assertThat(demo).extracting(AuditRecord::org).containsOnly("demo");
        assertThat(demo).hasSize(2);
        List<AuditRecord> other = records(export(auditor("other"), t0, end, ""));
        assertThat(other).extracting(AuditRecord::org).containsOnly("other");
        assertThat(other).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(other).extracting(AuditRecord::subject).doesNotContain("client:demo/alice");
    }

    @Test
    void whatIsNotAllowedIsRefused() throws Exception {
        Instant end = t0.plus(Duration.ofDays(1));
        Answer noScope = export(haven.serviceToken("ehr-sync", "demo", Scope.CARE_READ), t0, end, "");
        assertThat(noScope.status()).isEqualTo(403);
        assertThat(noScope.code()).isEqualTo("forbidden");
        assertThat(export(null, t0, end, "").status()).isEqualTo(401);

        String auditor = auditor("demo");
        List<String> bad = List.of(
                "/api/v1/audit?to=" + end,
                "/api/v1/audit?from=" + t0,
                "/api/v1/audit?from=yesterday&to=" + end,
                "/api/v1/audit?from=" + end + "&to=" + t0,
                "/api/v1/audit?from=" + t0 + "&to=" + t0,
                "/api/v1/audit?from=" + t0 + "&to="
                        + t0.plus(Duration.ofDays(31)).plusSeconds(1),
                "/api/v1/audit?from=" + t0 + "&to=" + end + "&limit=0",
                "/api/v1/audit?from=" + t0 + "&to=" + end + "&limit=5001",
                "/api/v1/audit?from=" + t0 + "&to=" + end + "&after=-1",
                "/api/v1/audit?from=" + t0 + "&to=" + end + "&after=seven",
                "/api/v1/audit?from=" + t0 + "&to=" + end + "&after=2-9-8",
                "/api/v1/audit?from=" + t0 + "&to=" + end + "&org=other");
        for (String path : bad) {
            Answer refused = api.get(path, auditor);
            assertThat(refused.status()).as(path).isEqualTo(400);
            assertThat(refused.code()).as(path).isEqualTo("invalid_message");
        }
        assertThat(export(auditor, t0, t0.plus(Duration.ofDays(31)), "").status())
                .isEqualTo(200);

        String admin = haven.serviceToken("admin-sync", "demo", Scope.USERS_WRITE);
        assertThat(api.post("/api/v1/users/revoke", admin, "{\"tokenId\":\"" + ServiceApiIT.tokenId(auditor) + "\"}")
                        .status())
                .isEqualTo(200);
        Answer revoked = export(auditor, t0, end, "");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.code()).isEqualTo("unauthorized");

        written();
        List<AuditRecord> audited = records(export(auditor("demo"), t0, end, ""));
        assertThat(audited)
                .filteredOn(r -> r.action().equals("api.audit.export"))
                .extracting(r -> r.actor() + " " + r.outcome())
                .startsWith("service:ehr-sync refused:forbidden")
                .contains("service:archive refused:invalid_message", "service:archive ok")
                .hasSize(1 + bad.size() + 1);
    }
}
