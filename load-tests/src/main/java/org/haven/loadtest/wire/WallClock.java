package org.haven.loadtest.wire;

import java.time.Instant;

/**
 * Puts a wall-clock instant on {@link System#nanoTime()}'s scale, for a server on this machine
 * (same clock): the offset between the two is read once, at microsecond precision.
 */
final class WallClock {

    private static final long OFFSET_NANOS;

    static {
        Instant now = Instant.now();
        long nano = System.nanoTime();
        OFFSET_NANOS = now.getEpochSecond() * 1_000_000_000L + now.getNano() - nano;
    }

    private WallClock() {}

    /** {@code at} on the {@code nanoTime} scale, or {@link PeerEvents#NOT_STAMPED} for {@code null}. */
    static long toNanoTime(Instant at) {
        if (at == null) {
            return PeerEvents.NOT_STAMPED;
        }
        return at.getEpochSecond() * 1_000_000_000L + at.getNano() - OFFSET_NANOS;
    }
}
