package org.haven.server.room;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of single-thread executors; each room is pinned to one of them, so a room's state is
 * changed by one thread at a time and its events are ordered without locks. Event loops stay free
 * for I/O.
 *
 * <p>Threading: it owns the room threads ({@code haven-room-N}); {@link #execute} from any thread.
 */
public final class RoomExecutors implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoomExecutors.class);

    private final ExecutorService[] executors;

    public RoomExecutors(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: > 0)");
        }
        AtomicInteger counter = new AtomicInteger();
        executors = new ExecutorService[threads];
        for (int i = 0; i < threads; i++) {
            executors[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "haven-room-" + counter.getAndIncrement());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** Runs {@code task} on the executor of {@code key}; a failure is logged, never lost silently. */
    public void execute(RoomKey key, Runnable task) {
        executors[Math.floorMod(key.executorKey().hashCode(), executors.length)].execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("room task failed room={}", key, e);
            }
        });
    }

    @Override
    public void close() {
        for (ExecutorService executor : executors) {
            executor.shutdown();
        }
        for (ExecutorService executor : executors) {
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                executor.shutdownNow();
            }
        }
    }
}
