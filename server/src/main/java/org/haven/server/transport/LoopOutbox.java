package org.haven.server.transport;

import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The frames other threads send to the connections of one event loop, written by one task per
 * loop turn instead of one task per frame, with an urgent lane: a connection given an urgent frame
 * (an alert) is written before any other connection's waiting chat, checked between every two
 * connections. Without it an alert frame entered the loop's task queue behind every chat write
 * task queued before it (one per recipient per message), and waited for all of them.
 *
 * <p>A connection with frames waiting is listed once in the normal lane (its {@link
 * Waiting#markListed} flag), and once more in the urgent lane for each urgent frame;
 * writing a connection takes everything it has waiting, so a connection found twice is written
 * once and then found empty. One run writes at most {@link #CONNECTIONS_PER_RUN} connections from
 * the normal lane and then gives the loop back for its I/O (reads keep flowing under a burst of
 * writes), continuing in a later task.
 *
 * <p>Threading: {@link #wake} from any thread; {@link #run} on the loop.
 */
final class LoopOutbox implements Runnable {

    /** How many connections' waiting chat one run writes before the loop reads its sockets again. */
    static final int CONNECTIONS_PER_RUN = 128;

    /** A connection as its outbox sees it. */
    interface Waiting {
        /** Marks it listed in the normal lane; false when it is listed already. Any thread. */
        boolean markListed();

        /** Taken off the normal lane, before its frames are written. Loop. */
        void unlist();

        /** Writes every frame it has waiting, urgent first, as far as its socket takes them. Loop. */
        void writeWaiting();
    }

    private final Executor loop;
    private final Queue<Waiting> urgent = PlatformDependent.newMpscQueue();
    private final Queue<Waiting> normal = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    LoopOutbox(Executor loop) {
        this.loop = loop;
    }

    /** {@code connection} has a frame waiting; {@code isUrgent} puts it in the urgent lane. */
    void wake(Waiting connection, boolean isUrgent) {
        if (isUrgent) {
            urgent.offer(connection);
        } else if (connection.markListed()) {
            normal.offer(connection);
        }
        if (scheduled.compareAndSet(false, true)) {
            execute();
        }
    }

    private void execute() {
        try {
            loop.execute(this);
        } catch (RejectedExecutionException stopped) {
            // The loop has stopped (the node is shutting down) and its connections with it: what
            // was sent to them goes nowhere, and the sender is not the one to be told.
        }
    }

    @Override
    public void run() {
        scheduled.set(false);
        int written = 0;
        while (true) {
            Waiting c;
            while ((c = urgent.poll()) != null) {
                c.writeWaiting();
            }
            if (written == CONNECTIONS_PER_RUN || (c = normal.poll()) == null) {
                break;
            }
            c.unlist();
            c.writeWaiting();
            written++;
        }
        if ((!normal.isEmpty() || !urgent.isEmpty()) && scheduled.compareAndSet(false, true)) {
            execute();
        }
    }
}
