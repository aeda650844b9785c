package org.haven.loadtest.ceiling;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The bare server's only state: rooms as channel groups (members leave them when they close) and named connections. */
final class CeilingRooms {

    private final Map<String, ChannelGroup> rooms = new ConcurrentHashMap<>();
    private final Map<String, Channel> named = new ConcurrentHashMap<>();

    ChannelGroup room(String name) {
        return rooms.computeIfAbsent(name, n -> new DefaultChannelGroup(n, GlobalEventExecutor.INSTANCE));
    }

    ChannelGroup existingRoom(String name) {
        return rooms.get(name);
    }

    void name(String user, Channel channel) {
        named.put(user, channel);
        channel.closeFuture().addListener(f -> named.remove(user, channel));
    }

    Channel named(String user) {
        return named.get(user);
    }
}
