package org.haven.server.transport;

import io.netty.channel.Channel;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.protocol.CloseCode;
import org.haven.server.config.ServerConfig;

/** Every open connection of this node: counted, and told to go away at shutdown. */
final class ConnectionRegistry {

    private final Set<ChannelConnection> open = ConcurrentHashMap.newKeySet();
    private final Map<CloseCode, LongAdder> closes = new EnumMap<>(CloseCode.class);

    ConnectionRegistry() {
        for (CloseCode code : CloseCode.values()) {
            closes.put(code, new LongAdder());
        }
    }

    private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();

    /** A connection was refused because the node was full. */
    void refused() {
        refused.increment();
    }

    long refusedCount() {
        return refused.sum();
    }

    /** How many connections the server closed with {@code code} since it started. */
    long closedWith(CloseCode code) {
        return closes.get(code).sum();
    }

    ChannelConnection register(Channel channel, ServerConfig config) {
        ChannelConnection connection =
                new ChannelConnection(channel, config.outboundQueueMessages(), config.outboundQueueBytes(),
                        code -> closes.get(code).increment());
        open.add(connection);
        channel.closeFuture().addListener(f -> open.remove(connection));
        return connection;
    }

    int size() {
        return open.size();
    }

    /** Sends "going away" to every connection; they close once the frame is written. */
    void goingAway() {
        for (ChannelConnection connection : open) {
            connection.close(CloseCode.GOING_AWAY, "server shutting down");
        }
    }
}
