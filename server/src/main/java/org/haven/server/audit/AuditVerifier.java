package org.haven.server.audit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks a file written by {@link JsonLinesAuditTrail}: every line must be a record in canonical
 * form, numbered one after the last, naming the hash of the record before, and holding its own
 * hash under the {@link AuditKey}. It stops at the first record that fails and says which and why.
 * {@link #verifyExport} checks an export of one organisation's chain ({@code GET /api/v1/audit}),
 * which starts where its first record says; {@link Chain} does the same for records read from
 * elsewhere (the database).
 *
 * <p>Without the key nobody can write a record that passes, so the chain shows changes, removals,
 * insertions and reordering; it does not show records cut off the end of a file: to detect that,
 * compare the last hash with one kept elsewhere (the database trail keeps a sealed head for that).
 */
public final class AuditVerifier {

    /**
     * What {@link #verify} found.
     *
     * @param intact whether every record passed
     * @param recordsChecked how many records passed, all of them when intact
     * @param firstBrokenSeq the seq of the first record that failed; when its line cannot be read as
     *     a record, the seq it should have had (which is also its line number); -1 when intact
     * @param firstBrokenLine the 1-based line number of the first record that failed; -1 when intact
     * @param problem why it failed, without quoting the file; null when intact
     */
    public record Verification(
            boolean intact,
            long recordsChecked,
            long firstBrokenSeq,
            int firstBrokenLine,
            @Nullable String problem) {

        static Verification passed(long records) {
            return new Verification(true, records, -1, -1, null);
        }

        static Verification broken(long records, long seq, int line, String problem) {
            return new Verification(false, records, seq, line, problem);
        }
    }

    private AuditVerifier() {}

    /**
     * Verifies the trail in {@code file}.
     *
     * @throws UncheckedIOException when the file cannot be read at all
     */
    public static Verification verify(Path file, AuditKey key) {
        Objects.requireNonNull(key, "key");
        return verify(file, first -> new Chain(key, 1, AuditRecord.GENESIS), false, null);
    }

    /**
     * Verifies an export of one organisation's chain in {@code file}: the export's lines one after
     * the other (its pages appended in order). The chain starts at the first record's own seq and
     * prev, or, when {@code prev} is given (the last hash of the export before, or of a copy kept),
     * its first record must name that hash as its prev, so nothing between the two is missing.
     * Every record after the first must follow it and hold its hash, and all are of the first
     * one's organisation. What it cannot see alone: records cut off either end of the range.
     *
     * @throws UncheckedIOException when the file cannot be read at all
     */
    public static Verification verifyExport(Path file, AuditKey key, @Nullable String prev) {
        Objects.requireNonNull(key, "key");
        return verify(file, first -> new Chain(key, first.seq(), first.prev()), true, prev);
    }

    /** Where a file's chain starts, given its first record. */
    private interface Start {
        Chain of(AuditRecord first);
    }

    /** {@code oneOrganisation}: an export, one organisation's chain (a file trail interleaves them all). */
    private static Verification verify(Path file, Start start, boolean oneOrganisation, @Nullable String firstPrev) {
        Objects.requireNonNull(file, "file");
        @Nullable Chain chain = null;
        @Nullable String org = null;
        long checked = 0;
        int lineNumber = 0;
        // Bad bytes are replaced rather than reported, so that they fail as their own line: a record
        // holding a replacement character is not in canonical form (which is all ASCII).
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                long expected = chain == null ? checked + 1 : chain.lastSeq() + 1;
                AuditRecord record;
                try {
                    record = AuditRecord.parseLine(line);
                } catch (IllegalArgumentException e) {
                    return Verification.broken(checked, expected, lineNumber, "unreadable record: " + e.getMessage());
                }
                if (chain == null) {
                    chain = start.of(record);
                    org = record.org();
                    if (firstPrev != null && !record.prev().equals(firstPrev)) {
                        return Verification.broken(
                                checked,
                                record.seq(),
                                lineNumber,
                                "prev of the first record is not the hash given: records are missing before it");
                    }
                } else if (oneOrganisation && !record.org().equals(org)) {
                    return Verification.broken(
                            checked, record.seq(), lineNumber, "a record of another organisation than the first's");
                }
                String problem = chain.next(record);
                if (problem != null) {
                    return Verification.broken(checked, record.seq(), lineNumber, problem);
                }
                checked++;
            }
            if (chain != null && checked > 0 && !endsWithLineBreak(file)) {
                return Verification.broken(checked - 1, chain.lastSeq(), lineNumber, "last line has no line break");
            }
            return Verification.passed(checked);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit trail " + file, e);
        }
    }

    /**
     * One chain checked record by record, from a known start: the first record's seq and prev (1 and
     * {@link AuditRecord#GENESIS}, unless older records were removed by retention). Not thread-safe.
     */
    public static final class Chain {

        private final AuditKey key;
        private final long firstSeq;
        private long expectedSeq;
        private String previousHash;

        public Chain(AuditKey key, long firstSeq, String firstPrev) {
            this.key = Objects.requireNonNull(key, "key");
            this.firstSeq = firstSeq;
            this.expectedSeq = firstSeq;
            this.previousHash = Objects.requireNonNull(firstPrev, "firstPrev");
        }

        /** Checks the next record: null when it holds (and the chain moves on), else why not. */
        public @Nullable String next(AuditRecord record) {
            if (record.seq() != expectedSeq) {
                return "seq " + record.seq() + " where " + expectedSeq + " was expected";
            }
            if (!record.prev().equals(previousHash)) {
                return expectedSeq == firstSeq
                        ? (firstSeq == 1
                                ? "prev of the first record is not the genesis value"
                                : "prev of the first record kept is not the one the chain's head names")
                        : "prev does not match the hash of the record before";
            }
            if (!record.hash().equals(record.expectedHash(key))) {
                return "hash does not match the record's contents (or the trail was sealed with another key)";
            }
            expectedSeq++;
            previousHash = record.hash();
            return null;
        }

        /** The seq of the last record that held; {@code firstSeq - 1} before any. */
        public long lastSeq() {
            return expectedSeq - 1;
        }

        /** The hash of the last record that held; the start's prev before any. */
        public String lastHash() {
            return previousHash;
        }
    }

    /**
     * The last record of {@code file}, found by reading back from its end; null when it is empty.
     *
     * @throws IllegalArgumentException saying why the last line is not a sound record
     */
    static @Nullable AuditRecord lastRecord(Path file, AuditKey key) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = in.size() - 1; // where the final line break must be
            if (end < 0) {
                return null;
            }
            if (byteAt(in, end) != '\n') {
                throw new IllegalArgumentException("its last line is incomplete");
            }
            long start = end;
            while (start > 0 && byteAt(in, start - 1) != '\n') {
                start--;
            }
            if (end - start > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("its last line is too long");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) (end - start));
            readFully(in, bytes, start);
            AuditRecord record;
            try {
                record = AuditRecord.parseLine(
                        UTF_8.newDecoder().decode(bytes.flip()).toString());
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("its last line is not UTF-8");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("its last line is an unreadable record: " + e.getMessage());
            }
            if (record.seq() < 1 || !record.hash().equals(record.expectedHash(key))) {
                throw new IllegalArgumentException(
                        "its last record does not hold its own hash under this key (was it sealed with another HAVEN_AUDIT_KEY?)");
            }
            return record;
        }
    }

    private static boolean endsWithLineBreak(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            return in.size() > 0 && byteAt(in, in.size() - 1) == '\n';
        }
    }

    private static byte byteAt(FileChannel in, long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        readFully(in, one, position);
        return one.get(0);
    }

    private static void readFully(FileChannel in, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("audit trail shorter than expected");
            }
        }
    }
}
