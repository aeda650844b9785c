package org.haven.server.threads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.NullMarked;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a node's own threads and timers. Every thread Haven starts is made here, named
 * {@code haven-<name>}, a daemon, with failures logged; and every executor made here is stopped by
 * {@link #close}, in reverse order of creation, within one shared deadline. Netty's event loops
 * belong to the transport and Lettuce's threads to the Redis client; docs/architecture.md lists them
 * all, and {@code ArchitectureTest} fails when a class outside this one creates a thread.
 *
 * <p>{@link #timer} is the node's timer: periodic checks and one-shot timeouts whose work is short
 * and hands anything longer to the thread that owns the state it touches.
 *
 * <p>A dying node is never silent. A task that throws a {@link RuntimeException} is logged and its
 * thread goes on (a periodic one keeps its period: {@link #every}); an {@link Error} (out of memory,
 * a stack overflow) in any of these threads is fatal to the node: it exits at once with {@link
 * #EXIT_FATAL} so that its supervisor starts it again, rather than lingering with an escalation
 * timer or an audit writer that no longer runs.
 *
 * <p>Threading: the factory methods and {@link #close} may be called from any thread.
 */
@NullMarked
public final class NodeThreads implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeThreads.class);

    /** How long {@link #close} waits, in all, for queued work to finish before interrupting it. */
    public static final Duration STOP_DEADLINE = Duration.ofSeconds(5);

    /** The process's exit status when a thread of the node met an {@link Error} (EX_SOFTWARE). */
    public static final int EXIT_FATAL = 70;

    /** What the node does with an {@link Error} in one of its threads: by default, {@link #die}. */
    private final Consumer<Throwable> fatal;

    private final List<ExecutorService> executors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService timer;
    private boolean closed;

    public NodeThreads() {
        this(NodeThreads::die);
    }

    /** With {@code fatal} instead of {@link #die} (tests: a process that exits cannot report). */
    public NodeThreads(Consumer<Throwable> fatal) {
        this.fatal = fatal;
        this.timer = scheduled("timer");
    }

    /**
     * Exits the process with {@link #EXIT_FATAL} at once, after one log line: a JVM that ran out of
     * memory cannot be trusted to stop cleanly (shutdown hooks are skipped; the data is safe, every
     * record being stored before it was confirmed).
     */
    public static void die(Throwable error) {
        try {
            System.err.println("haven: fatal " + error.getClass().getName() + " in thread "
                    + Thread.currentThread().getName() + "; exiting with status " + EXIT_FATAL);
            log.error(
                    "fatal error, the node exits status={} error={}",
                    EXIT_FATAL,
                    error.getClass().getSimpleName());
        } finally {
            Runtime.getRuntime().halt(EXIT_FATAL);
        }
    }

    /**
     * {@code task}, guarded: a {@link RuntimeException} is logged as {@code what} failing and the
     * thread goes on; an {@link Error} is fatal to the node.
     */
    public Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("{} failed", what, e);
            } catch (Error e) {
                fatal.accept(e);
                throw e;
            }
        };
    }

    /**
     * Runs {@code task} on {@code executor} every {@code period}, the first time after {@code
     * initialDelay}, {@link #guarded}: unlike a bare {@code scheduleWithFixedDelay}, a failure of one
     * run does not cancel the runs after it.
     */
    public ScheduledFuture<?> every(
            ScheduledExecutorService executor, Duration initialDelay, Duration period, String what, Runnable task) {
        return executor.scheduleWithFixedDelay(
                guarded(what, task), initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The node's timer ({@code haven-timer}). */
    public ScheduledExecutorService timer() {
        return timer;
    }

    /** One thread ({@code haven-<name>}) that runs tasks one at a time, in the order given. */
    public synchronized ExecutorService serial(String name) {
        return keep(Executors.newSingleThreadExecutor(factory(name, false)));
    }

    /** One thread ({@code haven-<name>}) that runs tasks one at a time and can delay them. */
    public synchronized ScheduledExecutorService scheduled(String name) {
        return keep(Executors.newSingleThreadScheduledExecutor(factory(name, false)));
    }

    /**
     * One thread ({@code haven-<name>}) for time-outs, most of them cancelled before they fire: a
     * cancelled one is dropped at once rather than kept until its time.
     */
    public synchronized java.util.concurrent.ScheduledThreadPoolExecutor timeouts(String name) {
        java.util.concurrent.ScheduledThreadPoolExecutor e =
                new java.util.concurrent.ScheduledThreadPoolExecutor(1, factory(name, false));
        e.setRemoveOnCancelPolicy(true);
        return keep(e);
    }

    /**
     * One thread ({@code haven-<name>}) running tasks in order from a queue of at most {@code
     * capacity}: a task past it is refused ({@link java.util.concurrent.RejectedExecutionException}),
     * so a caller feels the back pressure instead of the heap growing.
     */
    public synchronized java.util.concurrent.ThreadPoolExecutor bounded(String name, int capacity) {
        return keep(new java.util.concurrent.ThreadPoolExecutor(
                1,
                1,
                0,
                java.util.concurrent.TimeUnit.MILLISECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(capacity),
                factory(name, false),
                new java.util.concurrent.ThreadPoolExecutor.AbortPolicy()));
    }

    /** {@code size} threads ({@code haven-<name>-N}) sharing one queue, able to delay tasks. */
    public synchronized ScheduledExecutorService pool(String name, int size) {
        return keep(Executors.newScheduledThreadPool(size, factory(name, true)));
    }

    /**
     * A thread ({@code haven-<name>}) running {@code body} once, started before this returns: for a
     * loop that owns a blocking resource (the audit file). Its owner stops it; {@link #close} only
     * waits for it within the deadline.
     */
    public synchronized Thread start(String name, Runnable body) {
        ensureOpen();
        Thread thread = factory(name, false).newThread(body);
        threads.add(thread);
        thread.start();
        return thread;
    }

    /**
     * Stops every executor made here, newest first, within {@link #STOP_DEADLINE} in all, and says
     * which started threads are still running. Owners stop their own executors first, in the order
     * the node needs; this is the backstop that leaves no thread behind. Idempotent.
     */
    @Override
    public void close() {
        List<ExecutorService> stopping;
        List<Thread> started;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = new ArrayList<>(executors);
            started = new ArrayList<>(threads);
        }
        Collections.reverse(stopping);
        stop(STOP_DEADLINE, stopping.toArray(new ExecutorService[0]));
        for (Thread thread : started) {
            if (thread.isAlive()) {
                log.warn("thread still running at stop name={}", thread.getName());
            }
        }
    }

    /**
     * Shuts {@code executors} down: queued tasks may finish until {@code deadline}, shared by all of
     * them, after which what remains is interrupted.
     */
    public static void stop(Duration deadline, ExecutorService... executors) {
        long end = System.nanoTime() + deadline.toNanos();
        for (ExecutorService executor : executors) {
            executor.shutdown();
        }
        boolean interrupted = false;
        for (ExecutorService executor : executors) {
            try {
                if (!executor.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                interrupted = true;
                executor.shutdownNow();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private <E extends ExecutorService> E keep(E executor) {
        if (closed) {
            executor.shutdownNow();
            ensureOpen();
        }
        executors.add(executor);
        return executor;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("node threads stopped");
        }
    }

    private ThreadFactory factory(String name, boolean numbered) {
        AtomicInteger counter = new AtomicInteger();
        return task -> {
            Thread thread =
                    new Thread(task, numbered ? "haven-" + name + "-" + counter.getAndIncrement() : "haven-" + name);
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, e) -> {
                if (e instanceof Error) {
                    fatal.accept(e);
                } else {
                    log.error("thread failed name={}", t.getName(), e);
                }
            });
            return thread;
        };
    }
}
