package org.haven.server.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.haven.server.presence.UserRef;
import org.haven.server.room.Participant;
import org.haven.server.room.RoomKey;
import org.jspecify.annotations.Nullable;

/**
 * Connections that ended and may come back. Each session holds a resume token; when its
 * connection ends, what it had (rooms) is kept here for the recovery window. A client that lost its
 * connection without a close handshake is not announced as gone until a short grace period has
 * passed, so a quick reconnect shows nobody a leave and a join; whoever comes first, the reconnect
 * or the end of the grace, settles it.
 *
 * <p>Threading: any thread; a departure is settled once, by the reconnect or by the grace timer on
 * {@code haven-timer}, whichever comes first (an atomic flag).
 */
final class Resumptions {

    /** What a session had when its connection ended, and how to announce its departure. */
    static final class Departure {
        final UserRef user;
        final Participant participant;
        final Set<RoomKey> rooms;
        private final Runnable leave;
        private final AtomicBoolean settled = new AtomicBoolean();

        Departure(UserRef user, Participant participant, Set<RoomKey> rooms, Runnable leave) {
            this.user = user;
            this.participant = participant;
            this.rooms = Set.copyOf(rooms);
            this.leave = leave;
        }

        /** Takes over the departure before it is announced; false when it already was. */
        boolean claim() {
            return settled.compareAndSet(false, true);
        }

        private void announce() {
            if (claim()) {
                leave.run();
            }
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ScheduledExecutorService timer;
    private final Cache<String, Departure> departed;

    Resumptions(ScheduledExecutorService timer, Duration window, Ticker ticker) {
        this.timer = timer;
        this.departed = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(window)
                .maximumSize(1_000_000)
                .build();
    }

    /** A fresh, unguessable resume token. */
    String issue() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Records a departure; it is announced after {@code grace} unless a reconnect claims it first. */
    void departed(String token, Departure departure, Duration grace) {
        departed.put(token, departure);
        if (grace.isZero() || grace.isNegative()) {
            departure.announce();
        } else {
            timer.schedule(departure::announce, grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The departure a resume token names, once: a token cannot be used twice. */
    @Nullable
    Departure take(@Nullable String token) {
        return token == null ? null : departed.asMap().remove(token);
    }
}
