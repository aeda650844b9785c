package org.haven.server.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.protocol.ConnectionIntent;
import io.lettuce.core.protocol.RedisProtocolException;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.haven.server.storage.StorageUnavailableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of Haven's Lettuce client, its threads and its connections: every Redis engine
 * works through an instance of this class, and {@link #close()} releases all of it.
 *
 * <p>Built from a {@code REDIS_URL} (see {@link RedisEndpoints} for the forms: one server, Sentinel,
 * or Redis Cluster seeds). Engines get {@link #commands()}, a {@link RedisClusterAsyncCommands} view
 * that is the same type for one server and for a cluster, so engine code does not know which it
 * talks to; on a cluster, commands are routed by key slot and multi-key commands must keep their
 * keys in one slot (hash tags, see {@link RedisKeys}).
 *
 * <p>Guarantees: nothing here blocks except {@link #open} (connects, so a wrong URL or an
 * unreachable Redis stops the start with a clear error) and {@link #close()}. Every command has a
 * time-out; a lost connection reconnects by itself (backoff 50 ms doubling to 2 s), and while it is
 * down commands fail at once with a {@code RedisException} instead of queueing, so callers see
 * trouble immediately rather than after the time-out; a command in flight when a connection breaks
 * fails with the connection's error. On a cluster, every master is connected at start; a master
 * that appears later (fail-over, resharding) is connected on first use, and commands that reach it
 * while that connection is being made are refused in the same way. Futures complete on Lettuce's I/O threads:
 * continue on your own executor for anything but short, non-blocking work.
 *
 * <p>Redis holds health data (check-ins, safety plans, contacts, alerts): it must be private to
 * Haven's nodes, with TLS ({@code rediss://}) whenever the network between them is not.
 */
public final class RedisConnections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisConnections.class);

    /** Default time-out of one command, and of connecting. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    /** A second connection, for what must not wait behind the first's traffic (the bus's urgent lane). */
    private final StatefulConnection<String, String> urgentConnection;

    private final RedisClusterAsyncCommands<String, String> urgentCommands;
    private final Supplier<CompletionStage<? extends StatefulRedisPubSubConnection<String, String>>> pubSub;
    private final ConnectionHealth health;
    private final boolean cluster;
    private final Set<StatefulRedisPubSubConnection<String, String>> subscribers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RedisConnections(
            ClientResources resources,
            AbstractRedisClient client,
            StatefulConnection<String, String> connection,
            RedisClusterAsyncCommands<String, String> commands,
            StatefulConnection<String, String> urgentConnection,
            RedisClusterAsyncCommands<String, String> urgentCommands,
            Supplier<CompletionStage<? extends StatefulRedisPubSubConnection<String, String>>> pubSub,
            ConnectionHealth health,
            boolean cluster) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.commands = commands;
        this.urgentConnection = urgentConnection;
        this.urgentCommands = urgentCommands;
        this.pubSub = pubSub;
        this.health = health;
        this.cluster = cluster;
    }

    /**
     * What is wrong with {@code url} as the node's Redis URL, in words safe to print (never the URL:
     * it may hold a password), or null when the node can use it: the configuration's check.
     */
    public static @Nullable String problemWith(String url) {
        return RedisEndpoints.problemWith(url);
    }

    /** Connects to {@code redisUrl} with {@link #DEFAULT_TIMEOUT}. */
    public static RedisConnections open(String redisUrl) {
        return open(redisUrl, DEFAULT_TIMEOUT);
    }

    /**
     * Connects to {@code redisUrl}; {@code timeout} bounds each command and each connection attempt.
     * Blocks until connected; throws {@link IllegalArgumentException} for a bad URL and
     * {@code RedisConnectionException} when Redis cannot be reached.
     */
    public static RedisConnections open(String redisUrl, Duration timeout) {
        return open(redisUrl, timeout, null);
    }

    /**
     * As {@link #open(String, Duration)}, recording every command's latency in {@code meters}
     * ({@code lettuce_command_completion_seconds} and {@code lettuce_command_firstresponse_seconds},
     * tagged with the command type and the Redis address; null records nothing).
     */
    public static RedisConnections open(String redisUrl, Duration timeout, @Nullable MeterRegistry meters) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        RedisEndpoints endpoints = RedisEndpoints.parse(redisUrl);
        endpoints.uris().forEach(uri -> uri.setTimeout(timeout));
        ClientResources.Builder builder = ClientResources.builder()
                .reconnectDelay(() ->
                        Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
        if (meters != null) {
            builder.commandLatencyRecorder(new MicrometerCommandLatencyRecorder(
                    meters, MicrometerOptions.builder().histogram(true).build()));
        }
        ClientResources resources = builder.build();
        ConnectionHealth health = new ConnectionHealth();
        try {
            return endpoints.cluster()
                    ? openCluster(resources, endpoints, timeout, health)
                    : openStandalone(resources, endpoints.uris().get(0), timeout, health);
        } catch (RuntimeException e) {
            shutdown(resources);
            throw e;
        }
    }

    /**
     * Why {@link #open} failed, in words safe to print ({@code connection refused}, {@code the user
     * name or password was refused}, ...), when Redis could not be reached or would not have the
     * connection; null for any other failure (a URL that cannot be read). Never Lettuce's message: it
     * may quote the URL.
     */
    public static @Nullable String whyUnreachable(RuntimeException failure) {
        if (!(failure instanceof RedisException)) {
            return null;
        }
        String connection = StorageUnavailableException.connectionProblem(failure);
        if (connection != null) {
            return connection;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandTimeoutException) {
                return "no answer in time";
            }
            if (t instanceof RedisProtocolException) {
                return "what answers is not Redis";
            }
            // Redis' own error: its first word is its code (WRONGPASS, NOAUTH, ERR ...).
            String message = t instanceof RedisCommandExecutionException ? t.getMessage() : null;
            if (message != null) {
                return message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.contains("AUTH")
                        ? "the user name or password was refused"
                        : "redis refused the connection (" + message.split(" ", 2)[0] + ")";
            }
        }
        return "cannot connect";
    }

    private static RedisConnections openStandalone(
            ClientResources resources, RedisURI uri, Duration timeout, ConnectionHealth health) {
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socketOptions(timeout))
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        client.addListener(health);
        try {
            StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
            StatefulRedisConnection<String, String> urgent = client.connect(StringCodec.UTF8);
            return new RedisConnections(
                    resources,
                    client,
                    connection,
                    connection.async(),
                    urgent,
                    urgent.async(),
                    () -> client.connectPubSubAsync(StringCodec.UTF8, uri),
                    health,
                    false);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2)); // nothing to wait for: the start fails now
            throw e;
        }
    }

    private static RedisConnections openCluster(
            ClientResources resources, RedisEndpoints endpoints, Duration timeout, ConnectionHealth health) {
        RedisClusterClient client = RedisClusterClient.create(resources, endpoints.uris());
        client.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socketOptions(timeout))
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .enableAllAdaptiveRefreshTriggers()
                        .build())
                .build());
        client.addListener(health);
        try {
            StatefulRedisClusterConnection<String, String> connection = client.connect(StringCodec.UTF8);
            connectToEveryMaster(connection);
            StatefulRedisClusterConnection<String, String> urgent = client.connect(StringCodec.UTF8);
            connectToEveryMaster(urgent);
            return new RedisConnections(
                    resources,
                    client,
                    connection,
                    connection.async(),
                    urgent,
                    urgent.async(),
                    () -> client.connectPubSubAsync(StringCodec.UTF8),
                    health,
                    true);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2)); // nothing to wait for: the start fails now
            throw e;
        }
    }

    /**
     * Opens the connection to each master now: Lettuce connects to a node on first use, and
     * commands that arrive while that connection is being made are refused like those to a node
     * that is down.
     */
    private static void connectToEveryMaster(StatefulRedisClusterConnection<String, String> connection) {
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                connection.getConnection(node.getUri().getHost(), node.getUri().getPort(), ConnectionIntent.WRITE);
            }
        }
    }

    private static SocketOptions socketOptions(Duration timeout) {
        return SocketOptions.builder()
                .connectTimeout(timeout)
                .keepAlive(true)
                .tcpNoDelay(true)
                .build();
    }

    /** Asynchronous commands, the same interface for one server and a cluster. Thread-safe, shared. */
    public RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    /**
     * Asynchronous commands on a connection of their own, for the few that must not queue behind
     * everything else the node sends (the bus's urgent lane: alerts). Thread-safe, shared.
     */
    public RedisClusterAsyncCommands<String, String> urgentCommands() {
        return urgentCommands;
    }

    /**
     * Opens a connection for publish/subscribe (on a cluster: one that follows the cluster's nodes),
     * without blocking. It belongs to this owner: {@link #close()} closes it; do not close it yourself.
     */
    public CompletionStage<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("redis connections are closed"));
        }
        return pubSub.get().thenApply(c -> {
            StatefulRedisPubSubConnection<String, String> connection = c;
            subscribers.add(connection);
            if (closed) {
                subscribers.remove(connection);
                connection.closeAsync();
                throw new IllegalStateException("redis connections are closed");
            }
            return connection;
        });
    }

    /** Whether every connection is up: false while one is reconnecting, and after {@link #close()}. */
    public boolean isUp() {
        return !closed && connection.isOpen() && health.allUp();
    }

    /**
     * Runs {@code task} every {@code period} on the client's own threads until {@link #close()}; a
     * failure is the task's to handle. For upkeep of connections (subscriptions), never blocking.
     */
    public void every(Duration period, Runnable task) {
        ScheduledExecutorService clientThreads = resources.eventExecutorGroup();
        upkeep.add(clientThreads.scheduleWithFixedDelay(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        log.warn("redis upkeep failed ({})", e.getClass().getSimpleName());
                    }
                },
                period.toMillis(),
                period.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    /** What {@link #every} scheduled: cancelled at {@link #close()}. The tasks only send commands, never wait. */
    private final List<Future<?>> upkeep = new CopyOnWriteArrayList<>();

    /** Whether this talks to a Redis Cluster. */
    public boolean isCluster() {
        return cluster;
    }

    /** Closes every connection, then the client and its threads. Blocks for at most a few seconds. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        upkeep.forEach(task -> task.cancel(false));
        subscribers.forEach(StatefulConnection::close);
        subscribers.clear();
        urgentConnection.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        shutdown(resources);
    }

    private static void shutdown(ClientResources resources) {
        Future<Boolean> done = resources.shutdown(0, 2, TimeUnit.SECONDS);
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The threads are told to stop; nothing more can be done here.
        }
    }
}
