package org.haven.server;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.InMemoryAlertStore;
import org.haven.server.audit.AuditKey;
import org.haven.server.audit.AuditTrail;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.audit.JsonLinesAuditTrail;
import org.haven.server.auth.InMemoryRevocationStore;
import org.haven.server.auth.RevocationStore;
import org.haven.server.care.CareStore;
import org.haven.server.care.InMemoryCareStore;
import org.haven.server.chat.InMemoryKeyDirectory;
import org.haven.server.chat.InMemoryMailbox;
import org.haven.server.chat.KeyDirectory;
import org.haven.server.chat.Mailbox;
import org.haven.server.cluster.Leases;
import org.haven.server.cluster.NodeBus;
import org.haven.server.config.ServerConfig;
import org.haven.server.config.Settings;
import org.haven.server.presence.InMemoryPresenceStore;
import org.haven.server.presence.PresenceStore;
import org.haven.server.push.InMemoryPushSubscriptions;
import org.haven.server.push.PushSubscriptions;
import org.haven.server.redis.RedisAlertStore;
import org.haven.server.redis.RedisCareStore;
import org.haven.server.redis.RedisConnections;
import org.haven.server.redis.RedisKeyDirectory;
import org.haven.server.redis.RedisKeys;
import org.haven.server.redis.RedisLeases;
import org.haven.server.redis.RedisMailbox;
import org.haven.server.redis.RedisNodeBus;
import org.haven.server.redis.RedisPersistence;
import org.haven.server.redis.RedisPresenceStore;
import org.haven.server.redis.RedisPushSubscriptions;
import org.haven.server.redis.RedisRevocationStore;
import org.haven.server.redis.RedisRoomJournal;
import org.haven.server.room.RoomJournal;
import org.haven.server.sql.SqlAlertStore;
import org.haven.server.sql.SqlAuditTrail;
import org.haven.server.sql.SqlCareStore;
import org.haven.server.sql.SqlDatabase;
import org.haven.server.sql.SqlKeyDirectory;
import org.haven.server.sql.SqlMailbox;
import org.haven.server.sql.SqlPushSubscriptions;
import org.haven.server.sql.SqlRevocationStore;
import org.haven.server.storage.StorageUnavailableException;
import org.haven.server.threads.NodeThreads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a node keeps its state: one engine per kind, each behind a small interface with an
 * in-memory and a Redis implementation, plus the leases that say which node serves which
 * organisation, the bus between nodes, the journal of rooms (for the next node to serve them), whether their store is reachable, whether the durable records sit in a Redis that keeps nothing on disk, and the housekeeping they need on a timer. A node's features see
 * only the interfaces.
 */
public record Engines(
        PresenceStore presence,
        AlertStore alerts,
        CareStore care,
        KeyDirectory keys,
        Mailbox mailbox,
        RevocationStore revocations,
        PushSubscriptions pushSubscriptions,
        RoomJournal rooms,
        Leases leases,
        NodeBus bus,
        BooleanSupplier reachable,
        BooleanSupplier recordsInVolatileRedis,
        Supplier<AuditKey> auditKey,
        AuditOpener audit,
        Housekeeping housekeeping,
        AutoCloseable resources) {

    /** Opens the audit trail that lives with the durable records, once the node has its clock and threads. */
    @FunctionalInterface
    public interface AuditOpener {
        AuditTrail open(AuditKey key, Clock clock, NodeThreads threads);
    }

    /** What the engines need done on a timer (about every 2.5 s), never two runs at once. */
    @FunctionalInterface
    public interface Housekeeping {
        /**
         * Does it; {@code presenceLost} runs when the store lost this node's presence entries (Redis
         * restarted empty, or declared this node dead): the node must register its connections again.
         */
        void run(Runnable presenceLost);
    }

    private static final Logger log = LoggerFactory.getLogger(Engines.class);

    public Engines {
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(care, "care");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(revocations, "revocations");
        Objects.requireNonNull(pushSubscriptions, "pushSubscriptions");
        Objects.requireNonNull(rooms, "rooms");
        Objects.requireNonNull(leases, "leases");
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(reachable, "reachable");
        Objects.requireNonNull(recordsInVolatileRedis, "recordsInVolatileRedis");
        Objects.requireNonNull(auditKey, "auditKey");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(housekeeping, "housekeeping");
        Objects.requireNonNull(resources, "resources");
    }

    /** Everything in this process's memory: one node, nothing kept across a restart. */
    public static Engines inMemory(ServerConfig config) {
        return new Engines(
                new InMemoryPresenceStore(),
                new InMemoryAlertStore(),
                new InMemoryCareStore(config.care().versionsKept()),
                new InMemoryKeyDirectory(),
                new InMemoryMailbox(config.chat().mailboxPerDevice()),
                new InMemoryRevocationStore(),
                new InMemoryPushSubscriptions(),
                RoomJournal.NONE,
                Leases.sole(newNodeId()),
                NodeBus.alone(),
                () -> true,
                () -> false,
                auditKey(config),
                (key, clock, threads) -> new InMemoryAuditTrail(clock, key),
                presenceLost -> {},
                () -> {});
    }

    /**
     * The key sealing the audit trail: {@code HAVEN_AUDIT_KEY}; else the key file in the data
     * directory (or beside the audit file), made on first start; else a new random key (a trail in
     * memory, gone with the process anyway).
     */
    static Supplier<AuditKey> auditKey(ServerConfig config) {
        // Read (or made) when the audit trail opens, after the database: a data directory that cannot
        // be used is reported for its database first.
        AtomicReference<@Nullable AuditKey> known = new AtomicReference<>();
        return () -> {
            AuditKey key = known.get();
            if (key == null) {
                key = readAuditKey(config);
                known.compareAndSet(null, key);
                key = Objects.requireNonNull(known.get(), "set just above");
            }
            return key;
        };
    }

    private static AuditKey readAuditKey(ServerConfig config) {
        ServerConfig.Storage storage = config.storage();
        String text = storage.auditKey();
        if (text != null) {
            return AuditKey.parse(text);
        }
        Path dataDirectory = storage.dataDirectory();
        if (dataDirectory != null) {
            try {
                return AuditKey.inDirectory(dataDirectory);
            } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
                throw StorageUnavailableException.unusable(
                        "the data directory",
                        "HAVEN_DATA_DIR",
                        dataDirectory.toString(),
                        "its audit key file " + AuditKey.FILE + " cannot be read, written or used",
                        e);
            }
        }
        Path file = storage.auditFile();
        if (file != null) {
            Path dir = file.toAbsolutePath().getParent();
            return AuditKey.inDirectory(dir == null ? Path.of(".") : dir);
        }
        return AuditKey.random();
    }

    /** The audit file of a node whose records are in Redis: in the data directory; without one, in memory. */
    private static AuditOpener fileInDataDirectory(ServerConfig config) {
        Path dir = config.storage().dataDirectory();
        return (key, clock, threads) -> dir == null
                ? new InMemoryAuditTrail(clock, key)
                : new JsonLinesAuditTrail(dir.resolve(AUDIT_FILE), key, clock, threads);
    }

    /** The audit file's name in the data directory, for a node without a database. */
    public static final String AUDIT_FILE = "audit.jsonl";

    /**
     * Everything in the Redis that {@code config.storage().redisUrl()} names, through one owner of the
     * connections (opened here, closed with the engines), command latencies recorded in
     * {@code meters} (null: none). Fails with {@link StorageUnavailableException} when Redis cannot
     * be reached at start.
     */
    public static Engines redis(ServerConfig config, @Nullable MeterRegistry meters) {
        String url = Objects.requireNonNull(config.storage().redisUrl(), "redisUrl");
        RedisConnections redis;
        try {
            redis = RedisConnections.open(url, RedisConnections.DEFAULT_TIMEOUT, meters);
        } catch (RuntimeException e) {
            String unusable = RedisConnections.problemWith(url);
            if (unusable != null) {
                // A URL the configuration's pattern let through and Redis' client cannot parse.
                throw StorageUnavailableException.unusable(
                        "the Redis", "HAVEN_REDIS_URL", Settings.maskPassword(url), unusable, e);
            }
            String why = RedisConnections.whyUnreachable(e);
            if (why == null) {
                throw e;
            }
            throw StorageUnavailableException.unreachable(
                    "the Redis", "HAVEN_REDIS_URL", Settings.maskPassword(url), why, e);
        }
        RedisKeys keys = RedisKeys.defaults();
        String node = newNodeId();
        Duration ttl = config.storage().leaseTtl();
        RedisPresenceStore presence = new RedisPresenceStore(redis, keys, node, ttl);
        RedisPersistence persistence = new RedisPersistence(redis);
        persistence.check();
        Housekeeping presenceUpkeep = presenceHousekeeping(presence);
        return new Engines(
                presence,
                new RedisAlertStore(redis, keys, config.storage().recordRetention()),
                new RedisCareStore(redis, keys, config.care().versionsKept()),
                new RedisKeyDirectory(redis, keys),
                new RedisMailbox(redis, keys, config.chat().mailboxPerDevice()),
                new RedisRevocationStore(redis, keys),
                new RedisPushSubscriptions(redis, keys),
                new RedisRoomJournal(redis, keys, node, RoomJournal.MAX_EVENTS),
                new RedisLeases(redis, keys, node, ttl),
                new RedisNodeBus(redis, keys, node),
                redis::isUp,
                () -> persistence.state() == RedisPersistence.State.NOT_PERSISTENT,
                auditKey(config),
                fileInDataDirectory(config),
                presenceLost -> {
                    persistence.check();
                    presenceUpkeep.run(presenceLost);
                },
                redis);
    }

    /** A node id: unique among running nodes, safe to log. */
    private static String newNodeId() {
        return "n-" + UUID.randomUUID().toString().substring(0, 13);
    }

    /** Heartbeats this node's presence entries and cleans up after dead nodes; never two runs at once. */
    private static Housekeeping presenceHousekeeping(RedisPresenceStore presence) {
        // The heartbeat and the reaping each run one at a time, but apart: a slow reaping of a big
        // dead node must not delay this node's own heartbeat past the short lease.
        AtomicBoolean beating = new AtomicBoolean();
        AtomicBoolean reaping = new AtomicBoolean();
        return presenceLost -> {
            if (beating.compareAndSet(false, true)) {
                presence.heartbeat().whenComplete((alive, failure) -> {
                    beating.set(false);
                    if (failure != null) {
                        log.warn(
                                "presence heartbeat failed ({})",
                                failure.getClass().getSimpleName());
                    } else if (!alive) {
                        log.warn("this node's presence entries were lost; registering its connections again");
                        presenceLost.run();
                    }
                });
            }
            if (reaping.compareAndSet(false, true)) {
                presence.reapDeadNodes().whenComplete((offline, failure) -> {
                    reaping.set(false);
                    if (failure != null) {
                        log.warn(
                                "presence of dead nodes not cleared ({})",
                                failure.getClass().getSimpleName());
                    } else if (!offline.isEmpty()) {
                        log.info("presence of dead nodes cleared users={}", offline.size());
                    }
                });
            }
        };
    }

    /**
     * {@code live}'s live state (presence, leases, bus, room journal) with the durable records
     * (alerts, care records, the key directory, mailboxes, revocations, push subscriptions) in {@code db}; the database
     * closes with the engines, after {@code live}'s resources.
     */
    public static Engines withDatabase(ServerConfig config, Engines live, SqlDatabase db, NodeThreads threads) {
        return new Engines(
                live.presence(),
                new SqlAlertStore(db),
                new SqlCareStore(db, config.care().versionsKept()),
                new SqlKeyDirectory(db),
                new SqlMailbox(db, config.chat().mailboxPerDevice()),
                new SqlRevocationStore(db),
                new SqlPushSubscriptions(db),
                live.rooms(),
                live.leases(),
                live.bus(),
                () -> live.reachable().getAsBoolean() && db.reachable(),
                () -> false, // the durable records are in the database; Redis holds live state only
                live.auditKey(),
                (key, clock, auditThreads) -> SqlAuditTrail.open(db, key, clock, auditThreads),
                live.housekeeping(),
                () -> {
                    try {
                        live.resources().close();
                    } finally {
                        db.close();
                        threads.close();
                    }
                });
    }

    /**
     * The engines for {@code config}: the durable records in PostgreSQL when {@code
     * HAVEN_DATABASE_URL} names one; else everything in Redis when it names one (a cluster); else the
     * durable records in SQLite in the data directory (one node; nothing lost on restart); the live
     * state in Redis or in memory. Fails with {@link StorageUnavailableException}, naming the setting
     * to check, when one of them cannot be reached or used.
     */
    public static Engines forConfig(ServerConfig config) {
        return forConfig(config, null);
    }

    /** As {@link #forConfig(ServerConfig)}, Redis command latencies recorded in {@code meters} (null: none). */
    public static Engines forConfig(ServerConfig config, @Nullable MeterRegistry meters) {
        return indexingEarlierAlerts(open(config, meters));
    }

    /**
     * Starts indexing for the search the alerts an earlier version stored ({@link
     * AlertStore#indexEarlierAlerts}), in the background: the node serves meanwhile.
     */
    private static Engines indexingEarlierAlerts(Engines engines) {
        engines.alerts().indexEarlierAlerts().whenComplete((indexed, failure) -> {
            if (failure != null) {
                log.warn(
                        "alerts stored before the search index not indexed ({}); the next start tries again",
                        (failure.getCause() != null ? failure.getCause() : failure)
                                .getClass()
                                .getSimpleName());
            } else if (indexed > 0) {
                log.info("alerts stored before the search index indexed count={}", indexed);
            }
        });
        return engines;
    }

    private static Engines open(ServerConfig config, @Nullable MeterRegistry meters) {
        ServerConfig.Storage storage = config.storage();
        String databaseUrl = storage.databaseUrl();
        if (databaseUrl != null) {
            Engines live = storage.redisUrl() == null ? inMemory(config) : redis(config, meters);
            return onDatabase(config, live, threads -> SqlDatabase.postgres(databaseUrl, threads));
        }
        if (storage.redisUrl() != null) {
            return redis(config, meters);
        }
        Path dataDirectory = storage.dataDirectory();
        if (dataDirectory != null) {
            return onDatabase(config, inMemory(config), threads -> SqlDatabase.sqlite(dataDirectory, threads));
        }
        return inMemory(config);
    }

    private static Engines onDatabase(
            ServerConfig config, Engines live, java.util.function.Function<NodeThreads, SqlDatabase> open) {
        NodeThreads threads = new NodeThreads();
        SqlDatabase db;
        try {
            db = open.apply(threads);
        } catch (RuntimeException e) {
            threads.close();
            try {
                live.resources().close();
            } catch (Exception ignored) {
                // the database's failure is the one to report
            }
            throw e;
        }
        return withDatabase(config, live, db, threads);
    }
}
