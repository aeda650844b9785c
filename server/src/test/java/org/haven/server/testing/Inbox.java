package org.haven.server.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.haven.protocol.CloseCode;
import org.haven.protocol.ProtocolCodec;
import org.haven.protocol.ServerMessage;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;

/** A connection for in-process tests: it keeps what it is sent, decoded, and whether it was closed. */
public final class Inbox implements Connection {

    private static final AtomicInteger IDS = new AtomicInteger();

    private final String id = "c-" + IDS.incrementAndGet();
    /** Every message sent, in order. */
    public final List<ServerMessage> received = new CopyOnWriteArrayList<>();

    private volatile CloseCode closed;

    @Override
    public String id() {
        return id;
    }

    @Override
    public void send(Outbound frame) {
        received.add(ProtocolCodec.instance().decodeServer(frame.text()));
    }

    @Override
    public void close(CloseCode code, String reason) {
        closed = code;
    }

    /** The close code it was closed with, or null. */
    public CloseCode closed() {
        return closed;
    }

    /** The messages of one type, in order. */
    public <T extends ServerMessage> List<T> all(Class<T> type) {
        return received.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
