package org.haven.loadtest.ceiling;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bare server's only state: rooms (their members grouped by event loop; members leave when they
 * close), named connections, and one {@link LoopWriter} per event loop.
 */
final class CeilingRooms {

    /** A room: its members by the event loop they live on. */
    static final class Room {
        private final Map<EventLoop, Set<Channel>> byLoop = new ConcurrentHashMap<>();

        void add(Channel member) {
            Set<Channel> members = byLoop.computeIfAbsent(member.eventLoop(), l -> ConcurrentHashMap.newKeySet());
            members.add(member);
            member.closeFuture().addListener(f -> members.remove(member));
        }
    }

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Map<String, Channel> named = new ConcurrentHashMap<>();
    private final Map<EventLoop, LoopWriter> writers = new ConcurrentHashMap<>();

    Room room(String name) {
        return rooms.computeIfAbsent(name, n -> new Room());
    }

    Room existingRoom(String name) {
        return rooms.get(name);
    }

    void name(String user, Channel channel) {
        named.put(user, channel);
        channel.closeFuture().addListener(f -> named.remove(user, channel));
    }

    Channel named(String user) {
        return named.get(user);
    }

    /**
     * Sends {@code payload} (a text frame's content; not taken) to every member of {@code room}:
     * encoded once as a WebSocket frame, handed to each member's loop once.
     */
    void post(Room room, ByteBuf payload, ByteBufAllocator alloc) {
        ByteBuf frame = encode(payload, alloc);
        try {
            room.byLoop.forEach((loop, members) -> {
                if (!members.isEmpty()) {
                    writers.computeIfAbsent(loop, LoopWriter::new).post(members, frame.retain());
                }
            });
        } finally {
            frame.release();
        }
    }

    /** Sends {@code payload} (not taken) to {@code to} alone, encoded as a WebSocket frame. */
    void direct(Channel to, ByteBuf payload, ByteBufAllocator alloc) {
        writers.computeIfAbsent(to.eventLoop(), LoopWriter::new).post(Set.of(to), encode(payload, alloc));
    }

    /**
     * A final, unmasked text frame of {@code payload} as RFC 6455 puts it on the wire (a server's
     * frames are not masked): the first byte, the length in 7, 7+16 or 7+64 bits, the payload.
     */
    static ByteBuf encode(ByteBuf payload, ByteBufAllocator alloc) {
        int length = payload.readableBytes();
        int header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
        ByteBuf frame = alloc.directBuffer(header + length);
        frame.writeByte(0x81); // FIN, text
        if (length < 126) {
            frame.writeByte(length);
        } else if (length < 65_536) {
            frame.writeByte(126);
            frame.writeShort(length);
        } else {
            frame.writeByte(127);
            frame.writeLong(length);
        }
        frame.writeBytes(payload, payload.readerIndex(), length);
        return frame;
    }
}
