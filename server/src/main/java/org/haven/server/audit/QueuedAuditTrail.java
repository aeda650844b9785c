package org.haven.server.audit;

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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AuditTrail} whose storage is written by one thread, {@code haven-audit}, in batches, fed
 * by a bounded queue: what the file and the database trails share. {@link #record} only stamps the
 * event with the time and queues it, so callers (event loops among them) never wait for storage.
 *
 * <p>When the queue is full or the trail is closed, an event is refused: logged, counted in
 * {@link #failures()}, and reported by the next {@link #flush}. A batch that {@link #write} fails is
 * counted the same way. Flush futures complete on the audit thread, so their callbacks must be quick.
 * Being a daemon, the writer does not hold the JVM open: call {@link #close} on shutdown.
 */
public abstract class QueuedAuditTrail implements AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(QueuedAuditTrail.class);
    private static final int CAPACITY = 65_536;
    private static final int MAX_BATCH = 1_024;
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    /** An event accepted for the trail, with the time it was accepted. */
    public record Pending(AuditEvent event, Instant at) {}

    private sealed interface Item permits Accepted, Flush, Stop {}

    private record Accepted(Pending pending) implements Item {}

    private record Flush(CompletableFuture<Void> done, boolean refusedBefore) implements Item {}

    private enum Stop implements Item {
        INSTANCE
    }

    private final String name;
    private final Clock clock;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private @Nullable Thread writer;

    // Taking the time and queueing under one lock makes timestamps follow the order of acceptance.
    private final Object acceptance = new Object();
    private boolean closed;
    private boolean refusedSinceFlush;

    // Owned by the writer thread.
    private boolean lostSinceFlush;

    /** @param name says where the trail is kept, in log lines; no health data */
    protected QueuedAuditTrail(String name, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts the writer; subclasses call it once, at the end of their constructor. */
    protected final void start(NodeThreads threads) {
        if (writer != null) {
            throw new IllegalStateException("already started");
        }
        writer = threads.start("audit", this::run);
    }

    /**
     * Writes {@code batch}, in order, after everything written before; on the writer thread. Throws
     * when it could not: the events are then counted as lost, and the storage must be as it was.
     */
    protected abstract void write(List<Pending> batch) throws Exception;

    /** Releases the storage, once the writer has stopped (or not stopped in time); on the closing thread. */
    protected abstract void release();

    @Override
    public final void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        String refusal;
        synchronized (acceptance) {
            if (closed) {
                refusal = "closed";
            } else if (queue.offer(new Accepted(new Pending(event, clock.instant())))) {
                return;
            } else {
                refusal = "queue full";
            }
            refusedSinceFlush = true;
        }
        long n = failures.incrementAndGet();
        if (n == 1 || n % 1_000 == 0) { // a full queue refuses in bursts; one line per thousand is enough
            log.error("audit event refused trail={} reason={} failures={}", name, refusal, n);
        }
    }

    @Override
    public final CompletableFuture<Void> flush() {
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

    /** Records written and kept by the storage. */
    public final long recordsWritten() {
        return written.get();
    }

    /** Events that will never be in the trail: refused, or lost in a failed write. */
    public final long failures() {
        return failures.get();
    }

    /** Whether {@link #close} has begun: a writer retrying a write may give up. */
    protected final boolean closing() {
        synchronized (acceptance) {
            return closed;
        }
    }

    @Override
    public final void close() {
        synchronized (acceptance) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Thread w = writer;
        if (w != null) {
            try {
                queue.put(Stop.INSTANCE); // waits only while the queue is full, and the writer is draining it
                w.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (w.isAlive()) {
                log.error("audit writer still busy at close trail={}", name);
            }
        }
        release();
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
            List<Pending> pending = new ArrayList<>();
            for (Item item : batch) {
                if (item instanceof Accepted accepted) {
                    pending.add(accepted.pending());
                    continue;
                }
                writeCounted(pending); // before a flush or stop completes, so it covers everything ahead of it
                pending.clear();
                if (!(item instanceof Flush flush)) {
                    return;
                }
                if (lostSinceFlush || flush.refusedBefore()) {
                    flush.done()
                            .completeExceptionally(
                                    new java.io.IOException("audit events lost since the previous flush"));
                } else {
                    flush.done().complete(null);
                }
                lostSinceFlush = false;
            }
            writeCounted(pending);
            batch.clear();
        }
    }

    private void writeCounted(List<Pending> pending) {
        if (pending.isEmpty()) {
            return;
        }
        try {
            write(List.copyOf(pending));
            written.addAndGet(pending.size());
        } catch (Exception e) {
            lostSinceFlush = true;
            failures.addAndGet(pending.size());
            log.error("audit write failed trail={} lost={}", name, pending.size(), e);
        }
    }
}
