package org.haven.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditKey;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.JsonLinesAuditTrail;
import org.haven.server.sql.SqlAuditTrail;
import org.haven.server.sql.SqlDatabase;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit-verify}: a written trail (a file, or the chains in the database) is intact; a changed
 * or missing record is named; no file, no database or no key is an error.
 */
class MainAuditTest {

    static final AuditKey KEY = AuditKey.parse("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");

    /** What a production host may have: no token secret, issuer or audience, so the server config is invalid. */
    private static final Map<String, String> PRODUCTION_WITHOUT_SECRET = Map.of("HAVEN_MODE", "production");

    @TempDir
    Path dir;

    private Path file;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writeTrail() throws Exception {
        Files.writeString(dir.resolve(AuditKey.FILE), "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n");
        file = dir.resolve("audit.jsonl");
        NodeThreads threads = new NodeThreads();
        JsonLinesAuditTrail trail = new JsonLinesAuditTrail(file, KEY, Clock.systemUTC(), threads);
        try {
            trail.record(new AuditEvent("o-1", "dr-bo", "alert.acknowledge", "alert:a-1", "ok"));
            trail.record(new AuditEvent("o-1", "dr-kim", "alert.engage", "alert:a-1", "ok", Map.of("version", "3")));
            trail.record(new AuditEvent(
                    "o-1", AuditEvent.SYSTEM, "alert.escalate", "alert:a-2", "ok", Map.of("tier", "on_call")));
            trail.record(new AuditEvent("o-1", "alice", "alert.raise", "alert:a-3", "ok"));
            trail.flush().get(10, TimeUnit.SECONDS);
        } finally {
            trail.close();
            threads.close();
        }
        assertThat(Files.readAllLines(file, UTF_8)).hasSize(4);
    }

    private int verify(Map<String, String> env, String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "audit-verify";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.run(all, env, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    }

    private String out() {
        return out.toString(UTF_8);
    }

    private String err() {
        return err.toString(UTF_8);
    }

    @Test
    void anUntouchedTrailIsIntact() throws Exception {
        assertThat(verify(Map.of(), file.toString())).isZero();
        assertThat(out().strip()).isEqualTo("intact: 4 records");
        assertThat(err()).isEmpty();
    }

    @Test
    void worksWhereTheServerConfigurationIsInvalid() throws Exception {
        // The same environment stops 'serve' before it starts...
        assertThat(Main.run(
                        new String[] {"serve"},
                        PRODUCTION_WITHOUT_SECRET,
                        new PrintStream(new ByteArrayOutputStream(), true, UTF_8),
                        new PrintStream(new ByteArrayOutputStream(), true, UTF_8)))
                .isEqualTo(2);
        // ...but verifying needs no secret.
        assertThat(verify(PRODUCTION_WITHOUT_SECRET, file.toString())).isZero();
        assertThat(out().strip()).isEqualTo("intact: 4 records");
    }

    @Test
    void aChangedFieldIsFoundAtItsRecord() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, UTF_8));
        String original = lines.get(1);
        assertThat(original).contains("\"actor\":\"dr-kim\"");
        lines.set(1, original.replace("\"actor\":\"dr-kim\"", "\"actor\":\"dr-bob\""));
        Files.write(file, lines, UTF_8);

        assertThat(verify(PRODUCTION_WITHOUT_SECRET, file.toString())).isEqualTo(1);
        assertThat(out().strip())
                .isEqualTo("broken at record 2 (line 2): hash does not match the record's contents"
                        + " (or the trail was sealed with another key)");
        assertThat(out()).doesNotContain("dr-bob").doesNotContain("dr-kim"); // never quotes the file
    }

    @Test
    void aRemovedRecordBreaksTheChainWhereItWas() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, UTF_8));
        lines.remove(1);
        Files.write(file, lines, UTF_8);

        assertThat(verify(Map.of(), file.toString())).isEqualTo(1);
        assertThat(out().strip()).isEqualTo("broken at record 3 (line 2): seq 3 where 2 was expected");
    }

    @Test
    void swappedRecordsAreFound() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, UTF_8));
        lines.set(2, lines.set(3, lines.get(2)));
        Files.write(file, lines, UTF_8);

        assertThat(verify(Map.of(), file.toString())).isEqualTo(1);
        assertThat(out().strip()).isEqualTo("broken at record 4 (line 3): seq 4 where 3 was expected");
    }

    @Test
    void aMissingFileIsAnErrorNotAVerdict() throws Exception {
        Path missing = dir.resolve("no-such-audit.jsonl");
        assertThat(verify(Map.of(), missing.toString())).isEqualTo(2);
        assertThat(err()).contains("cannot read").contains(missing.toString()).contains("no such file");
        assertThat(out()).doesNotContain("intact").doesNotContain("broken");
    }

    @Test
    void aDirectoryIsAnError() throws Exception {
        assertThat(verify(Map.of(), dir.toString())).isEqualTo(2);
        assertThat(err()).contains("is a directory");
        assertThat(out()).isEmpty();
    }

    @Test
    void anUnexpectedArgumentExplainsUsage() throws Exception {
        assertThat(verify(Map.of(), file.toString(), "extra")).isEqualTo(2);
        assertThat(err()).contains("unexpected argument 'extra'").contains("audit-verify [<file>]");
        assertThat(out()).isEmpty();
    }

    @Test
    void withoutTheKeyItIsAnErrorNotAVerdict() throws Exception {
        Files.delete(dir.resolve(AuditKey.FILE));
        Map<String, String> elsewhere =
                Map.of("HAVEN_DATA_DIR", dir.resolve("none").toString());

        assertThat(verify(elsewhere, file.toString())).isEqualTo(2);
        assertThat(err()).contains("no audit key").contains("HAVEN_AUDIT_KEY");
        assertThat(out()).isEmpty();
    }

    @Test
    void anotherKeyFindsTheTrailBroken() throws Exception {
        Map<String, String> env = Map.of("HAVEN_AUDIT_KEY", AuditKey.newKeyText());

        assertThat(verify(env, file.toString())).isEqualTo(1);
        assertThat(out()).contains("broken at record 1").contains("another key");
    }

    @Test
    void theKeyCanComeFromAFile() throws Exception {
        Path keyFile = Files.move(dir.resolve(AuditKey.FILE), dir.resolve("kept-elsewhere.key"));

        assertThat(verify(
                        Map.of("HAVEN_DATA_DIR", dir.resolve("none").toString()),
                        file.toString(),
                        "--key-file",
                        keyFile.toString()))
                .isZero();
        assertThat(out().strip()).isEqualTo("intact: 4 records");
    }

    @Test
    void anExportIsCheckedFromItsFirstRecordOrFromTheHashBeforeIt() throws Exception {
        // One organisation's records 2 to 4, as GET /api/v1/audit gives them.
        List<String> lines = Files.readAllLines(file, UTF_8);
        Path export = dir.resolve("export.jsonl");
        Files.write(export, lines.subList(1, 4), UTF_8);
        String before = AuditRecord.parseLine(lines.get(0)).hash();

        assertThat(verify(Map.of(), export.toString())).as("not a whole trail").isEqualTo(1);
        out.reset();
        assertThat(verify(Map.of(), export.toString(), "--export")).isZero();
        assertThat(out().strip()).isEqualTo("intact: 3 records");
        out.reset();
        assertThat(verify(Map.of(), export.toString(), "--export", "--prev", before))
                .isZero();

        out.reset();
        Files.write(export, lines.subList(2, 4), UTF_8);
        assertThat(verify(Map.of(), export.toString(), "--export", "--prev", before))
                .isEqualTo(1);
        assertThat(out().strip())
                .isEqualTo("broken at record 3 (line 1): prev of the first record is not the hash given:"
                        + " records are missing before it");
        out.reset();
        Files.write(export, List.of(lines.get(1), lines.get(3)), UTF_8);
        assertThat(verify(Map.of(), export.toString(), "--export")).isEqualTo(1);
        assertThat(out().strip()).isEqualTo("broken at record 4 (line 2): seq 4 where 3 was expected");

        assertThat(verify(Map.of(), export.toString(), "--prev", before))
                .as("--prev without --export")
                .isEqualTo(2);
        assertThat(verify(Map.of(), export.toString(), "--export", "--prev", "abc"))
                .isEqualTo(2);
        assertThat(verify(Map.of("HAVEN_DATA_DIR", dir.toString()), "--export"))
                .as("no file")
                .isEqualTo(2);
        assertThat(err()).contains("--prev takes a record's hash").contains("--export checks a file");
    }

    /** Two organisations' chains in the SQLite database of a data directory, as a node writes them. */
    private Path databaseTrail() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.copy(dir.resolve(AuditKey.FILE), data.resolve(AuditKey.FILE));
        try (NodeThreads threads = new NodeThreads();
                SqlDatabase db = SqlDatabase.sqlite(data, threads);
                SqlAuditTrail trail = SqlAuditTrail.open(db, KEY, Clock.systemUTC(), threads)) {
            for (int i = 1; i <= 3; i++) {
                trail.record(new AuditEvent("o-1", "dr-" + i, "alert.acknowledge", "alert:a-" + i, "ok"));
            }
            trail.record(new AuditEvent("o-2", "dr-9", "care.read", "client:o-2/c-1", "ok"));
            trail.flush().get(10, TimeUnit.SECONDS);
        }
        return data;
    }

    @Test
    void withoutAFileItVerifiesEveryChainInTheDatabase() throws Exception {
        Path data = databaseTrail();

        assertThat(verify(Map.of("HAVEN_DATA_DIR", data.toString()))).isZero();
        assertThat(out().lines()).containsExactly("org o-1: intact: 3 records", "org o-2: intact: 1 record");

        out.reset();
        assertThat(verify(Map.of("HAVEN_DATA_DIR", data.toString()), "--org", "o-2"))
                .isZero();
        assertThat(out().lines()).containsExactly("org o-2: intact: 1 record");
    }

    @Test
    void aChangedRecordInTheDatabaseIsNamedWithItsOrganisation() throws Exception {
        Path data = databaseTrail();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve(SqlDatabase.SQLITE_FILE));
                var s = c.prepareStatement(
                        "UPDATE audit_records SET line = replace(line, 'dr-2', 'dr-7') WHERE org = 'o-1' AND seq = 2")) {
            assertThat(s.executeUpdate()).isEqualTo(1);
        }

        assertThat(verify(Map.of("HAVEN_DATA_DIR", data.toString()))).isEqualTo(1);
        assertThat(out().lines())
                .containsExactly(
                        "org o-1: broken at record 2: hash does not match the record's contents (or the trail was"
                                + " sealed with another key)",
                        "org o-2: intact: 1 record");
        assertThat(out()).doesNotContain("dr-7");
    }

    @Test
    void noDatabaseIsAnError() throws Exception {
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        Files.copy(dir.resolve(AuditKey.FILE), empty.resolve(AuditKey.FILE));

        assertThat(verify(Map.of("HAVEN_DATA_DIR", empty.toString()))).isEqualTo(2);
        assertThat(err()).contains("cannot read").contains("no database");
        assertThat(Files.exists(empty.resolve(SqlDatabase.SQLITE_FILE))).isFalse(); // and none was made
    }

    @Test
    void usageNamesTheCommand() throws Exception {
        assertThat(Main.run(
                        new String[] {"help"},
                        PRODUCTION_WITHOUT_SECRET,
                        new PrintStream(out, true, UTF_8),
                        new PrintStream(err, true, UTF_8)))
                .isZero();
        assertThat(out()).contains("java -jar haven-server.jar audit-verify [<file>]");
    }
}
