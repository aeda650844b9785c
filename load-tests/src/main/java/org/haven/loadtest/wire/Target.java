package org.haven.loadtest.wire;

import java.net.URI;
import java.util.Locale;

/** The servers the generator measures, each with its WebSocket endpoint and its dialect. */
public enum Target {

    /** Haven itself: the published protocol at {@code /ws}. */
    HAVEN("/ws", null),
    /** The Socket.IO 4.8 peer: Engine.IO v4 over a raw WebSocket. */
    SOCKETIO("/socket.io/", "EIO=4&transport=websocket"),
    /** The bare Netty broadcast server: the ceiling of what Netty does on this machine. */
    CEILING("/ws", null);

    private final String path;
    private final String query;

    Target(String path, String query) {
        this.path = path;
        this.query = query;
    }

    /** The name on the command line and in reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line name ({@code haven}, {@code socketio}, {@code ceiling}). */
    public static Target parse(String name) {
        for (Target target : values()) {
            if (target.label().equals(name)) {
                return target;
            }
        }
        throw new IllegalArgumentException("--target: unknown target '" + name + "' (known: haven, socketio, ceiling)");
    }

    /** The endpoint for a server URL: its own path if it has one, else this target's. */
    public URI endpoint(URI server) {
        String given = server.getRawPath();
        if (given != null && !given.isEmpty() && !given.equals("/")) {
            return server;
        }
        return URI.create("ws://" + server.getRawAuthority() + path + (query == null ? "" : "?" + query));
    }

    /** A new connection of this target's dialect. */
    public WirePeer peer(Identity identity, PeerEvents events) {
        return switch (this) {
            case HAVEN -> new HavenPeer(identity, events);
            case SOCKETIO -> new SocketIoPeer(identity, events);
            case CEILING -> new CeilingPeer(identity, events);
        };
    }
}
