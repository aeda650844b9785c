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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.haven.server.threads.NodeThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AuditTrail} kept in a file, one {@link AuditRecord} per line (JSON, UTF-8), written by one
 * daemon thread, {@code haven-audit}, fed by a bounded queue. The file is only ever appended to; each
 * batch is forced to the device before {@link #flush} completes, so what was flushed survives a crash.
 * Call {@link #close} on shutdown: being a daemon, the writer does not hold the JVM open.
 *
 * <p>An existing file is continued: its last record gives the next {@code seq} and {@code prev}. A
 * last line that is incomplete or does not hold its own hash refuses the start, because beginning a
 * new chain would hide whatever happened to the old one. A file is written by one trail at a time.
 *
 * <p>When the queue is full or the trail is closed, an event is refused: logged, counted in
 * {@link #failures()}, and reported by the next {@link #flush}. A batch the disk refuses is counted
 * the same way, and whatever part of it reached the file is cut off again so the chain stays whole.
 * Flush futures complete on the audit thread, so their callbacks must be quick.
 */
public final class JsonLinesAuditTrail implements AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(JsonLinesAuditTrail.class);
    private static final int CAPACITY = 65_536;
    private static final int MAX_BATCH = 1_024;
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private sealed interface Item permits Accepted, Flush, Stop {}

    private record Accepted(AuditEvent event, Instant at) implements Item {}

    private record Flush(CompletableFuture<Void> done, boolean refusedBefore) implements Item {}

    private enum Stop implements Item {
        INSTANCE
    }

    private final Path file;
    private final Clock clock;
    private final FileChannel channel;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final Thread writer;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    // Taking the time and queueing under one lock makes timestamps follow the order of acceptance.
    private final Object acceptance = new Object();
    private boolean closed;
    private boolean refusedSinceFlush;

    // Owned by the writer thread once it starts.
    private long lastSeq;
    private String lastHash;
    private long durableSize;
    private boolean lostSinceFlush;

    /**
     * Opens {@code file}, creating it if absent, and starts the writer.
     *
     * @throws IllegalStateException when the file's last record is corrupt, or another trail writes it
     * @throws UncheckedIOException when the file cannot be opened or read
     */
    public JsonLinesAuditTrail(Path file, Clock clock, NodeThreads threads) {
        this.file = Objects.requireNonNull(file, "file");
        this.clock = Objects.requireNonNull(clock, "clock");
        channel = openLocked(file);
        try {
            durableSize = channel.size();
            AuditRecord last = AuditVerifier.lastRecord(file);
            lastSeq = last == null ? 0 : last.seq();
            lastHash = last == null ? AuditRecord.GENESIS : last.hash();
        } catch (IOException | IllegalArgumentException e) {
            close(channel, file);
            throw e instanceof IOException io
                    ? new UncheckedIOException("cannot read audit trail " + file, io)
                    : new IllegalStateException(
                            "audit trail " + file + " cannot be continued: " + e.getMessage()
                                    + "; refusing to start a new chain (check it with AuditVerifier)",
                            e);
        }
        writer = threads.start("audit", this::run);
    }

    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        String refusal;
        synchronized (acceptance) {
            if (closed) {
                refusal = "closed";
            } else if (queue.offer(new Accepted(event, clock.instant()))) {
                return;
            } else {
                refusal = "queue full";
            }
            refusedSinceFlush = true;
        }
        long n = failures.incrementAndGet();
        if (n == 1 || n % 1_000 == 0) { // a full queue refuses in bursts; one line per thousand is enough
            log.error("audit event refused file={} reason={} failures={}", file, refusal, n);
        }
    }

    @Override
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (acceptance) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("audit trail closed"));
            }
            if (queue.offer(new Flush(done, refusedSinceFlush))) {
                refusedSinceFlush = false;
                return done;
            }
        }
        return CompletableFuture.failedFuture(new IllegalStateException("audit queue full"));
    }

    /** Records written to the file and forced to the device. */
    public long recordsWritten() {
        return written.get();
    }

    /** Events that will never be in the file: refused, or refused by the disk. */
    public long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        synchronized (acceptance) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            queue.put(Stop.INSTANCE); // waits only while the queue is full, and the writer is draining it
            writer.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            log.error("audit writer still busy at close file={}", file);
        }
        close(channel, file);
    }

    private void run() {
        List<Item> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() ends this thread, through the stop item
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            List<Accepted> pending = new ArrayList<>();
            for (Item item : batch) {
                if (item instanceof Accepted accepted) {
                    pending.add(accepted);
                    continue;
                }
                write(pending); // before a flush or stop completes, so it covers everything ahead of it
                pending.clear();
                if (!(item instanceof Flush flush)) {
                    return;
                }
                if (lostSinceFlush || flush.refusedBefore()) {
                    flush.done().completeExceptionally(new IOException("audit events lost since the previous flush"));
                } else {
                    flush.done().complete(null);
                }
                lostSinceFlush = false;
            }
            write(pending);
            batch.clear();
        }
    }

    private void write(List<Accepted> pending) {
        if (pending.isEmpty()) {
            return;
        }
        long seq = lastSeq;
        String hash = lastHash;
        try {
            StringBuilder lines = new StringBuilder();
            for (Accepted accepted : pending) {
                AuditRecord record = AuditRecord.of(++seq, accepted.at(), accepted.event(), hash);
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
            written.addAndGet(pending.size());
        } catch (IOException | RuntimeException e) {
            lostSinceFlush = true;
            failures.addAndGet(pending.size());
            log.error("audit write failed file={} lost={} afterSeq={}", file, pending.size(), lastSeq, e);
        }
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
