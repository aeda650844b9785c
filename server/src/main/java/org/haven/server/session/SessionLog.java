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
    /** Seconds are kept modulo 2^48, beside a 16-bit count of lines. */
    private static final long SECOND_MASK = 0xFFFF_FFFF_FFFFL;

    private final Logger openedLog;
    private final Logger closedLog;
    private final LongSupplier nanos;
    /** The second (of {@link #nanos}) being counted, and how many lines it has had: {@code second << 16 | lines}. */
    private final AtomicLong window = new AtomicLong();

    private final LongAdder heldOpened = new LongAdder();
    private final LongAdder heldClosed = new LongAdder();

    /** @param openedLog and {@code closedLog}: where each kind of line goes (their classes' loggers, as before there was a limit) */
    SessionLog(Logger openedLog, Logger closedLog, LongSupplier nanos) {
        this.openedLog = openedLog;
        this.closedLog = closedLog;
        this.nanos = nanos;
        window.set(second() << 16);
    }

    void opened(String connection, String user, String org, String role) {
        if (admit()) {
            openedLog.info("session opened connection={} user={} org={} role={}", connection, user, org, role);
        } else {
            heldOpened.increment();
            openedLog.debug("session opened connection={} user={} org={} role={}", connection, user, org, role);
        }
    }

    void closed(String connection, String user, boolean abrupt) {
        if (admit()) {
            closedLog.info("session closed connection={} user={} abrupt={}", connection, user, abrupt);
        } else {
            heldClosed.increment();
            closedLog.debug("session closed connection={} user={} abrupt={}", connection, user, abrupt);
        }
    }

    /** Logs how many session lines were held back since the last call, if any. */
    void summarise() {
        long opened = heldOpened.sumThenReset();
        long closed = heldClosed.sumThenReset();
        if (opened > 0 || closed > 0) {
            openedLog.info(
                    "sessions opened={} closed={} not logged one by one (more than {} a second; debug logs each)",
                    opened,
                    closed,
                    LINES_PER_SECOND);
        }
    }

    private long second() {
        return Math.floorDiv(nanos.getAsLong(), SECOND_NANOS) & SECOND_MASK;
    }

    /**
     * Whether this second still has room for a line at {@code info}; takes it if so. The window
     * only moves forward: a caller that read the clock just before another moved it on counts
     * against the new second.
     */
    private boolean admit() {
        long second = second();
        while (true) {
            long current = window.get();
            long ahead = ((second - (current >>> 16)) << 16) >> 16; // the 48-bit difference, signed
            long lines = ahead > 0 ? 0 : current & 0xFFFF;
            if (lines >= LINES_PER_SECOND) {
                return false;
            }
            long next = ahead > 0 ? (second << 16) | 1 : current + 1;
            if (window.compareAndSet(current, next)) {
                return true;
            }
        }
    }
}
