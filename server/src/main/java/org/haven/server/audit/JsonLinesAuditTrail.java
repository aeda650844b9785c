package org.haven.server.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.haven.server.threads.NodeThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AuditTrail} kept in a file, one {@link AuditRecord} per line (JSON, UTF-8), for a node that
 * keeps its records without a database. The file is only ever appended to; each batch is forced to
 * the device before {@link #flush} completes, so what was flushed survives a crash.
 *
 * <p>An existing file is continued: its last record gives the next {@code seq} and {@code prev}. A
 * last line that is incomplete or does not hold its own hash under the key refuses the start,
 * because beginning a new chain would hide whatever happened to the old one (and a node given
 * another key must not continue a chain it cannot vouch for). A file is written by one trail at a
 * time. A batch the disk refuses is counted as lost, and whatever part of it reached the file is cut
 * off again so the chain stays whole.
 */
public final class JsonLinesAuditTrail extends QueuedAuditTrail {

    private static final Logger log = LoggerFactory.getLogger(JsonLinesAuditTrail.class);

    private final Path file;
    private final AuditKey key;
    private final FileChannel channel;

    // Owned by the writer thread once it starts.
    private long lastSeq;
    private String lastHash;
    private long durableSize;

    /**
     * Opens {@code file}, creating it if absent, and starts the writer.
     *
     * @throws IllegalStateException when the file's last record is corrupt or sealed with another key,
     *     or another trail writes it
     * @throws UncheckedIOException when the file cannot be opened or read
     */
    public JsonLinesAuditTrail(Path file, AuditKey key, Clock clock, NodeThreads threads) {
        super(file.toString(), clock);
        this.file = file;
        this.key = Objects.requireNonNull(key, "key");
        channel = openLocked(file);
        try {
            durableSize = channel.size();
            AuditRecord last = AuditVerifier.lastRecord(file, key);
            lastSeq = last == null ? 0 : last.seq();
            lastHash = last == null ? AuditRecord.GENESIS : last.hash();
        } catch (IOException | IllegalArgumentException e) {
            close(channel, file);
            throw e instanceof IOException io
                    ? new UncheckedIOException("cannot read audit trail " + file, io)
                    : new IllegalStateException(
                            "audit trail " + file + " cannot be continued: " + e.getMessage()
                                    + "; refusing to start a new chain (check it with audit-verify)",
                            e);
        }
        start(threads);
    }

    @Override
    protected void write(List<Pending> pending) throws IOException {
        long seq = lastSeq;
        String hash = lastHash;
        StringBuilder lines = new StringBuilder();
        for (Pending p : pending) {
            AuditRecord record = AuditRecord.of(++seq, p.at(), p.event(), hash, key);
            lines.append(record.toJsonLine()).append('\n');
            hash = record.hash();
        }
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(lines));
        int size = bytes.remaining();
        if (channel.size() != durableSize) {
            channel.truncate(durableSize); // a torn batch from an earlier failure
        }
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        channel.force(false);
        durableSize += size;
        lastSeq = seq;
        lastHash = hash;
    }

    @Override
    protected void release() {
        close(channel, file);
    }

    /** The file opened for appending, locked so that no other trail forks its chain. */
    private static FileChannel openLocked(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit trail " + file, e);
        }
        try {
            if (channel.tryLock() != null) { // released with the channel
                return channel;
            }
        } catch (IOException | OverlappingFileLockException e) {
            // another trail in this JVM holds it, or it cannot be locked: either way, not written unlocked
        }
        close(channel, file);
        throw new IllegalStateException("audit trail " + file + " is already open for writing, or cannot be locked");
    }

    private static void close(FileChannel channel, Path file) {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("audit trail close failed file={}", file, e);
        }
    }
}
