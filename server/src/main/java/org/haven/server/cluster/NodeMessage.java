package org.haven.server.cluster;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the nodes of a cluster tell each other over the {@link NodeBus}: a relayed connection's
 * requests one way (gateway to owner), its frames and close the other, and broadcasts to every node.
 * Encoded by {@link NodeCodec} only.
 */
public sealed interface NodeMessage {

    /** Gateway to owner: a client on {@code gateway} with connection {@code connection} said hello ({@code hello}: its JSON). */
    record Hello(String gateway, String connection, String hello) implements NodeMessage {
        public Hello {
            Objects.requireNonNull(gateway, "gateway");
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(hello, "hello");
        }
    }

    /** Gateway to owner: a later request of that connection ({@code message}: its JSON). */
    record In(String gateway, String connection, String message) implements NodeMessage {
        public In {
            Objects.requireNonNull(gateway, "gateway");
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Gateway to owner: the connection ended; {@code abrupt} when without a close handshake. */
    record Gone(String gateway, String connection, boolean abrupt) implements NodeMessage {
        public Gone {
            Objects.requireNonNull(gateway, "gateway");
            Objects.requireNonNull(connection, "connection");
        }
    }

    /**
     * Owner to gateway: a frame for one connection ({@code urgent}: it jumps the queue). {@code copy}
     * names an urgent frame sent twice, on the bus's urgent lane and in order on the other: the
     * gateway hands on whichever copy comes first and drops the other; null for a frame sent once.
     */
    record Out(
            String connection,
            String frame,
            boolean urgent,
            @Nullable String copy) implements NodeMessage {
        public Out {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(frame, "frame");
        }

        /** A frame sent once. */
        public Out(String connection, String frame, boolean urgent) {
            this(connection, frame, urgent, null);
        }
    }

    /** Owner to gateway: one frame for several connections (a room event); {@code copy} as for {@link Out}. */
    record OutMany(
            List<String> connections,
            String frame,
            boolean urgent,
            @Nullable String copy) implements NodeMessage {
        public OutMany {
            connections = List.copyOf(connections);
            Objects.requireNonNull(frame, "frame");
        }

        /** A frame sent once. */
        public OutMany(List<String> connections, String frame, boolean urgent) {
            this(connections, frame, urgent, null);
        }
    }

    /** Owner to gateway: close the connection with {@code code} and {@code reason}. */
    record Close(String connection, int code, String reason) implements NodeMessage {
        public Close {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Broadcast by {@code from}: a token ({@code token}) or a user ({@code org}, {@code user}) is
     * revoked until {@code until} (epoch milliseconds). Ids and a time only. With {@code ask}, each
     * node answers {@code from} with an {@link Ended} count under that id.
     */
    record Revoked(
            String from,
            @Nullable String token,
            @Nullable String org,
            @Nullable String user,
            long until,
            @Nullable String ask)
            implements NodeMessage {
        public Revoked {
            Objects.requireNonNull(from, "from");
            if (token == null && (org == null || user == null)) {
                throw new IllegalArgumentException("a revocation names a token or a user");
            }
        }
    }

    /**
     * Broadcast by {@code from}, a node that stood in for the silent node serving {@code org}: it
     * stored alert {@code alert}. The node serving the organisation adopts it; every other node
     * pushes {@code frame} (the alert, urgent) to the organisation's care team connected to it.
     */
    record StoodIn(String from, String org, String alert, String frame) implements NodeMessage {
        public StoodIn {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(org, "org");
            Objects.requireNonNull(alert, "alert");
            Objects.requireNonNull(frame, "frame");
        }
    }

    /**
     * Broadcast by {@code from}: close the sessions of user {@code user} of {@code org} now, revoking
     * nothing. Each node answers {@code from} with an {@link Ended} count under {@code ask}.
     */
    record Disconnected(String from, String org, String user, String ask) implements NodeMessage {
        public Disconnected {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(org, "org");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(ask, "ask");
        }
    }

    /** A node's answer to the revocation or disconnect asked as {@code ask}: it ended {@code sessions} sessions. */
    record Ended(String ask, int sessions) implements NodeMessage {
        public Ended {
            Objects.requireNonNull(ask, "ask");
        }
    }

    /**
     * To the node serving organisation {@code org}: answer this server API call ({@code request}, as
     * {@link ApiForwarding} writes it) and send the answer to {@code from} under {@code ask}.
     */
    record ApiAsked(String from, String ask, String request) implements NodeMessage {
        public ApiAsked {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(ask, "ask");
            Objects.requireNonNull(request, "request");
        }
    }

    /** The serving node's answer ({@code response}, as {@link ApiForwarding} writes it) to the call asked as {@code ask}. */
    record ApiAnswered(String ask, String response) implements NodeMessage {
        public ApiAnswered {
            Objects.requireNonNull(ask, "ask");
            Objects.requireNonNull(response, "response");
        }
    }
}
