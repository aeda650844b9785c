package org.haven.server.threads;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A dying node is never silent: failures keep periodic work going, and an Error ends the node. */
class NodeThreadsTest {

    private final List<Throwable> fatal = new CopyOnWriteArrayList<>();
    private final NodeThreads threads = new NodeThreads(fatal::add);

    @AfterEach
    void stop() {
        threads.close();
    }

    @Test
    void aPeriodicTaskThatFailsOnceRunsAgainAtItsNextPeriod() {
        AtomicInteger runs = new AtomicInteger();
        threads.every(threads.timer(), Duration.ZERO, Duration.ofMillis(20), "a check", () -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("a bug, once");
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
        assertThat(fatal).isEmpty();
    }

    @Test
    void anErrorInAPeriodicTaskIsFatalToTheNode() {
        threads.every(threads.timer(), Duration.ZERO, Duration.ofMillis(20), "the escalation tick", () -> {
            throw new OutOfMemoryError("simulated");
        });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !fatal.isEmpty());
        assertThat(fatal.get(0)).isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void anErrorThatKillsAThreadIsFatalToTheNode() {
        threads.serial("audit").execute(() -> {
            throw new StackOverflowError();
        });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !fatal.isEmpty());
        assertThat(fatal.get(0)).isInstanceOf(StackOverflowError.class);
    }

    @Test
    void aRuntimeFailureThatKillsAThreadIsLoggedNotFatal() throws Exception {
        ScheduledExecutorService pool = threads.pool("work", 1);
        pool.execute(() -> {
            throw new IllegalStateException("a bug");
        });
        assertThat(pool.schedule(() -> "still working", 0, TimeUnit.MILLISECONDS)
                        .get(5, TimeUnit.SECONDS))
                .isEqualTo("still working");
        assertThat(fatal).isEmpty();
    }

    /** By default the process exits with {@link NodeThreads#EXIT_FATAL}: shown on a real JVM. */
    @Test
    void byDefaultAnErrorMakesTheProcessExitWithItsDocumentedStatus() throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        DyingNode.class.getName())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS))
                .as("the process ended by itself")
                .isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isEqualTo(NodeThreads.EXIT_FATAL);
        assertThat(out).contains("fatal java.lang.OutOfMemoryError");
    }

    /** A node whose escalation tick meets an OutOfMemoryError; its main thread would wait forever. */
    public static final class DyingNode {
        public static void main(String[] args) throws InterruptedException {
            NodeThreads threads = new NodeThreads();
            threads.every(threads.timer(), Duration.ZERO, Duration.ofMillis(50), "the escalation tick", () -> {
                throw new OutOfMemoryError("simulated");
            });
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
