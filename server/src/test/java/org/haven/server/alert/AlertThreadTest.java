package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The escalation tick never stops silently: a bug skips one tick, an Error ends the node. */
class AlertThreadTest {

    private final List<Throwable> fatal = new CopyOnWriteArrayList<>();
    private final NodeThreads threads = new NodeThreads(fatal::add);
    private final AlertThread thread = new AlertThread(threads);

    @AfterEach
    void stop() {
        thread.close();
        threads.close();
    }

    @Test
    void aTickThatFailsIsFollowedByTheNext() {
        AtomicInteger ticks = new AtomicInteger();
        thread.every(Duration.ofMillis(20), () -> {
            if (ticks.incrementAndGet() == 1) {
                throw new IllegalStateException("a bug in one tick");
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= 3);
        assertThat(fatal).isEmpty();
    }

    @Test
    void anOutOfMemoryErrorOnTheAlertThreadEndsTheNode() {
        thread.every(Duration.ofMillis(20), () -> {
            throw new OutOfMemoryError("simulated");
        });
        thread.run(() -> {
            throw new OutOfMemoryError("simulated, in a task");
        });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fatal.size() >= 2);
        assertThat(fatal).allMatch(e -> e instanceof OutOfMemoryError);
    }
}
