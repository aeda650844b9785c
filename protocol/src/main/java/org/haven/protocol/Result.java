package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

/** The typed payload of an {@code ok} reply; its {@code kind} names the shape. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Result.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = Result.TokenRefreshed.class, name = "token.refreshed"),
    @JsonSubTypes.Type(value = Result.RoomSnapshot.class, name = "room.snapshot"),
    @JsonSubTypes.Type(value = Result.ChatSent.class, name = "chat.sent"),
    @JsonSubTypes.Type(value = Result.PresenceList.class, name = "presence.list"),
    @JsonSubTypes.Type(value = Result.CheckInRecorded.class, name = "checkin.recorded"),
    @JsonSubTypes.Type(value = Result.CareVersion.class, name = "care.version"),
    @JsonSubTypes.Type(value = Result.CareRecord.class, name = "care.record"),
    @JsonSubTypes.Type(value = Result.AlertReceived.class, name = "alert.received"),
    @JsonSubTypes.Type(value = Result.ActionRecorded.class, name = "alert.action_recorded"),
    @JsonSubTypes.Type(value = Result.AlertList.class, name = "alert.list"),
    @JsonSubTypes.Type(value = Result.Waiting.class, name = "room.waiting"),
    @JsonSubTypes.Type(value = Result.BreakoutStarted.class, name = "breakout.started"),
    @JsonSubTypes.Type(value = Result.KeysPublished.class, name = "keys.published"),
    @JsonSubTypes.Type(value = Result.KeyBundles.class, name = "keys.bundle"),
    @JsonSubTypes.Type(value = Result.DmSent.class, name = "dm.sent"),
    @JsonSubTypes.Type(value = Result.PushSubscribed.class, name = "push.subscribed"),
    @JsonSubTypes.Type(value = Result.PushSubscriptions.class, name = "push.subscriptions"),
})
public sealed interface Result {

    /**
     * The answer to {@code hello}: who the server thinks the caller is, and the limits in force.
     * {@code pushKey} (base64url of the server's VAPID public key) is there for a clinician or
     * supervisor when the node pages by Web Push: the {@code applicationServerKey} to subscribe with.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Welcome(
            int protocol,
            String connection,
            String user,
            String org,
            Role role,
            String name,
            List<String> rooms,
            Instant tokenExpiresAt,
            Limits limits,
            String resumeToken,
            String pushKey)
            implements Result {
        public Welcome {
            rooms = List.copyOf(rooms);
        }
    }

    /** The limits a connection must respect. */
    record Limits(int maxFrameBytes, int maxChatChars, int requestsPerSecond, int requestBurst) {}

    /** The answer to {@code token.refresh}: the new expiry of the connection. */
    record TokenRefreshed(Instant tokenExpiresAt) implements Result {}

    /**
     * The state of a room at the moment of joining: its kind and session state, its members with
     * their roles and presence, the sequence number of the last event (after which the joiner
     * receives every event), the parent of a breakout, and the ICE servers for its video.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RoomSnapshot(
            String room,
            long seq,
            Sessions.RoomKind roomKind,
            Sessions.State state,
            String parent,
            List<Member> members,
            List<Sessions.IceServer> iceServers)
            implements Result {
        public RoomSnapshot {
            members = List.copyOf(members);
            iceServers = List.copyOf(iceServers);
        }
    }

    /** The answer to {@code chat.send}: the sequence number the message was given in its room. */
    record ChatSent(String room, long seq) implements Result {}

    /** The answer to {@code presence.query}: every member of the room with their status. */
    record PresenceList(String room, List<Member> members) implements Result {
        public PresenceList {
            members = List.copyOf(members);
        }
    }

    /** The check-in as stored. */
    record CheckInRecorded(Care.CheckIn checkIn) implements Result {}

    /** The new version of a client's emergency contacts, safety plan or risk. */
    record CareVersion(String client, long version) implements Result {}

    /** A client's care record: the session's check-in, emergency contacts, safety plan and risk (each if any). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CareRecord(
            String client,
            Care.CheckIn checkIn,
            Care.Versioned<List<Care.EmergencyContact>> contacts,
            Care.Versioned<Care.SafetyPlan> plan,
            Care.Versioned<Care.Risk> risk)
            implements Result {}

    /**
     * The alert is stored and on its way to responders. For a client: the crisis resources to reach
     * now, and the coping steps of their own safety plan.
     */
    record AlertReceived(String alert, Alerts.State state, List<Care.CrisisResource> resources, List<String> coping)
            implements Result {
        public AlertReceived {
            resources = List.copyOf(resources);
            coping = List.copyOf(coping);
        }
    }

    /** Whether an action was recorded now, or had been already under that key (and by whom). */
    record ActionRecorded(String alert, String key, boolean recorded, String by) implements Result {}

    /** The open alerts the caller may see. */
    record AlertList(List<Alerts.View> alerts) implements Result {
        public AlertList {
            alerts = List.copyOf(alerts);
        }
    }

    /** The room requires admission: the client waits until a facilitator admits or declines them. */
    record Waiting(String room) implements Result {}

    /** The breakout a client was moved into. */
    record BreakoutStarted(String room, String breakout) implements Result {}

    /** The device's keys are published; {@code fingerprint} is its identity key's safety-number part. */
    record KeysPublished(String device, String fingerprint) implements Result {}

    /** Every device of a user, with one one-time prekey each while they last. */
    record KeyBundles(String user, List<E2e.DeviceBundle> devices) implements Result {
        public KeyBundles {
            devices = List.copyOf(devices);
        }
    }

    /** The message is stored for every addressed device until it confirms; {@code delivered} were online now. */
    record DmSent(String message, int delivered, int queued) implements Result {}

    /** The subscription of {@code device} is stored (replacing an earlier one of that device). */
    record PushSubscribed(String device, Instant subscribedAt) implements Result {}

    /** The caller's own push subscriptions, oldest first. */
    record PushSubscriptions(List<Push.Subscription> subscriptions) implements Result {
        public PushSubscriptions {
            subscriptions = List.copyOf(subscriptions);
        }
    }
}
