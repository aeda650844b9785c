package org.haven.server.redis;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Redis holding durable records keeps them on disk: RDB snapshots ({@code save} not
 * empty) or the append-only file ({@code appendonly yes}). A Redis restarted without either comes
 * back empty, and every alert, check-in and care record in it is gone; the node says so on {@code
 * /readyz} (production) and in the {@code haven_records_durable} metric. Read with {@code CONFIG
 * GET} when checked and every {@link #EVERY} after; a Redis that refuses {@code CONFIG} (some managed
 * services) is {@link State#UNKNOWN}, which is not held against it.
 *
 * <p>Threading: {@link #check} from the timer; {@link #state} from any thread.
 */
public final class RedisPersistence {

    private static final Logger log = LoggerFactory.getLogger(RedisPersistence.class);

    /** How often Redis' settings are read again. */
    static final Duration EVERY = Duration.ofSeconds(5);

    /** What Redis said. */
    public enum State {
        UNKNOWN,
        PERSISTENT,
        NOT_PERSISTENT
    }

    private final RedisConnections redis;
    private volatile State state = State.UNKNOWN;
    private volatile long checkedAt = System.nanoTime() - EVERY.toNanos();

    public RedisPersistence(RedisConnections redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
    }

    /** Reads Redis' persistence settings, unless they were read less than {@link #EVERY} ago. */
    public void check() {
        long now = System.nanoTime();
        if (now - checkedAt < EVERY.toNanos()) {
            return;
        }
        checkedAt = now;
        redis.commands().configGet("save", "appendonly").whenComplete((settings, failure) -> {
            State was = state;
            state = failure != null ? State.UNKNOWN : of(settings);
            if (state != was) {
                if (state == State.NOT_PERSISTENT) {
                    log.warn("redis keeps the durable records in memory only (no RDB snapshots, no AOF): a restart of"
                            + " redis loses them; set appendonly yes, or HAVEN_DATABASE_URL");
                } else if (state == State.UNKNOWN) {
                    log.info(
                            "redis persistence unknown ({})",
                            failure == null ? "no answer" : failure.getClass().getSimpleName());
                } else {
                    log.info("redis keeps the durable records on disk");
                }
            }
        });
    }

    static State of(Map<String, String> settings) {
        boolean aof = "yes".equalsIgnoreCase(settings.getOrDefault("appendonly", "no"));
        boolean snapshots = !settings.getOrDefault("save", "").isBlank();
        return aof || snapshots ? State.PERSISTENT : State.NOT_PERSISTENT;
    }

    public State state() {
        return state;
    }
}
