package org.haven.server.room;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.haven.server.threads.NodeThreads;
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

    /** {@code count} room threads made by {@code threads}, which stops them with the node. */
    public RoomExecutors(NodeThreads threads, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: > 0)");
        }
        executors = new ExecutorService[count];
        for (int i = 0; i < count; i++) {
            executors[i] = threads.serial("room-" + i);
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

    /** Lets queued room work finish (5 s at most in all), then stops the room threads. */
    @Override
    public void close() {
        NodeThreads.stop(Duration.ofSeconds(5), executors);
    }
}
