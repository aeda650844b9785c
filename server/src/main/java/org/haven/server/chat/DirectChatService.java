package org.haven.server.chat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.E2e;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.auth.Principal;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Handlers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discreet chat: key directory, relay of sealed envelopes, offline mailbox. The server sees
 * public keys and ciphertext only, checks their shape, and never logs either.
 *
 * <p>Who may chat (in configuration): a client with the clinicians granted a room the client is
 * granted; clinicians (and supervisors) of one organisation with each other. Anything else is
 * {@code forbidden}. A user's grants are known from their last connection.
 *
 * <p>Threading: entry points from any thread (connections' threads, store completions); its maps
 * are concurrent.
 */
public final class DirectChatService {

    private static final Logger log = LoggerFactory.getLogger(DirectChatService.class);

    private record Known(Role role, Set<String> rooms) {}

    private record Device(UserRef user, String device) {}

    private final KeyDirectory keys;
    private final Mailbox mailbox;
    private final Clock clock;
    private final Duration ttl;
    private final boolean clinicianToClinician;
    private final Map<UserRef, Known> known = new ConcurrentHashMap<>();
    private final Map<UserRef, Set<Connection>> connectionsOfUser = new ConcurrentHashMap<>();
    private final Map<Device, Set<Connection>> connectionsOfDevice = new ConcurrentHashMap<>();
    private final Map<Connection, Device> deviceOfConnection = new ConcurrentHashMap<>();
    private final Map<UserRef, Set<UserRef>> partners = new ConcurrentHashMap<>();

    public DirectChatService(
            KeyDirectory keys, Mailbox mailbox, Clock clock, Duration ttl, boolean clinicianToClinician) {
        this.keys = keys;
        this.mailbox = mailbox;
        this.clock = clock;
        this.ttl = ttl;
        this.clinicianToClinician = clinicianToClinician;
    }

    /** A user connected: their role and grants are what the chat policy goes by. */
    public void userConnected(Principal p, Connection connection) {
        UserRef user = userOf(p);
        known.put(user, new Known(p.role(), p.rooms()));
        add(connectionsOfUser, user, connection);
    }

    /** A connection speaks for a device: it receives that device's messages, the waiting ones first. */
    public void deviceConnected(Principal p, String device, Connection connection) {
        Device d = new Device(userOf(p), device);
        Device before = deviceOfConnection.put(connection, d);
        if (before != null && !before.equals(d)) {
            remove(connectionsOfDevice, before, connection);
        }
        add(connectionsOfDevice, d, connection);
        mailbox.pending(d.user(), device, clock.instant()).thenAccept(messages -> {
            for (E2e.DirectMessage m : messages) {
                connection.send(Outbound.of(new ServerMessage.DmMessage(m)));
            }
        });
    }

    /** A connection of {@code user} closed: it is forgotten (in time independent of how many are open). */
    public void connectionClosed(UserRef user, Connection connection) {
        Device d = deviceOfConnection.remove(connection);
        if (d != null) {
            remove(connectionsOfDevice, d, connection);
        }
        remove(connectionsOfUser, user, connection);
    }

    // Sets are changed inside compute, so a set emptied and dropped by one thread is never added to by another.
    private static <K> void add(Map<K, Set<Connection>> index, K key, Connection connection) {
        index.compute(key, (k, set) -> {
            Set<Connection> out = set != null ? set : ConcurrentHashMap.newKeySet();
            out.add(connection);
            return out;
        });
    }

    private static <K> void remove(Map<K, Set<Connection>> index, K key, Connection connection) {
        index.computeIfPresent(key, (k, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    /** Registers the discreet chat's request handlers. */
    public void register(Handlers handlers) {
        handlers.on(
                        ClientMessage.KeysPublish.class,
                        r -> r.reply().complete(publish(r.principal(), r.connection(), r.message())))
                .on(ClientMessage.KeysFetch.class, r -> r.reply().complete(fetch(r.principal(), r.message())))
                .on(ClientMessage.DmSend.class, r -> r.reply().complete(send(r.principal(), r.message())))
                .on(ClientMessage.DmAck.class, r -> {
                    ack(r.principal(), r.connection(), r.message());
                    r.reply().ok();
                });
    }

    public CompletionStage<Result.KeysPublished> publish(
            Principal p, Connection connection, ClientMessage.KeysPublish m) {
        if (p.role() == Role.SUPPORT) {
            throw new Refusal(ErrorCode.FORBIDDEN, "the discreet chat is between clients and their clinicians");
        }
        UserRef user = userOf(p);
        String fingerprint = fingerprint(m.identityKey());
        E2e.DeviceBundle bundle =
                new E2e.DeviceBundle(m.device(), m.identityKey(), m.signingKey(), m.signedPrekey(), null, fingerprint);
        return keys.publish(user, bundle, m.oneTimePrekeys()).thenApply(previous -> {
            deviceConnected(p, m.device(), connection);
            if (previous.isPresent() && !previous.get().equals(fingerprint)) {
                Outbound notice = Outbound.urgent(new ServerMessage.KeysChanged(p.user(), m.device(), fingerprint));
                for (UserRef partner : partners.getOrDefault(user, Set.of())) {
                    connectionsOfUser.getOrDefault(partner, Set.of()).forEach(c -> c.send(notice));
                }
                log.info("identity key changed user={} device={}", p.user(), m.device());
            }
            return new Result.KeysPublished(m.device(), fingerprint);
        });
    }

    public CompletionStage<Result.KeyBundles> fetch(Principal p, ClientMessage.KeysFetch m) {
        UserRef other = new UserRef(p.org(), m.user());
        requireMayChat(p, other);
        link(userOf(p), other);
        return keys.fetch(other).thenApply(devices -> new Result.KeyBundles(m.user(), devices));
    }

    public CompletionStage<Result.DmSent> send(Principal p, ClientMessage.DmSend m) {
        UserRef to = new UserRef(p.org(), m.to());
        requireMayChat(p, to);
        Instant now = clock.instant();
        String id = "m-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        return keys.devices(to).thenCompose(devices -> {
            for (E2e.Envelope e : m.envelopes()) {
                if (!devices.contains(e.device())) {
                    throw new Refusal(ErrorCode.NOT_FOUND, "the recipient has no such device");
                }
            }
            List<CompletableFuture<Integer>> spaces = new ArrayList<>();
            for (E2e.Envelope e : m.envelopes()) {
                spaces.add(mailbox.space(to, e.device(), now).toCompletableFuture());
            }
            return CompletableFuture.allOf(spaces.toArray(CompletableFuture[]::new))
                    .thenCompose(v -> {
                        if (spaces.stream().anyMatch(s -> s.join() < 1)) {
                            throw new Refusal(ErrorCode.LIMIT_REACHED, "the recipient's mailbox is full");
                        }
                        return store(p, to, id, m.envelopes(), now);
                    });
        });
    }

    private CompletionStage<Result.DmSent> store(
            Principal p, UserRef to, String id, List<E2e.Envelope> envelopes, Instant now) {
        List<CompletableFuture<Boolean>> puts = new ArrayList<>();
        for (E2e.Envelope e : envelopes) {
            E2e.DirectMessage message = new E2e.DirectMessage(id, p.user(), e, now);
            puts.add(mailbox.put(to, e.device(), message, now.plus(ttl)).toCompletableFuture());
        }
        return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            if (puts.stream().anyMatch(put -> !put.join())) {
                // Another sender filled the mailbox between the check and the put: say so, never drop silently.
                throw new Refusal(ErrorCode.LIMIT_REACHED, "the recipient's mailbox is full");
            }
            link(userOf(p), to);
            int delivered = 0;
            for (E2e.Envelope e : envelopes) {
                Set<Connection> online = connectionsOfDevice.getOrDefault(new Device(to, e.device()), Set.of());
                if (!online.isEmpty()) {
                    delivered++;
                    Outbound frame =
                            Outbound.of(new ServerMessage.DmMessage(new E2e.DirectMessage(id, p.user(), e, now)));
                    online.forEach(c -> c.send(frame));
                }
            }
            return new Result.DmSent(id, delivered, envelopes.size());
        });
    }

    /** The device behind this connection has these messages: they leave its mailbox. */
    public void ack(Principal p, Connection connection, ClientMessage.DmAck m) {
        Device d = deviceOfConnection.get(connection);
        if (d == null) {
            throw new Refusal(ErrorCode.INVALID_MESSAGE, "publish keys or name the device in hello first");
        }
        mailbox.acknowledge(d.user(), d.device(), m.messages());
    }

    private void requireMayChat(Principal p, UserRef other) {
        if (!mayChat(p, other)) {
            throw new Refusal(
                    ErrorCode.FORBIDDEN,
                    "the discreet chat is between clients and the clinicians of"
                            + " their rooms, and between clinicians of one organisation");
        }
    }

    private boolean mayChat(Principal p, UserRef other) {
        Known them = known.get(other);
        if (them == null || !p.org().equals(other.org()) || other.user().equals(p.user())) {
            return false;
        }
        boolean meCare = p.role().isCareTeam();
        boolean themCare = them.role().isCareTeam();
        if (meCare && themCare) {
            return clinicianToClinician;
        }
        if (p.role() == Role.CLIENT && themCare) {
            return them.role() == Role.SUPERVISOR || shares(p.rooms(), them.rooms());
        }
        if (meCare && them.role() == Role.CLIENT) {
            return p.role() == Role.SUPERVISOR || shares(p.rooms(), them.rooms());
        }
        return false;
    }

    private static boolean shares(Set<String> a, Set<String> b) {
        for (String room : a) {
            if (b.contains(room)) {
                return true;
            }
        }
        return false;
    }

    private void link(UserRef a, UserRef b) {
        partners.computeIfAbsent(a, u -> ConcurrentHashMap.newKeySet()).add(b);
        partners.computeIfAbsent(b, u -> ConcurrentHashMap.newKeySet()).add(a);
    }

    /** The safety-number part of an identity key: hex SHA-256 of the key, 40 characters. */
    public static String fingerprint(E2e.PublicKey identityKey) {
        try {
            byte[] key = Base64.getDecoder().decode(identityKey.key().getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key))
                    .substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static UserRef userOf(Principal p) {
        return new UserRef(p.org(), p.user());
    }
}
