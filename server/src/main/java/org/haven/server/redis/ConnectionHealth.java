package org.haven.server.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether every Redis connection of a client is up, from Lettuce's connection events: a connection
 * that dropped counts as down until it reconnects, unless it was closed on purpose (for example
 * the short-lived connection a Sentinel lookup makes). Thread-safe; called on Lettuce's threads.
 */
final class ConnectionHealth implements RedisConnectionStateListener {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHealth.class);

    private final Set<RedisChannelHandler<?, ?>> down = ConcurrentHashMap.newKeySet();

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress remote) {
        if (down.remove(connection)) {
            log.info("redis connection to {} is up again", remote);
        }
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        if (!connection.isClosed() && down.add(connection)) {
            log.warn("redis connection lost; commands fail until it reconnects");
        }
    }

    /** True when no connection that is still meant to be open is disconnected. */
    boolean allUp() {
        down.removeIf(RedisChannelHandler::isClosed);
        return down.isEmpty();
    }
}
