package org.haven.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Decoded;
import org.haven.protocol.ProtocolCodec;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.session.ClientSession;
import org.haven.server.session.HelloOutcome;
import org.haven.server.session.SessionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the connections of one node (the gateway, where the client is connected) to the node
 * serving the client's organisation (the owner, where its session runs), over the {@link NodeBus}.
 * The gateway checks the token, then forwards the hello and every later request; the owner runs the
 * session as for a local client, on a {@link Connection} whose frames go back to the gateway, which
 * writes them to the client with its own bounded queue. Either side's loss ends the session as a
 * lost connection would: the gateway closes its clients with {@link CloseCode#GOING_AWAY} when the
 * owner stops serving the organisation or the bus goes down (they reconnect and resume, every room
 * event they missed included); the owner treats the connections of a gateway that died as ended
 * abruptly (their departures are announced after the grace period).
 *
 * <p>Bus messages are small JSON objects: {@code k} the kind, {@code g} the gateway, {@code c} the
 * connection id (the gateway's), {@code m} a protocol message's JSON text.
 */
public final class Relay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String node;
    private final NodeBus bus;
    private final OrgOwnership ownership;
    private final SessionService sessions;
    /** Gateway side: this node's connections relayed to an owner, by connection id. */
    private final Map<String, Gatewayed> gatewayed = new ConcurrentHashMap<>();
    /** Owner side: the sessions run here for other nodes' connections, by gateway and connection id. */
    private final Map<String, Remote> remotes = new ConcurrentHashMap<>();
    /** Owner side runs on one thread: a relayed session's requests are handled in order, one at a time. */
    private final ExecutorService owner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "haven-relay");
        t.setDaemon(true);
        return t;
    });

    public Relay(NodeBus bus, OrgOwnership ownership, SessionService sessions) {
        this.node = ownership.node();
        this.bus = bus;
        this.ownership = ownership;
        this.sessions = sessions;
    }

    /** Starts receiving from the bus; other nodes' broadcasts go to {@code broadcasts}. */
    public java.util.concurrent.CompletionStage<Void> start(java.util.function.Consumer<JsonNode> broadcasts) {
        return bus.start(text -> {
            JsonNode m;
            try {
                m = JSON.readTree(text);
            } catch (Exception e) {
                log.warn("unreadable bus message dropped");
                return;
            }
            String kind = m.path("k").asText();
            switch (kind) {
                case "out", "outmany", "close" -> toClient(m);
                case "hello", "in", "gone" -> onOwner(() -> fromGateway(m));
                default -> {
                    if (!node.equals(m.path("from").asText())) {
                        broadcasts.accept(m); // this node acted on its own broadcast already
                    }
                }
            }
        });
    }

    /** Sends a broadcast to every other node. */
    public void broadcast(ObjectNode message) {
        bus.broadcast(message.put("from", node).toString()).exceptionally(e -> {
            log.warn("broadcast not sent ({})", e.getClass().getSimpleName());
            return null;
        });
    }

    /** A JSON object to fill for {@link #broadcast}. */
    public static ObjectNode message(String kind) {
        return JSON.createObjectNode().put("k", kind);
    }

    // ---- gateway side ---------------------------------------------------------------------------

    /** A connection of this node whose session runs on another. */
    public final class Gatewayed {
        private final Connection local;
        private final String owner;
        private final String org;

        private Gatewayed(Connection local, String owner, String org) {
            this.local = local;
            this.owner = owner;
            this.org = org;
        }

        /** Forwards a request. */
        public void forward(ClientMessage message) {
            send(owner, message("in").put("g", node).put("c", local.id())
                    .put("m", ProtocolCodec.instance().encode(message)));
        }

        /** The client's connection ended (abruptly: without a close handshake). */
        public void closed(boolean abrupt) {
            if (gatewayed.remove(local.id(), this)) {
                send(owner, message("gone").put("g", node).put("c", local.id()).put("abrupt", abrupt));
            }
        }
    }

    /** Relays {@code local} to {@code owner}, which serves {@code org}, starting with its hello. */
    public Gatewayed open(Connection local, String owner, String org, ClientMessage.Hello hello) {
        Gatewayed g = new Gatewayed(local, owner, org);
        gatewayed.put(local.id(), g);
        send(owner, message("hello").put("g", node).put("c", local.id())
                .put("m", ProtocolCodec.instance().encode(hello)));
        return g;
    }

    private void toClient(JsonNode m) {
        if (m.path("k").asText().equals("outmany")) {
            Outbound frame = new Outbound(m.path("m").asText().getBytes(StandardCharsets.UTF_8), m.path("u").asBoolean());
            for (JsonNode id : m.path("cs")) {
                Gatewayed g = gatewayed.get(id.asText());
                if (g != null) {
                    g.local.send(frame);
                }
            }
            return;
        }
        Gatewayed g = gatewayed.get(m.path("c").asText());
        if (g == null) {
            return; // the client is gone already
        }
        if (m.path("k").asText().equals("out")) {
            g.local.send(new Outbound(m.path("m").asText().getBytes(StandardCharsets.UTF_8), m.path("u").asBoolean()));
        } else {
            gatewayed.remove(g.local.id(), g);
            CloseCode code = CloseCode.of(m.path("code").asInt());
            g.local.close(code == null ? CloseCode.GOING_AWAY : code, m.path("r").asText());
        }
    }

    private void send(String to, ObjectNode message) {
        bus.send(to, message.toString()).exceptionally(e -> {
            log.warn("relay message not sent node={} ({})", to, e.getClass().getSimpleName());
            return null;
        });
    }

    // ---- owner side ----------------------------------------------------------------------------

    /** A session run here for a connection on another node. Owner thread only. */
    private final class Remote {
        final RemoteConnection connection;
        ClientSession session;
        final List<ClientMessage> pending = new ArrayList<>();
        boolean gone;

        Remote(RemoteConnection connection) {
            this.connection = connection;
        }
    }

    /** The route to a gateway's connections: a room event goes there once, with the ids of its members. */
    private final Map<String, org.haven.server.connection.SharedRoute> routes = new ConcurrentHashMap<>();

    private org.haven.server.connection.SharedRoute routeTo(String gateway) {
        return routes.computeIfAbsent(gateway, g -> (frame, ids) -> {
            ObjectNode m = message("outmany").put("u", frame.urgent()).put("m", frame.text());
            com.fasterxml.jackson.databind.node.ArrayNode cs = m.putArray("cs");
            ids.forEach(cs::add);
            send(g, m);
        });
    }

    /** The owner's view of a gateway's connection: frames and closes go back over the bus. */
    private final class RemoteConnection implements Connection {
        final String gateway;
        final String id;
        volatile boolean abrupt;

        RemoteConnection(String gateway, String id) {
            this.gateway = gateway;
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void send(Outbound frame) {
            Relay.this.send(gateway, message("out").put("c", id).put("u", frame.urgent()).put("m", frame.text()));
        }

        @Override
        public void close(CloseCode code, String reason) {
            Relay.this.send(gateway, message("close").put("c", id).put("code", code.code()).put("r", reason));
            onOwner(() -> ended(key(gateway, id), false));
        }

        @Override
        public boolean endedAbruptly() {
            return abrupt;
        }

        @Override
        public org.haven.server.connection.SharedRoute route() {
            return routeTo(gateway);
        }
    }

    /** Runs {@code task} on the owner thread; once the relay is closed, nothing more runs. */
    private void onOwner(Runnable task) {
        try {
            owner.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("relay task failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private static String key(String gateway, String id) {
        return gateway + "/" + id;
    }

    private void fromGateway(JsonNode m) {
        String gateway = m.path("g").asText();
        String id = m.path("c").asText();
        String key = key(gateway, id);
        switch (m.path("k").asText()) {
            case "hello" -> hello(key, gateway, id, m.path("m").asText());
            case "in" -> {
                Remote r = remotes.get(key);
                if (r == null) {
                    return;
                }
                Decoded decoded = ProtocolCodec.instance().decodeClient(m.path("m").asText());
                if (!(decoded instanceof Decoded.Message message)) {
                    return; // the gateway forwards only what it decoded
                }
                if (r.session == null) {
                    r.pending.add(message.message());
                } else {
                    r.session.onMessage(message.message());
                }
            }
            case "gone" -> {
                Remote r = remotes.get(key);
                if (r != null) {
                    r.connection.abrupt = m.path("abrupt").asBoolean();
                    ended(key, true);
                }
            }
            default -> { }
        }
    }

    private void hello(String key, String gateway, String id, String text) {
        if (!(ProtocolCodec.instance().decodeClient(text) instanceof Decoded.Message d)
                || !(d.message() instanceof ClientMessage.Hello hello)) {
            return;
        }
        Remote r = new Remote(new RemoteConnection(gateway, id));
        remotes.put(key, r);
        sessions.helloAsOwner(r.connection, hello).whenComplete((outcome, failure) -> onOwner(() -> {
            if (outcome instanceof HelloOutcome.Accepted accepted) {
                r.session = accepted.session();
                if (r.gone) {
                    r.session.onClosed();
                    return;
                }
                for (ClientMessage pending : r.pending) {
                    r.session.onMessage(pending);
                }
                r.pending.clear();
                return;
            }
            remotes.remove(key, r);
            if (outcome instanceof HelloOutcome.Refused refused) {
                r.connection.close(refused.code(), refused.reason());
            } else {
                r.connection.close(CloseCode.GOING_AWAY, "the organisation is served by another node; reconnect");
            }
        }));
    }

    /** The connection behind {@code key} ended: its session closes (once). Owner thread only. */
    private void ended(String key, boolean fromGateway) {
        Remote r = remotes.remove(key);
        if (r == null) {
            return;
        }
        r.gone = true;
        if (r.session != null) {
            r.session.onClosed();
        }
    }

    // ---- liveness ------------------------------------------------------------------------------

    /**
     * Checks both ends (on a timer): the gateway closes its relayed clients whose organisation is no
     * longer served by the node they were relayed to, or all of them while the bus is down; the owner
     * ends the sessions of gateways that died.
     */
    public void check() {
        if (!bus.isUp()) {
            for (Gatewayed g : List.copyOf(gatewayed.values())) {
                gatewayed.remove(g.local.id(), g);
                g.local.close(CloseCode.GOING_AWAY, "the cluster is unreachable; reconnect");
            }
        } else {
            Map<String, String> ownerOfOrg = new HashMap<>();
            for (Gatewayed g : gatewayed.values()) {
                ownerOfOrg.putIfAbsent(g.org, g.owner);
            }
            ownerOfOrg.forEach((org, was) -> ownership.holderOf(org).whenComplete((holder, failure) -> {
                if (failure == null && (holder.isEmpty() || !holder.get().equals(was))) {
                    for (Gatewayed g : List.copyOf(gatewayed.values())) {
                        if (g.org.equals(org) && g.owner.equals(was)) {
                            gatewayed.remove(g.local.id(), g);
                            g.local.close(CloseCode.GOING_AWAY, "the node serving your organisation changed; reconnect");
                        }
                    }
                }
            }));
        }
        onOwner(() -> {
            Set<String> gateways = new HashSet<>();
            remotes.values().forEach(r -> gateways.add(r.connection.gateway));
            for (String gateway : gateways) {
                ownership.alive(gateway).whenComplete((alive, failure) -> {
                    if (failure == null && !alive) {
                        onOwner(() -> gatewayDied(gateway));
                    }
                });
            }
        });
    }

    private void gatewayDied(String gateway) {
        int ended = 0;
        for (Map.Entry<String, Remote> e : List.copyOf(remotes.entrySet())) {
            if (e.getValue().connection.gateway.equals(gateway)) {
                // Not "abrupt": the node's lease has run out already, which is all the grace there is
                // (a leave must be seen within the presence time-to-live of a node's death).
                e.getValue().connection.abrupt = false;
                ended(e.getKey(), true);
                ended++;
            }
        }
        routes.remove(gateway);
        log.warn("node gone; its relayed sessions end node={} sessions={}", gateway, ended);
    }

    /** Sessions run here for other nodes, and connections of this node relayed elsewhere. */
    public int relayedIn() {
        return remotes.size();
    }

    /** Tells every client relayed here or from here to reconnect (this node is stopping). */
    @Override
    public void close() {
        for (Gatewayed g : List.copyOf(gatewayed.values())) {
            g.local.close(CloseCode.GOING_AWAY, "the server is shutting down");
        }
        gatewayed.clear();
        for (Remote r : List.copyOf(remotes.values())) {
            r.connection.close(CloseCode.GOING_AWAY, "the server is shutting down");
        }
        owner.shutdown();
        try {
            owner.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
