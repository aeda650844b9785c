package org.haven.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.CloseCode;
import org.haven.server.config.ServerConfig;

/** Every open connection of this node: counted, and told to go away at shutdown. */
final class ConnectionRegistry {

    private final Set<ChannelConnection> open = ConcurrentHashMap.newKeySet();
    private final TransportCounters counters = new TransportCounters();
    /** One per event loop: the frames other threads send to its connections. */
    private final Map<EventLoop, LoopOutbox> outboxes = new ConcurrentHashMap<>();

    TransportCounters counters() {
        return counters;
    }

    /** A connection was refused because the node was full. */
    void refused() {
        counters.refused();
    }

    long refusedCount() {
        return counters.refusedCount();
    }

    /** How many connections the server closed with {@code code} since it started. */
    long closedWith(CloseCode code) {
        return counters.closedWith(code);
    }

    ChannelConnection register(Channel channel, ServerConfig config) {
        ChannelConnection connection = new ChannelConnection(
                channel,
                config.transport().outboundQueueMessages(),
                config.transport().outboundQueueBytes(),
                counters,
                outboxes.computeIfAbsent(channel.eventLoop(), LoopOutbox::new));
        open.add(connection);
        channel.closeFuture().addListener(f -> open.remove(connection));
        return connection;
    }

    int size() {
        return open.size();
    }

    /**
     * Sends "going away" to every connection and waits, up to {@code within}, for each to close
     * (each closes once its close frame is answered or its grace runs out). Returns whether all did.
     */
    boolean goingAway(Duration within) {
        List<ChannelFuture> closing = new ArrayList<>();
        for (ChannelConnection connection : open) {
            connection.close(CloseCode.GOING_AWAY, "server shutting down");
            closing.add(connection.closeFuture());
        }
        long deadline = System.nanoTime() + within.toNanos();
        for (ChannelFuture closed : closing) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !closed.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }
}
