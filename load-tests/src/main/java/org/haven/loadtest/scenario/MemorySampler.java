package org.haven.loadtest.scenario;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.haven.loadtest.probe.ServerProbe;

/** Samples the server's resident memory twice a second on its own thread and keeps the highest. */
final class MemorySampler implements AutoCloseable {

    private static final long PERIOD_MILLIS = 500;

    private final ServerProbe probe;
    private final AtomicLong highest = new AtomicLong(-1);
    private final Thread thread;
    private volatile boolean running = true;

    MemorySampler(ServerProbe probe) {
        this.probe = probe;
        this.thread = new Thread(this::sample, "haven-load-memory");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        while (running) {
            probe.residentBytes().ifPresent(bytes -> highest.accumulateAndGet(bytes, Math::max));
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The highest resident memory sampled so far. */
    OptionalLong highest() {
        long value = highest.get();
        return value < 0 ? OptionalLong.empty() : OptionalLong.of(value);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
