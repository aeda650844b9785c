package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

/**
 * A request from a client. Every request carries a client-chosen {@code id}; the server answers
 * each with exactly one {@link ServerMessage.Ok} or {@link ServerMessage.Error} whose {@code re}
 * is that id.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClientMessage.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = ClientMessage.TokenRefresh.class, name = "token.refresh"),
    @JsonSubTypes.Type(value = ClientMessage.Ping.class, name = "ping"),
    @JsonSubTypes.Type(value = ClientMessage.RoomJoin.class, name = "room.join"),
    @JsonSubTypes.Type(value = ClientMessage.RoomLeave.class, name = "room.leave"),
    @JsonSubTypes.Type(value = ClientMessage.ChatSend.class, name = "chat.send"),
    @JsonSubTypes.Type(value = ClientMessage.PresenceSet.class, name = "presence.set"),
    @JsonSubTypes.Type(value = ClientMessage.PresenceQuery.class, name = "presence.query"),
    @JsonSubTypes.Type(value = ClientMessage.CheckInSubmit.class, name = "checkin.submit"),
    @JsonSubTypes.Type(value = ClientMessage.CheckInDecline.class, name = "checkin.decline"),
    @JsonSubTypes.Type(value = ClientMessage.ContactsSet.class, name = "care.contacts.set"),
    @JsonSubTypes.Type(value = ClientMessage.PlanSet.class, name = "care.plan.set"),
    @JsonSubTypes.Type(value = ClientMessage.RiskSet.class, name = "care.risk.set"),
    @JsonSubTypes.Type(value = ClientMessage.CareRecordGet.class, name = "care.record.get"),
    @JsonSubTypes.Type(value = ClientMessage.AlertRaise.class, name = "alert.raise"),
    @JsonSubTypes.Type(value = ClientMessage.AlertFlag.class, name = "alert.flag"),
    @JsonSubTypes.Type(value = ClientMessage.AlertConfirm.class, name = "alert.confirm"),
    @JsonSubTypes.Type(value = ClientMessage.AlertAcknowledge.class, name = "alert.acknowledge"),
    @JsonSubTypes.Type(value = ClientMessage.AlertEngage.class, name = "alert.engage"),
    @JsonSubTypes.Type(value = ClientMessage.AlertAction.class, name = "alert.action"),
    @JsonSubTypes.Type(value = ClientMessage.AlertResolve.class, name = "alert.resolve"),
    @JsonSubTypes.Type(value = ClientMessage.AlertFollowUp.class, name = "alert.follow_up"),
    @JsonSubTypes.Type(value = ClientMessage.AlertList.class, name = "alert.list"),
    @JsonSubTypes.Type(value = ClientMessage.SessionConfigure.class, name = "session.configure"),
    @JsonSubTypes.Type(value = ClientMessage.SessionPause.class, name = "session.pause"),
    @JsonSubTypes.Type(value = ClientMessage.SessionResume.class, name = "session.resume"),
    @JsonSubTypes.Type(value = ClientMessage.SessionEnd.class, name = "session.end"),
    @JsonSubTypes.Type(value = ClientMessage.RoomAdmit.class, name = "room.admit"),
    @JsonSubTypes.Type(value = ClientMessage.RoomDecline.class, name = "room.decline"),
    @JsonSubTypes.Type(value = ClientMessage.RoomRemove.class, name = "room.remove"),
    @JsonSubTypes.Type(value = ClientMessage.BreakoutStart.class, name = "breakout.start"),
    @JsonSubTypes.Type(value = ClientMessage.BreakoutReturn.class, name = "breakout.return"),
    @JsonSubTypes.Type(value = ClientMessage.RtcSignal.class, name = "rtc.signal"),
    @JsonSubTypes.Type(value = ClientMessage.KeysPublish.class, name = "keys.publish"),
    @JsonSubTypes.Type(value = ClientMessage.KeysFetch.class, name = "keys.fetch"),
    @JsonSubTypes.Type(value = ClientMessage.DmSend.class, name = "dm.send"),
    @JsonSubTypes.Type(value = ClientMessage.DmAck.class, name = "dm.ack"),
    @JsonSubTypes.Type(value = ClientMessage.PushSubscribe.class, name = "push.subscribe"),
    @JsonSubTypes.Type(value = ClientMessage.PushUnsubscribe.class, name = "push.unsubscribe"),
    @JsonSubTypes.Type(value = ClientMessage.PushList.class, name = "push.list"),
})
public sealed interface ClientMessage {

    /** The client-chosen request id, echoed as {@code re} in the reply. */
    String id();

    /**
     * The first message of every connection: the JWT and the protocol versions the client speaks.
     * Answered with {@code ok} carrying a {@link Result.Welcome}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Hello(
            String id,
            String token,
            List<Integer> versions,
            String device,
            String resumeToken,
            java.util.Map<String, Long> lastSeq)
            implements ClientMessage {
        public Hello {
            Fields.id(id);
            Fields.required(token, "token");
            Fields.required(versions, "versions");
            if (versions.isEmpty()) {
                throw new IllegalArgumentException("versions: empty");
            }
            versions = List.copyOf(versions);
            if (device != null) {
                Fields.text(device, "device", 64);
            }
            if (lastSeq != null && lastSeq.size() > 64) {
                throw new IllegalArgumentException("lastSeq: " + lastSeq.size() + " rooms (expected: <= 64)");
            }
            lastSeq = lastSeq == null ? null : java.util.Map.copyOf(lastSeq);
        }

        /** A first hello: no device, nothing to resume. */
        public Hello(String id, String token, List<Integer> versions) {
            this(id, token, versions, null, null, null);
        }
    }

    /** Replaces the connection's token with a newer one for the same user before it expires. */
    record TokenRefresh(String id, String token) implements ClientMessage {
        public TokenRefresh {
            Fields.id(id);
            Fields.required(token, "token");
        }
    }

    /** An application-level ping for clients (such as browsers) that cannot send WebSocket pings. */
    record Ping(String id) implements ClientMessage {
        public Ping {
            Fields.id(id);
        }
    }

    /** Joins a room the caller's token grants. Answered with a {@link Result.RoomSnapshot}. */
    record RoomJoin(String id, String room) implements ClientMessage {
        public RoomJoin {
            Fields.id(id);
            Fields.roomId(room);
        }
    }

    /** Leaves a room this connection joined. */
    record RoomLeave(String id, String room) implements ClientMessage {
        public RoomLeave {
            Fields.id(id);
            Fields.roomId(room);
        }
    }

    /** Posts a message to a room's group chat. Answered with a {@link Result.ChatSent}. */
    record ChatSend(String id, String room, String text) implements ClientMessage {
        public ChatSend {
            Fields.id(id);
            Fields.roomId(room);
            Fields.required(text, "text");
        }
    }

    /** Sets the caller's presence status, shown in every room they have joined. */
    record PresenceSet(String id, PresenceStatus status) implements ClientMessage {
        public PresenceSet {
            Fields.id(id);
            Fields.required(status, "status");
        }
    }

    /** Asks for the presence of a room's members. Answered with a {@link Result.PresenceList}. */
    record PresenceQuery(String id, String room) implements ClientMessage {
        public PresenceQuery {
            Fields.id(id);
            Fields.roomId(room);
        }
    }

    /**
     * A client confirms where they are for a session of {@code room}. {@code coordinates} only
     * with consent. Answered with {@link Result.CheckInRecorded}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CheckInSubmit(
            String id,
            String room,
            Care.Address address,
            Care.Coordinates coordinates,
            String callbackPhone,
            boolean privateSetting)
            implements ClientMessage {
        public CheckInSubmit {
            Fields.id(id);
            Fields.roomId(room);
            Fields.required(address, "address");
            Fields.phone(callbackPhone, "callbackPhone");
        }
    }

    /** A client declines to confirm their location for a session of {@code room}. */
    record CheckInDecline(String id, String room) implements ClientMessage {
        public CheckInDecline {
            Fields.id(id);
            Fields.roomId(room);
        }
    }

    /**
     * Replaces a client's emergency contacts with a new version. {@code client} is absent when
     * clients edit their own; a clinician names the client. Answered with {@link Result.CareVersion}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ContactsSet(String id, String client, List<Care.EmergencyContact> contacts) implements ClientMessage {
        public ContactsSet {
            Fields.id(id);
            Fields.required(contacts, "contacts");
            if (contacts.size() > 10) {
                throw new IllegalArgumentException("contacts: " + contacts.size() + " (expected: <= 10)");
            }
            contacts = List.copyOf(contacts);
        }
    }

    /** Replaces a client's safety plan with a new version; {@code client} as for {@link ContactsSet}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PlanSet(String id, String client, Care.SafetyPlan plan) implements ClientMessage {
        public PlanSet {
            Fields.id(id);
            Fields.required(plan, "plan");
        }
    }

    /**
     * A clinician (or supervisor) records a client's assessed risk as a new version: the level, and
     * optionally its {@code source} and when it was assessed. Never the client's own. Answered with
     * {@link Result.CareVersion}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RiskSet(String id, String client, Care.RiskLevel level, Care.RiskSource source, Instant assessedAt)
            implements ClientMessage {
        public RiskSet {
            Fields.id(id);
            Fields.required(client, "client");
            Fields.required(level, "level");
        }

        /** The risk as it is stored. */
        public Care.Risk risk() {
            return new Care.Risk(level, source, assessedAt);
        }
    }

    /** A clinician reads a client's care record for a room they are granted. Answered with {@link Result.CareRecord}. */
    record CareRecordGet(String id, String client, String room) implements ClientMessage {
        public CareRecordGet {
            Fields.id(id);
            Fields.required(client, "client");
            Fields.roomId(room);
        }
    }

    /**
     * The client's discreet help button: nobody else in the room sees anything. {@code room},
     * {@code kind} and {@code severity} are optional (outside a session; "other"; "high").
     * Answered, once the alert is stored, with {@link Result.AlertReceived}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AlertRaise(String id, String room, Alerts.Kind kind, Alerts.Severity severity) implements ClientMessage {
        public AlertRaise {
            Fields.id(id);
            if (room != null) {
                Fields.roomId(room);
            }
        }
    }

    /** A clinician flags distress they observed in a client. Answered with {@link Result.AlertReceived}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AlertFlag(String id, String client, String room, Alerts.Kind kind, Alerts.Severity severity, String note)
            implements ClientMessage {
        public AlertFlag {
            Fields.id(id);
            Fields.required(client, "client");
            if (room != null) {
                Fields.roomId(room);
            }
            Fields.required(kind, "kind");
            Fields.required(severity, "severity");
            Fields.optionalText(note, "note", 2000);
        }
    }

    /** A responder's client confirms it received version {@code version} of an alert; unconfirmed alerts are re-sent. */
    record AlertConfirm(String id, String alert, long version) implements ClientMessage {
        public AlertConfirm {
            Fields.id(id);
            Fields.required(alert, "alert");
        }
    }

    /** A clinician takes the alert: the other responders see who. */
    record AlertAcknowledge(String id, String alert) implements ClientMessage {
        public AlertAcknowledge {
            Fields.id(id);
            Fields.required(alert, "alert");
        }
    }

    /** The acknowledging clinician has reached the client. */
    record AlertEngage(String id, String alert) implements ClientMessage {
        public AlertEngage {
            Fields.id(id);
            Fields.required(alert, "alert");
        }
    }

    /**
     * Records an action on the alert, once per {@code key} (default: the action's name, so two
     * clinicians cannot both record the same dispatch). Answered with {@link Result.ActionRecorded}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AlertAction(String id, String alert, Alerts.ActionType action, String key, String note)
            implements ClientMessage {
        public AlertAction {
            Fields.id(id);
            Fields.required(alert, "alert");
            Fields.required(action, "action");
            Fields.optionalText(key, "key", 64);
            Fields.optionalText(note, "note", 2000);
        }
    }

    /** Resolves the alert with an outcome; a follow-up then falls due. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AlertResolve(String id, String alert, Alerts.Outcome outcome, String note) implements ClientMessage {
        public AlertResolve {
            Fields.id(id);
            Fields.required(alert, "alert");
            Fields.required(outcome, "outcome");
            Fields.optionalText(note, "note", 2000);
        }
    }

    /** Records the follow-up of a resolved alert, which closes it. */
    record AlertFollowUp(String id, String alert, String note) implements ClientMessage {
        public AlertFollowUp {
            Fields.id(id);
            Fields.required(alert, "alert");
            Fields.text(note, "note", 2000);
        }
    }

    /** Lists the open alerts the caller may see. Answered with {@link Result.AlertList}. */
    record AlertList(String id) implements ClientMessage {
        public AlertList {
            Fields.id(id);
        }
    }

    /** A facilitator sets the room's kind and whether clients wait to be admitted. */
    record SessionConfigure(String id, String room, Sessions.RoomKind kind, boolean requiresAdmission)
            implements ClientMessage {
        public SessionConfigure {
            Fields.id(id);
            Fields.roomId(room);
            Fields.required(kind, "kind");
        }
    }

    /** A facilitator pauses the session: every member is told to hold media; participants' chat is refused. */
    record SessionPause(String id, String room) implements ClientMessage {
        public SessionPause {
            Fields.id(id);
            Fields.roomId(room);
        }
    }

    /** A facilitator resumes a paused session. */
    record SessionResume(String id, String room) implements ClientMessage {
        public SessionResume {
            Fields.id(id);
            Fields.roomId(room);
        }
    }

    /** A facilitator ends the session (and its breakouts); every member is told, with the reason. */
    record SessionEnd(String id, String room, String reason) implements ClientMessage {
        public SessionEnd {
            Fields.id(id);
            Fields.roomId(room);
            Fields.text(reason, "reason", 200);
        }
    }

    /** A facilitator admits a waiting client. */
    record RoomAdmit(String id, String room, String user) implements ClientMessage {
        public RoomAdmit {
            Fields.id(id);
            Fields.roomId(room);
            Fields.required(user, "user");
        }
    }

    /** A facilitator declines a waiting client. */
    record RoomDecline(String id, String room, String user) implements ClientMessage {
        public RoomDecline {
            Fields.id(id);
            Fields.roomId(room);
            Fields.required(user, "user");
        }
    }

    /** A facilitator removes a member from the room. */
    record RoomRemove(String id, String room, String user) implements ClientMessage {
        public RoomRemove {
            Fields.id(id);
            Fields.roomId(room);
            Fields.required(user, "user");
        }
    }

    /**
     * A facilitator moves a client into a private breakout, with themselves or a named
     * co-facilitator; {@code alert} (optional) records the move on that alert.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BreakoutStart(String id, String room, String client, String clinician, String alert)
            implements ClientMessage {
        public BreakoutStart {
            Fields.id(id);
            Fields.roomId(room);
            Fields.required(client, "client");
        }
    }

    /** Brings everyone in a breakout back to its group. */
    record BreakoutReturn(String id, String breakout) implements ClientMessage {
        public BreakoutReturn {
            Fields.id(id);
            Fields.roomId(breakout);
        }
    }

    /**
     * A WebRTC signalling message for one named peer in the same room; relayed as is (the server
     * does not read SDP), within size and rate limits.
     */
    record RtcSignal(String id, String room, String to, Sessions.Signal signal, String payload)
            implements ClientMessage {
        public RtcSignal {
            Fields.id(id);
            Fields.roomId(room);
            Fields.required(to, "to");
            Fields.required(signal, "signal");
            Fields.required(payload, "payload");
        }
    }

    /**
     * A device publishes its public keys (replacing earlier ones of that device; a changed identity
     * key is announced to its chat partners). Binds this connection to the device.
     */
    record KeysPublish(
            String id,
            String device,
            E2e.PublicKey identityKey,
            E2e.PublicKey signingKey,
            E2e.Prekey signedPrekey,
            List<E2e.Prekey> oneTimePrekeys)
            implements ClientMessage {
        public KeysPublish {
            Fields.id(id);
            Fields.text(device, "device", 64);
            Fields.required(identityKey, "identityKey");
            Fields.required(signingKey, "signingKey");
            Fields.required(signedPrekey, "signedPrekey");
            if (signedPrekey.signature() == null) {
                throw new IllegalArgumentException("signedPrekey.signature: missing");
            }
            if (!identityKey.alg().equals(E2e.X25519) && !identityKey.alg().equals(E2e.P256)) {
                throw new IllegalArgumentException("identityKey.alg: unknown (expected: x25519 or p256)");
            }
            if (!signingKey.alg().equals(E2e.ED25519) && !signingKey.alg().equals(E2e.P256_ECDSA)) {
                throw new IllegalArgumentException("signingKey.alg: unknown (expected: ed25519 or p256-ecdsa)");
            }
            oneTimePrekeys = oneTimePrekeys == null ? List.of() : List.copyOf(oneTimePrekeys);
            if (oneTimePrekeys.size() > E2e.MAX_ONE_TIME_PREKEYS) {
                throw new IllegalArgumentException("oneTimePrekeys: " + oneTimePrekeys.size() + " (expected: <= "
                        + E2e.MAX_ONE_TIME_PREKEYS + ")");
            }
        }
    }

    /** Fetches the key bundles of every device of a user one may chat with (one one-time prekey each, handed out once). */
    record KeysFetch(String id, String user) implements ClientMessage {
        public KeysFetch {
            Fields.id(id);
            Fields.required(user, "user");
        }
    }

    /** A direct message: one sealed envelope per device of the recipient. */
    record DmSend(String id, String to, List<E2e.Envelope> envelopes) implements ClientMessage {
        public DmSend {
            Fields.id(id);
            Fields.required(to, "to");
            Fields.required(envelopes, "envelopes");
            if (envelopes.isEmpty() || envelopes.size() > 16) {
                throw new IllegalArgumentException("envelopes: " + envelopes.size() + " (expected: 1..16)");
            }
            envelopes = List.copyOf(envelopes);
        }
    }

    /** This device has the messages: they are deleted from its mailbox. */
    record DmAck(String id, List<String> messages) implements ClientMessage {
        public DmAck {
            Fields.id(id);
            Fields.required(messages, "messages");
            if (messages.size() > 500) {
                throw new IllegalArgumentException("messages: " + messages.size() + " (expected: <= 500)");
            }
            messages = List.copyOf(messages);
        }
    }

    /**
     * A clinician's or supervisor's browser subscribes to paging ({@link Push}): {@code device} is the
     * browser's own id for this subscription, {@code endpoint} and {@code keys} come from its
     * {@code PushSubscription.toJSON()}. Replaces an earlier subscription of the same device. Answered
     * with {@link Result.PushSubscribed}.
     */
    record PushSubscribe(String id, String device, String endpoint, Push.Keys keys) implements ClientMessage {
        public PushSubscribe {
            Fields.id(id);
            Fields.text(device, "device", 64);
            Push.endpoint(endpoint);
            Fields.required(keys, "keys");
        }
    }

    /** The caller's subscription of {@code device} ends; answered {@code ok} whether it existed or not. */
    record PushUnsubscribe(String id, String device) implements ClientMessage {
        public PushUnsubscribe {
            Fields.id(id);
            Fields.text(device, "device", 64);
        }
    }

    /** Lists the caller's own push subscriptions. Answered with {@link Result.PushSubscriptions}. */
    record PushList(String id) implements ClientMessage {
        public PushList {
            Fields.id(id);
        }
    }
}
