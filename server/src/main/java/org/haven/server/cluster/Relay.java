package org.haven.server.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Decoded;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.ProtocolCodec;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;
import org.haven.server.alert.StandIn;
import org.haven.server.api.ApiRequest;
import org.haven.server.api.ApiResponse;
import org.haven.server.api.ServingNode;
import org.haven.server.auth.Principal;
import org.haven.server.auth.Revocation;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.connection.SharedRoute;
import org.haven.server.presence.UserRef;
import org.haven.server.session.HelloOutcome;
import org.haven.server.session.RelayGateway;
import org.haven.server.session.RelayedHellos;
import org.haven.server.session.Session;
import org.haven.server.threads.NodeThreads;
import org.jspecify.annotations.Nullable;
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
 * <p>What travels is a {@link NodeMessage}, encoded by {@link NodeCodec}. A frame for clients marked
 * urgent (an alert notice, a follow-up due, a check-in request, a change of keys) goes to the
 * gateway twice, with an id the copies share: on the bus's urgent lane ({@link NodeBus#sendUrgent}),
 * ahead of the chat relayed to its clients, and in order with everything else. The gateway hands on
 * the first copy to arrive and drops the other ({@link #COPIES_KEPT}), so an urgent frame is never
 * later, nor after a frame or close sent after it, than it would be without the lane: like a local
 * connection's urgent frames, it can only move earlier.
 *
 * <p>Threading: the gateway side runs on the threads that call it (event loops, the bus's) and keeps
 * its state in concurrent maps. The owner side runs each relayed session on one of
 * {@link #OWNER_THREADS} threads ({@code haven-relay-N}), chosen by the session's key: a session's
 * requests are handled in order, one at a time, and sessions of different clients run in parallel.
 *
 * <p>Both sides live in one class (some 500 lines, formatted) because they are one protocol: what
 * the gateway sends, the owner reads, and the liveness checks and answer deadlines of each side
 * assume the other's; the encoding is {@link NodeCodec}'s, counting revocations
 * {@link RevocationCounts}'.
 */
public final class Relay implements RelayGateway, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    /**
     * How long the gateway waits for the owner's answer to a relayed {@code alert.raise} or
     * {@code alert.flag} before answering {@code alert_unconfirmed} itself (call the crisis line
     * now): the owner answers by its own deadline (1.2 s) when it is alive, so only a dead or cut-off
     * owner leaves this to the gateway, and the client still has an answer within 2 s.
     */
    static final Duration ANSWER_DEADLINE = Duration.ofMillis(1600);

    /**
     * How long the gateway waits for the owner's answer to a relayed help press before it stands in
     * ({@link StandIn}): an owner that is alive answers in milliseconds (p99.9 0.4 s under heavy
     * chat load, docs/benchmarks.md), and within its own 1.2 s deadline even when its store stalls;
     * this leaves the stand-in time to read the care record (250 ms at most), store the alert and
     * have it pushed within 2 s of the press even on a node busy taking the organisation up (at 1 s,
     * one failover run of three delivered at 2.03 s at p99). An owner slower than this is stood in
     * for too: the same alert id, so no second alert, only the care team told early.
     */
    static final Duration STAND_IN_AFTER = Duration.ofMillis(800);

    /** How long the stand-in's push to the care team waits for the store (as the owner's, {@code STORE_WAIT}). */
    private static final Duration STAND_IN_STORE_WAIT = Duration.ofMillis(250);

    /** How long a gateway remembers the copies of urgent frames it handed on, to drop their twins. */
    static final Duration COPIES_KEPT = Duration.ofMinutes(2);

    /** How many threads run the sessions relayed to this node. */
    static final int OWNER_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final String node;
    private final NodeBus bus;
    private final OrgOwnership ownership;
    private final RelayedHellos sessions;
    private final StandIn standIn;
    /** Gateway side: this node's connections relayed to an owner, by connection id. */
    private final Map<String, Gatewayed> gatewayed = new ConcurrentHashMap<>();
    /** Owner side: the sessions run here for other nodes' connections, by gateway and connection id. */
    private final Map<String, Remote> remotes = new ConcurrentHashMap<>();
    /** Owner side: each relayed session runs on one of these, chosen by its key. */
    private final ExecutorService[] owners = new ExecutorService[OWNER_THREADS];
    /** Revocations of this node waiting for the other nodes' counts. */
    private final RevocationCounts counts;
    /** Server API calls between this node and the nodes serving their organisations. */
    private final ApiForwarding api;
    /** Gateway side: the deadlines of relayed raises. */
    private final ScheduledExecutorService timer;
    /** Gateway side: the ids of urgent frames handed on, whose other copy is dropped. Any thread. */
    private final Cache<String, Boolean> copiesSeen = Caffeine.newBuilder()
            .expireAfterWrite(COPIES_KEPT)
            .maximumSize(100_000)
            .build();
    /** Owner side: numbers the urgent frames sent twice. */
    private final AtomicLong copies = new AtomicLong();

    public Relay(NodeBus bus, OrgOwnership ownership, RelayedHellos sessions, StandIn standIn, NodeThreads threads) {
        this.node = ownership.node();
        this.bus = bus;
        this.ownership = ownership;
        this.sessions = sessions;
        this.standIn = standIn;
        for (int i = 0; i < owners.length; i++) {
            owners[i] = threads.serial("relay-" + i);
        }
        this.timer = threads.timer();
        this.counts = new RevocationCounts(node, bus, timer);
        this.api = new ApiForwarding(node, ownership, bus, timer);
    }

    /** Where the server API's served calls run: here, or forwarded to the node serving their organisation. */
    public ServingNode servingNode() {
        return api;
    }

    /** How this node answers the server API calls other nodes forward to it (its API's {@code handleForwarded}). */
    public void answerApiWith(Function<ApiRequest, CompletionStage<ApiResponse>> local) {
        api.answerWith(local);
    }

    /** This node's id in the cluster. */
    public String node() {
        return node;
    }

    /**
     * Starts receiving from the bus; other nodes' revocations go to {@code revocations}, which says
     * how many sessions it ended here (the count goes back to the node that asked).
     */
    public CompletionStage<Void> start(ToIntFunction<NodeMessage.Revoked> revocations) {
        return start(revocations, user -> 0);
    }

    /**
     * As above; other nodes' disconnects go to {@code disconnects}, which says how many sessions it
     * closed here.
     */
    public CompletionStage<Void> start(
            ToIntFunction<NodeMessage.Revoked> revocations, ToIntFunction<UserRef> disconnects) {
        return bus.start(text -> {
            NodeMessage m = NodeCodec.decode(text);
            if (m == null) {
                log.warn("unreadable bus message dropped");
            } else if (m instanceof NodeMessage.Hello h) {
                onOwner(key(h.gateway(), h.connection()), () -> hello(h));
            } else if (m instanceof NodeMessage.In in) {
                onOwner(key(in.gateway(), in.connection()), () -> request(in));
            } else if (m instanceof NodeMessage.Gone gone) {
                onOwner(key(gone.gateway(), gone.connection()), () -> gone(gone));
            } else if (m instanceof NodeMessage.Revoked r) {
                if (!node.equals(r.from())) { // this node acted on its own broadcast already
                    int ended = revocations.applyAsInt(r);
                    if (r.ask() != null) {
                        send(r.from(), new NodeMessage.Ended(r.ask(), ended));
                    }
                }
            } else if (m instanceof NodeMessage.Disconnected d) {
                if (!node.equals(d.from())) { // this node closed its own already
                    int ended = disconnects.applyAsInt(new UserRef(d.org(), d.user()));
                    send(d.from(), new NodeMessage.Ended(d.ask(), ended));
                }
            } else if (m instanceof NodeMessage.Ended e) {
                counts.answered(e);
            } else if (m instanceof NodeMessage.ApiAsked a) {
                api.asked(a);
            } else if (m instanceof NodeMessage.ApiAnswered a) {
                api.answered(a);
            } else if (m instanceof NodeMessage.StoodIn s) {
                if (!node.equals(s.from())) { // the stand-in pushed to its own connections already
                    if (ownership.owns(s.org())) {
                        standIn.adopt(s.org(), s.alert());
                    } else {
                        toCareTeam(s.org(), new Outbound(s.frame().getBytes(StandardCharsets.UTF_8), true));
                    }
                }
            } else {
                toClient(m);
            }
        });
    }

    /**
     * Tells every other node that {@code revocation} holds; completes with how many sessions they
     * ended ({@link RevocationCounts}).
     */
    public CompletionStage<Integer> revokeElsewhere(Revocation revocation) {
        return counts.ask(revocation);
    }

    /**
     * Tells every other node to close {@code user}'s sessions now; completes with how many they
     * closed ({@link RevocationCounts}).
     */
    public CompletionStage<Integer> disconnectElsewhere(UserRef user) {
        return counts.askDisconnect(user);
    }

    // ---- gateway side ---------------------------------------------------------------------------

    /** A connection of this node whose session runs on another. */
    public final class Gatewayed implements RelayGateway.Relayed {
        private final Connection local;
        private final String owner;
        private final Principal principal;
        private final String org;
        /**
         * Raises and flags sent to the owner, by request id: {@code false} while unanswered, {@code
         * true} once this side answered for a silent owner (the owner's late answer is then dropped).
         * Each change is one atomic step, so exactly one answer reaches the client.
         */
        private final Map<String, Boolean> raises = new ConcurrentHashMap<>();
        /** Check-ins sent to the owner and not yet answered, by request id. */
        private final Set<String> checkIns = ConcurrentHashMap.newKeySet();
        /** What the owner confirmed on this connection: its last check-in, the last alert a press made. */
        private volatile StandIn.Seen seen = StandIn.Seen.NOTHING;
        /** Set when the connection must close once no press waits here for its answer. */
        private volatile @Nullable CloseCode closeWhenAnswered;

        private volatile String closeReason = "";

        private Gatewayed(Connection local, String owner, Principal principal) {
            this.local = local;
            this.owner = owner;
            this.principal = principal;
            this.org = principal.org();
        }

        @Override
        public void forward(ClientMessage message) {
            if (message instanceof ClientMessage.CheckInSubmit) {
                checkIns.add(message.id());
            }
            if (message instanceof ClientMessage.AlertRaise || message instanceof ClientMessage.AlertFlag) {
                String id = message.id();
                raises.put(id, false);
                try {
                    if (message instanceof ClientMessage.AlertRaise raise) {
                        timer.schedule(() -> standIn(raise), STAND_IN_AFTER.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    timer.schedule(() -> answerForOwner(id), ANSWER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    raises.remove(id);
                }
            }
            send(
                    owner,
                    new NodeMessage.In(
                            node, local.id(), ProtocolCodec.instance().encode(message)));
        }

        /**
         * The owner has not answered help press {@code raise} in {@link #STAND_IN_AFTER}: this node
         * stands in. The alert is pushed to the organisation's care team connected here once stored,
         * or after {@link #STAND_IN_STORE_WAIT} without an answer from the store; once stored, the
         * client is told "received" and the other nodes are told (the owner, if alive, adopts it;
         * the others push it to the care team connected to them). A store that fails or does not
         * answer leaves the client to {@link #answerForOwner}: call the crisis line now.
         */
        private void standIn(ClientMessage.AlertRaise raise) {
            String id = raise.id();
            if (!Boolean.FALSE.equals(raises.get(id))) {
                return; // answered by the owner
            }
            log.warn(
                    "relayed help press not answered by its node in {} ms; standing in node={} connection={}",
                    STAND_IN_AFTER.toMillis(),
                    owner,
                    local.id());
            standIn.raise(principal, raise, local.id(), seen).whenComplete((raised, refused) -> {
                if (refused != null) {
                    return;
                }
                java.util.concurrent.atomic.AtomicBoolean pushed = new java.util.concurrent.atomic.AtomicBoolean();
                Runnable push = () -> {
                    if (raised.frame() != null && pushed.compareAndSet(false, true)) {
                        toCareTeam(org, raised.frame());
                    }
                };
                java.util.concurrent.ScheduledFuture<?> waited;
                try {
                    waited = timer.schedule(push, STAND_IN_STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    return;
                }
                raised.stored().whenComplete((stored, failed) -> {
                    if (failed != null) {
                        push.run();
                        return;
                    }
                    if (!stored) {
                        waited.cancel(false); // the owner stored this press first: it answers and pushes
                        return;
                    }
                    push.run();
                    if (raised.frame() != null) {
                        bus.broadcast(NodeCodec.encode(new NodeMessage.StoodIn(
                                        node,
                                        org,
                                        raised.answer().alert(),
                                        raised.frame().text())))
                                .exceptionally(e -> null);
                    }
                    if (ownership.owns(org)) {
                        // This node took the organisation over while standing in: its take-up may
                        // have read the store before this alert was in it.
                        standIn.adopt(org, raised.answer().alert());
                    }
                    if (raises.replace(id, false, true)) {
                        seen = new StandIn.Seen(seen.checkIn(), raised.answer().alert());
                        local.send(Outbound.urgent(new ServerMessage.Ok(id, raised.answer())));
                        answered();
                    }
                });
            });
        }

        /** The owner has not answered raise {@code id} in time: the client is told to call the crisis line. */
        private void answerForOwner(String id) {
            if (raises.replace(id, false, true)) {
                log.warn(
                        "relayed alert not answered by its node in {} ms; answered here node={} connection={}",
                        ANSWER_DEADLINE.toMillis(),
                        owner,
                        local.id());
                local.send(Outbound.urgent(new ServerMessage.Error(
                        id, ErrorCode.ALERT_UNCONFIRMED, "the alert is not confirmed; call the crisis line now")));
                answered();
            }
        }

        /**
         * Whether {@code frame} from the owner goes to the client: not an answer this side already
         * gave. The owner's answers to a check-in and to a press are noted ({@link #seen}): a
         * stand-in needs them when the owner falls silent.
         */
        private boolean passes(String frame) {
            if (raises.isEmpty() && checkIns.isEmpty()) {
                return true;
            }
            String re = NodeCodec.answers(frame);
            if (re == null) {
                return true;
            }
            if (checkIns.remove(re)) {
                if (ProtocolCodec.instance().decodeServer(frame) instanceof ServerMessage.Ok ok
                        && ok.result() instanceof Result.CheckInRecorded recorded) {
                    seen = new StandIn.Seen(recorded.checkIn(), seen.alert());
                }
                return true;
            }
            Boolean answeredHere = raises.remove(re);
            if (answeredHere == null) {
                return true;
            }
            if (answeredHere) {
                return false;
            }
            if (ProtocolCodec.instance().decodeServer(frame) instanceof ServerMessage.Ok ok
                    && ok.result() instanceof Result.AlertReceived received) {
                seen = new StandIn.Seen(seen.checkIn(), received.alert());
            }
            answered();
            return true;
        }

        /**
         * Closes the client's connection with {@code code}: at once, or, while a press waits here for
         * its answer (the stand-in's, or the crisis-line one at {@link #ANSWER_DEADLINE} at the
         * latest), once it has it: a close must not swallow the answer to a help press.
         */
        private void closeWhenAnswered(CloseCode code, String reason) {
            if (!raises.containsValue(false)) {
                local.close(code, reason);
                return;
            }
            closeReason = reason;
            closeWhenAnswered = code;
            try {
                timer.schedule(() -> local.close(code, reason), ANSWER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                local.close(code, reason);
            }
        }

        /** A press was answered: a close waiting for it goes ahead when none waits any more. */
        private void answered() {
            CloseCode code = closeWhenAnswered;
            if (code != null && !raises.containsValue(false)) {
                local.close(code, closeReason);
            }
        }

        @Override
        public void closed(boolean abrupt) {
            if (gatewayed.remove(local.id(), this)) {
                send(owner, new NodeMessage.Gone(node, local.id(), abrupt));
            }
        }
    }

    @Override
    public Gatewayed open(Connection local, String owner, Principal principal, ClientMessage.Hello hello) {
        Gatewayed g = new Gatewayed(local, owner, principal);
        gatewayed.put(local.id(), g);
        send(
                owner,
                new NodeMessage.Hello(node, local.id(), ProtocolCodec.instance().encode(hello)));
        return g;
    }

    /** Gateway side: a frame or a close from the owner, for this node's clients. */
    private void toClient(NodeMessage m) {
        String copy = m instanceof NodeMessage.Out out
                ? out.copy()
                : m instanceof NodeMessage.OutMany many ? many.copy() : null;
        if (copy != null && copiesSeen.asMap().putIfAbsent(copy, Boolean.TRUE) != null) {
            return; // the other copy came first and was handed on
        }
        if (m instanceof NodeMessage.OutMany many) {
            Outbound frame = new Outbound(many.frame().getBytes(StandardCharsets.UTF_8), many.urgent());
            for (String id : many.connections()) {
                Gatewayed g = gatewayed.get(id);
                if (g != null) {
                    g.local.send(frame);
                }
            }
        } else if (m instanceof NodeMessage.Out out) {
            Gatewayed g = gatewayed.get(out.connection());
            if (g != null && g.passes(out.frame())) { // else the client is gone, or was answered here
                g.local.send(new Outbound(out.frame().getBytes(StandardCharsets.UTF_8), out.urgent()));
            }
        } else if (m instanceof NodeMessage.Close close) {
            Gatewayed g = gatewayed.get(close.connection());
            if (g != null && gatewayed.remove(g.local.id(), g)) {
                CloseCode code = CloseCode.of(close.code());
                g.local.close(code == null ? CloseCode.GOING_AWAY : code, close.reason());
            }
        }
    }

    /** Gateway side: {@code frame} to every connection of {@code org}'s care team relayed from here. */
    private void toCareTeam(String org, Outbound frame) {
        for (Gatewayed g : gatewayed.values()) {
            if (g.org.equals(org) && g.principal.role().isCareTeam()) {
                g.local.send(frame);
            }
        }
    }

    private void send(String to, NodeMessage message) {
        NodeMessage sent = message;
        if (message instanceof NodeMessage.Out out && out.urgent()) {
            sent = new NodeMessage.Out(out.connection(), out.frame(), true, nextCopy());
        } else if (message instanceof NodeMessage.OutMany many && many.urgent()) {
            sent = new NodeMessage.OutMany(many.connections(), many.frame(), true, nextCopy());
        }
        String text = NodeCodec.encode(sent);
        if (sent != message) {
            // The fast copy, best effort: the ordered copy below is the one that must arrive.
            bus.sendUrgent(to, text).exceptionally(e -> null);
        }
        bus.send(to, text).exceptionally(e -> {
            log.warn("relay message not sent node={} ({})", to, e.getClass().getSimpleName());
            return null;
        });
    }

    private String nextCopy() {
        return node + "-" + copies.incrementAndGet();
    }

    // ---- owner side ----------------------------------------------------------------------------

    /** A session run here for a connection on another node. On its owner thread only. */
    private final class Remote {
        final RemoteConnection connection;

        @Nullable
        Session session;

        final List<ClientMessage> pending = new ArrayList<>();
        boolean gone;

        Remote(RemoteConnection connection) {
            this.connection = connection;
        }
    }

    /** The route to a gateway's connections: a room event goes there once, with the ids of its members. */
    private final Map<String, SharedRoute> routes = new ConcurrentHashMap<>();

    private SharedRoute routeTo(String gateway) {
        return routes.computeIfAbsent(
                gateway, g -> (frame, ids) -> send(g, new NodeMessage.OutMany(ids, frame.text(), frame.urgent())));
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
            Relay.this.send(gateway, new NodeMessage.Out(id, frame.text(), frame.urgent()));
        }

        @Override
        public void close(CloseCode code, String reason) {
            Relay.this.send(gateway, new NodeMessage.Close(id, code.code(), reason));
            String key = key(gateway, id);
            onOwner(key, () -> ended(key));
        }

        @Override
        public boolean endedAbruptly() {
            return abrupt;
        }

        @Override
        public SharedRoute route() {
            return routeTo(gateway);
        }
    }

    /** Runs {@code task} on the owner thread of session {@code key}; once the relay is closed, nothing more runs. */
    private void onOwner(String key, Runnable task) {
        try {
            owners[Math.floorMod(key.hashCode(), owners.length)].execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("relay task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private static String key(String gateway, String id) {
        return gateway + "/" + id;
    }

    /** A later request of a relayed connection: to its session, or queued until the hello is answered. */
    private void request(NodeMessage.In in) {
        Remote r = remotes.get(key(in.gateway(), in.connection()));
        if (r == null) {
            // No session here for it (it was ended, or this node restarted): the client reconnects.
            send(in.gateway(), new NodeMessage.Close(in.connection(), CloseCode.GOING_AWAY.code(), "reconnect"));
            return;
        }
        Decoded decoded = ProtocolCodec.instance().decodeClient(in.message());
        if (!(decoded instanceof Decoded.Message message)) {
            return; // the gateway forwards only what it decoded
        }
        if (r.session == null) {
            r.pending.add(message.message());
        } else {
            r.session.onMessage(message.message());
        }
    }

    /** The gateway says the connection ended. */
    private void gone(NodeMessage.Gone gone) {
        String key = key(gone.gateway(), gone.connection());
        Remote r = remotes.get(key);
        if (r != null) {
            r.connection.abrupt = gone.abrupt();
            ended(key);
        }
    }

    private void hello(NodeMessage.Hello h) {
        if (!(ProtocolCodec.instance().decodeClient(h.hello()) instanceof Decoded.Message d)
                || !(d.message() instanceof ClientMessage.Hello hello)) {
            return;
        }
        String key = key(h.gateway(), h.connection());
        Remote r = new Remote(new RemoteConnection(h.gateway(), h.connection()));
        remotes.put(key, r);
        sessions.helloAsOwner(r.connection, hello)
                .whenComplete((outcome, failure) -> onOwner(key, () -> {
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
                        r.connection.close(
                                CloseCode.GOING_AWAY, "the organisation is served by another node; reconnect");
                    }
                }));
    }

    /** The connection behind {@code key} ended: its session closes (once). Its owner thread only. */
    private void ended(String key) {
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
                g.closeWhenAnswered(CloseCode.GOING_AWAY, "the cluster is unreachable; reconnect");
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
                            g.closeWhenAnswered(
                                    CloseCode.GOING_AWAY, "the node serving your organisation changed; reconnect");
                        }
                    }
                }
            }));
        }
        Set<String> gateways = new HashSet<>();
        remotes.values().forEach(r -> gateways.add(r.connection.gateway));
        for (String gateway : gateways) {
            ownership.alive(gateway).whenComplete((alive, failure) -> {
                if (failure == null && !alive) {
                    gatewayDied(gateway);
                }
            });
        }
    }

    /** Ends the sessions of a gateway that died, each on its own thread. Any thread. */
    private void gatewayDied(String gateway) {
        int ended = 0;
        for (Map.Entry<String, Remote> e : List.copyOf(remotes.entrySet())) {
            Remote r = e.getValue();
            if (r.connection.gateway.equals(gateway)) {
                String key = e.getKey();
                onOwner(key, () -> {
                    // Not "abrupt": the node's lease has run out already, which is all the grace there
                    // is (a leave must be seen within the presence time-to-live of a node's death).
                    r.connection.abrupt = false;
                    ended(key);
                    // A gateway whose lease only lapsed (a pause, a slow Redis) is alive: it must close
                    // its client, who reconnects, rather than relay to a session that is gone.
                    send(gateway, new NodeMessage.Close(r.connection.id, CloseCode.GOING_AWAY.code(), "reconnect"));
                });
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
        NodeThreads.stop(Duration.ofSeconds(2), owners);
    }
}
