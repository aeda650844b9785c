package org.haven.server.session;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The node's log of sessions opened and closed: a line for each, at {@code info}, up to {@link
 * #LINES_PER_SECOND} a second; past that, within the same second, at {@code debug}, and counted. A
 * connect storm (thousands of sessions a second, after a node fails) would otherwise spend a share
 * of the event loops on log lines no one reads one by one (docs/benchmarks.md). {@link #summarise},
 * run every second, logs one line with the counts of the lines it held back.
 *
 * <p>Threading: called from every event loop at once and from the node's timer; lock-free.
 */
final class SessionLog {

    /** At most this many session lines a second at {@code info}. */
    static final int LINES_PER_SECOND = 50;

    private static final long SECOND_NANOS = 1_000_000_000L;

    private final Logger log;
    private final LongSupplier nanos;
    /** The second (of {@link #nanos}) being counted, and how many lines it has had: {@code second << 16 | lines}. */
    private final AtomicLong window = new AtomicLong();

    private final LongAdder heldOpened = new LongAdder();
    private final LongAdder heldClosed = new LongAdder();

    SessionLog(Logger log, LongSupplier nanos) {
        this.log = log;
        this.nanos = nanos;
    }

    void opened(String connection, String user, String org, String role) {
        if (admit()) {
            log.info("session opened connection={} user={} org={} role={}", connection, user, org, role);
        } else {
            heldOpened.increment();
            log.debug("session opened connection={} user={} org={} role={}", connection, user, org, role);
        }
    }

    void closed(String connection, String user, boolean abrupt) {
        if (admit()) {
            log.info("session closed connection={} user={} abrupt={}", connection, user, abrupt);
        } else {
            heldClosed.increment();
            log.debug("session closed connection={} user={} abrupt={}", connection, user, abrupt);
        }
    }

    /** Logs how many session lines were held back since the last call, if any. */
    void summarise() {
        long opened = heldOpened.sumThenReset();
        long closed = heldClosed.sumThenReset();
        if (opened > 0 || closed > 0) {
            log.info(
                    "sessions opened={} closed={} not logged one by one (more than {} a second; debug logs each)",
                    opened,
                    closed,
                    LINES_PER_SECOND);
        }
    }

    /** Whether this second still has room for a line at {@code info}; takes it if so. */
    private boolean admit() {
        long second = nanos.getAsLong() / SECOND_NANOS;
        while (true) {
            long current = window.get();
            long lines = (current >>> 16) == (second & 0xFFFF_FFFF_FFFFL) ? current & 0xFFFF : 0;
            if (lines >= LINES_PER_SECOND) {
                return false;
            }
            long next = ((second & 0xFFFF_FFFF_FFFFL) << 16) | (lines + 1);
            if (window.compareAndSet(current, next)) {
                return true;
            }
        }
    }
}
