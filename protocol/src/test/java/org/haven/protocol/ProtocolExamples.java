package org.haven.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One example of every message and result type: the contract test requires one per type. */
public final class ProtocolExamples {

    private ProtocolExamples() {}

    static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");
    static final Member ALICE =
            new Member("u-alice", "Alice", Role.CLIENT, Sessions.RoomRole.PARTICIPANT, PresenceStatus.AVAILABLE, false);
    static final Member DR_BO =
            new Member("u-bo", null, Role.CLINICIAN, Sessions.RoomRole.FACILITATOR, PresenceStatus.ON_CALL, false);
    static final Result.RoomSnapshot SNAPSHOT = new Result.RoomSnapshot(
            "group-1",
            7,
            Sessions.RoomKind.GROUP,
            Sessions.State.LIVE,
            null,
            List.of(ALICE, DR_BO),
            List.of(
                    new Sessions.IceServer(List.of("stun:stun.example:3478"), null, null),
                    new Sessions.IceServer(
                            List.of("turn:turn.example:3478?transport=udp"),
                            "1795776000:u-alice",
                            "q2x0bq3a2Kx3CqIG0lN6rzLh1Pk=")));

    static final Care.Address ADDRESS = new Care.Address("12 Elm Street", "Apt 3", "Springfield", "IL", "62701", "US");
    static final Care.CheckIn CHECK_IN = new Care.CheckIn(
            "ci-1",
            "u-alice",
            "group-1",
            ADDRESS,
            new Care.Coordinates(39.78, -89.65, 25),
            "+1 217 555 0100",
            true,
            AT);
    static final Care.EmergencyContact CONTACT = new Care.EmergencyContact("Sam", "sister", "+1 217 555 0101", true);
    static final Care.SafetyPlan PLAN = new Care.SafetyPlan(
            List.of("can't sleep"),
            List.of("box breathing"),
            List.of("walk to the park"),
            List.of("Sam"),
            List.of("Dr Bo, +1 217 555 0102"),
            List.of("meds locked away"));
    static final Care.Risk RISK = new Care.Risk(Care.RiskLevel.HIGH, Care.RiskSource.C_SSRS, AT.minusSeconds(86_400));
    static final Alerts.View VIEW = new Alerts.View(
            "a-1",
            3,
            "u-alice",
            "Alice",
            "group-1",
            Alerts.Source.HELP_BUTTON,
            Alerts.Kind.SEVERE_ANXIETY,
            Alerts.Severity.HIGH,
            Alerts.State.ACKNOWLEDGED,
            1,
            AT,
            AT,
            "facilitators",
            false,
            "u-bo",
            null,
            null,
            CHECK_IN,
            List.of(CONTACT),
            PLAN,
            RISK,
            List.of(new Alerts.Action(Alerts.ActionType.GROUNDING_EXERCISE, "grounding", "u-bo", AT, null)),
            List.of(
                    new Alerts.HistoryEntry(AT, "u-alice", "raised", "help_button"),
                    new Alerts.HistoryEntry(AT, "system", "risk_floor", "moderate -> high (risk high)")));

    static final String KEY_B64 = "MCowBQYDK2VuAyEAhSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";
    static final E2e.PublicKey IDENTITY = new E2e.PublicKey(E2e.X25519, KEY_B64);
    static final E2e.PublicKey SIGNING =
            new E2e.PublicKey(E2e.ED25519, "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=");
    static final E2e.Prekey SIGNED_PREKEY = new E2e.Prekey(1, KEY_B64, "c2lnbmF0dXJlLWJ5dGVz");
    static final E2e.Envelope ENVELOPE =
            new E2e.Envelope("laptop-1", "phone-1", E2e.X25519_AES_GCM, KEY_B64, 100, "AAECAwQFBgcICQoL", "3q2+7w==");

    /** A browser's push subscription: the user agent's keys of RFC 8291's example. */
    static final String PUSH_ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk-example";

    static final Push.Keys PUSH_KEYS = new Push.Keys(
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
            "BTBZMqHH6r4Tts7J_aSIgg");
    /** A VAPID public key: the application server's key of RFC 8291's example. */
    static final String PUSH_KEY =
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";

    public static final Map<Class<? extends ClientMessage>, ClientMessage> CLIENT = Map.ofEntries(
            Map.entry(
                    ClientMessage.Hello.class,
                    new ClientMessage.Hello(
                            "1", "eyJhbGciOi.x.y", List.of(1), "phone-1", "r-9f8e7d", Map.of("group-1", 41L))),
            Map.entry(ClientMessage.TokenRefresh.class, new ClientMessage.TokenRefresh("2", "eyJhbGciOi.x.y")),
            Map.entry(ClientMessage.Ping.class, new ClientMessage.Ping("3")),
            Map.entry(ClientMessage.RoomJoin.class, new ClientMessage.RoomJoin("4", "group-1")),
            Map.entry(ClientMessage.RoomLeave.class, new ClientMessage.RoomLeave("5", "group-1")),
            Map.entry(ClientMessage.ChatSend.class, new ClientMessage.ChatSend("6", "group-1", "hello all")),
            Map.entry(ClientMessage.PresenceSet.class, new ClientMessage.PresenceSet("7", PresenceStatus.AWAY)),
            Map.entry(ClientMessage.PresenceQuery.class, new ClientMessage.PresenceQuery("8", "group-1")),
            Map.entry(
                    ClientMessage.CheckInSubmit.class,
                    new ClientMessage.CheckInSubmit(
                            "9", "group-1", ADDRESS, new Care.Coordinates(39.78, -89.65, 25), "+1 217 555 0100", true)),
            Map.entry(ClientMessage.CheckInDecline.class, new ClientMessage.CheckInDecline("10", "group-1")),
            Map.entry(ClientMessage.ContactsSet.class, new ClientMessage.ContactsSet("11", null, List.of(CONTACT))),
            Map.entry(ClientMessage.PlanSet.class, new ClientMessage.PlanSet("12", "u-alice", PLAN)),
            Map.entry(
                    ClientMessage.RiskSet.class,
                    new ClientMessage.RiskSet(
                            "40", "u-alice", Care.RiskLevel.HIGH, Care.RiskSource.C_SSRS, AT.minusSeconds(86_400))),
            Map.entry(ClientMessage.CareRecordGet.class, new ClientMessage.CareRecordGet("13", "u-alice", "group-1")),
            Map.entry(ClientMessage.AlertRaise.class, new ClientMessage.AlertRaise("14", "group-1", null, null)),
            Map.entry(
                    ClientMessage.AlertFlag.class,
                    new ClientMessage.AlertFlag(
                            "15",
                            "u-alice",
                            "group-1",
                            Alerts.Kind.DEPRESSIVE_EPISODE,
                            Alerts.Severity.MODERATE,
                            "withdrawn today")),
            Map.entry(ClientMessage.AlertConfirm.class, new ClientMessage.AlertConfirm("16", "a-1", 3)),
            Map.entry(ClientMessage.AlertAcknowledge.class, new ClientMessage.AlertAcknowledge("17", "a-1")),
            Map.entry(ClientMessage.AlertEngage.class, new ClientMessage.AlertEngage("18", "a-1")),
            Map.entry(
                    ClientMessage.AlertAction.class,
                    new ClientMessage.AlertAction("19", "a-1", Alerts.ActionType.CONTACTED_988, null, null)),
            Map.entry(
                    ClientMessage.AlertResolve.class,
                    new ClientMessage.AlertResolve("20", "a-1", Alerts.Outcome.STABILIZED, "calm again")),
            Map.entry(
                    ClientMessage.AlertFollowUp.class, new ClientMessage.AlertFollowUp("21", "a-1", "called next day")),
            Map.entry(ClientMessage.AlertList.class, new ClientMessage.AlertList("22")),
            Map.entry(
                    ClientMessage.SessionConfigure.class,
                    new ClientMessage.SessionConfigure("23", "group-1", Sessions.RoomKind.FAMILY, true)),
            Map.entry(ClientMessage.SessionPause.class, new ClientMessage.SessionPause("24", "group-1")),
            Map.entry(ClientMessage.SessionResume.class, new ClientMessage.SessionResume("25", "group-1")),
            Map.entry(ClientMessage.SessionEnd.class, new ClientMessage.SessionEnd("26", "group-1", "time is up")),
            Map.entry(ClientMessage.RoomAdmit.class, new ClientMessage.RoomAdmit("27", "group-1", "u-alice")),
            Map.entry(ClientMessage.RoomDecline.class, new ClientMessage.RoomDecline("28", "group-1", "u-eve")),
            Map.entry(ClientMessage.RoomRemove.class, new ClientMessage.RoomRemove("29", "group-1", "u-eve")),
            Map.entry(
                    ClientMessage.BreakoutStart.class,
                    new ClientMessage.BreakoutStart("30", "group-1", "u-alice", null, "a-1")),
            Map.entry(ClientMessage.BreakoutReturn.class, new ClientMessage.BreakoutReturn("31", "group-1~b-1f")),
            Map.entry(
                    ClientMessage.RtcSignal.class,
                    new ClientMessage.RtcSignal(
                            "32", "group-1", "u-bo", Sessions.Signal.OFFER, "v=0\r\no=- 46117 2 IN IP4 127.0.0.1\r\n")),
            Map.entry(
                    ClientMessage.KeysPublish.class,
                    new ClientMessage.KeysPublish(
                            "33",
                            "phone-1",
                            IDENTITY,
                            SIGNING,
                            SIGNED_PREKEY,
                            List.of(new E2e.Prekey(100, KEY_B64, null)))),
            Map.entry(ClientMessage.KeysFetch.class, new ClientMessage.KeysFetch("34", "u-bo")),
            Map.entry(ClientMessage.DmSend.class, new ClientMessage.DmSend("35", "u-bo", List.of(ENVELOPE))),
            Map.entry(ClientMessage.DmAck.class, new ClientMessage.DmAck("36", List.of("m-1"))),
            Map.entry(
                    ClientMessage.PushSubscribe.class,
                    new ClientMessage.PushSubscribe("37", "laptop-firefox", PUSH_ENDPOINT, PUSH_KEYS)),
            Map.entry(ClientMessage.PushUnsubscribe.class, new ClientMessage.PushUnsubscribe("38", "laptop-firefox")),
            Map.entry(ClientMessage.PushList.class, new ClientMessage.PushList("39")));

    public static final Map<Class<? extends Result>, Result> RESULTS = Map.ofEntries(
            Map.entry(
                    Result.Welcome.class,
                    new Result.Welcome(
                            1,
                            "c-1f",
                            "u-alice",
                            "demo",
                            Role.CLIENT,
                            "Alice",
                            List.of("group-1"),
                            AT,
                            new Result.Limits(65536, 4000, 20, 40),
                            "r-9f8e7d",
                            PUSH_KEY)),
            Map.entry(Result.TokenRefreshed.class, new Result.TokenRefreshed(AT)),
            Map.entry(Result.RoomSnapshot.class, SNAPSHOT),
            Map.entry(Result.ChatSent.class, new Result.ChatSent("group-1", 8)),
            Map.entry(Result.PresenceList.class, new Result.PresenceList("group-1", List.of(ALICE))),
            Map.entry(Result.CheckInRecorded.class, new Result.CheckInRecorded(CHECK_IN)),
            Map.entry(Result.CareVersion.class, new Result.CareVersion("u-alice", 2)),
            Map.entry(
                    Result.CareRecord.class,
                    new Result.CareRecord(
                            "u-alice",
                            CHECK_IN,
                            new Care.Versioned<>(1, List.of(CONTACT), "u-alice", AT),
                            new Care.Versioned<>(2, PLAN, "u-bo", AT),
                            new Care.Versioned<>(1, RISK, "u-bo", AT))),
            Map.entry(
                    Result.AlertReceived.class,
                    new Result.AlertReceived(
                            "a-1",
                            Alerts.State.RAISED,
                            List.of(new Care.CrisisResource("988 Suicide & Crisis Lifeline", Care.Channel.CALL, "988")),
                            List.of("box breathing"))),
            Map.entry(Result.ActionRecorded.class, new Result.ActionRecorded("a-1", "contacted_988", false, "u-bo")),
            Map.entry(Result.AlertList.class, new Result.AlertList(List.of(VIEW))),
            Map.entry(Result.Waiting.class, new Result.Waiting("group-1")),
            Map.entry(Result.BreakoutStarted.class, new Result.BreakoutStarted("group-1", "group-1~b-1f")),
            Map.entry(
                    Result.KeysPublished.class,
                    new Result.KeysPublished("phone-1", "0123456789abcdef0123456789abcdef01234567")),
            Map.entry(
                    Result.KeyBundles.class,
                    new Result.KeyBundles(
                            "u-bo",
                            List.of(new E2e.DeviceBundle(
                                    "laptop-1",
                                    IDENTITY,
                                    SIGNING,
                                    SIGNED_PREKEY,
                                    new E2e.Prekey(100, KEY_B64, null),
                                    "0123456789abcdef0123456789abcdef01234567")))),
            Map.entry(Result.DmSent.class, new Result.DmSent("m-1", 1, 0)),
            Map.entry(Result.PushSubscribed.class, new Result.PushSubscribed("laptop-firefox", AT)),
            Map.entry(
                    Result.PushSubscriptions.class,
                    new Result.PushSubscriptions(List.of(
                            new Push.Subscription("laptop-firefox", "updates.push.services.mozilla.com", AT)))));

    public static final Map<Class<? extends ServerMessage>, ServerMessage> SERVER = Map.ofEntries(
            Map.entry(
                    ServerMessage.SessionStateChanged.class,
                    new ServerMessage.SessionStateChanged("group-1", 13, Sessions.State.PAUSED, null)),
            Map.entry(ServerMessage.WaitingList.class, new ServerMessage.WaitingList("group-1", List.of(ALICE))),
            Map.entry(ServerMessage.Admitted.class, new ServerMessage.Admitted("group-1", SNAPSHOT)),
            Map.entry(ServerMessage.Declined.class, new ServerMessage.Declined("group-1")),
            Map.entry(ServerMessage.Removed.class, new ServerMessage.Removed("group-1")),
            Map.entry(ServerMessage.SteppedOut.class, new ServerMessage.SteppedOut("group-1", 14, "u-alice")),
            Map.entry(ServerMessage.Returned.class, new ServerMessage.Returned("group-1", 15, "u-alice")),
            Map.entry(
                    ServerMessage.BreakoutMoved.class,
                    new ServerMessage.BreakoutMoved("group-1", "group-1~b-1f", List.of("u-bo"), SNAPSHOT)),
            Map.entry(ServerMessage.BreakoutEnded.class, new ServerMessage.BreakoutEnded("group-1", "group-1~b-1f")),
            Map.entry(
                    ServerMessage.RtcRelay.class,
                    new ServerMessage.RtcRelay(
                            "group-1",
                            "u-alice",
                            Sessions.Signal.ICE,
                            "{\"candidate\":\"candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\"}")),
            Map.entry(ServerMessage.Ok.class, new ServerMessage.Ok("4", null)),
            Map.entry(
                    ServerMessage.DmMessage.class,
                    new ServerMessage.DmMessage(new E2e.DirectMessage("m-1", "u-alice", ENVELOPE, AT))),
            Map.entry(
                    ServerMessage.KeysChanged.class,
                    new ServerMessage.KeysChanged("u-alice", "phone-1", "0123456789abcdef0123456789abcdef01234567")),
            Map.entry(ServerMessage.RoomResumed.class, new ServerMessage.RoomResumed("group-1", true, 42L, null)),
            Map.entry(ServerMessage.CheckInRequested.class, new ServerMessage.CheckInRequested("group-1")),
            Map.entry(
                    ServerMessage.Error.class,
                    new ServerMessage.Error("6", ErrorCode.NOT_A_MEMBER, "join the room first")),
            Map.entry(ServerMessage.MemberJoined.class, new ServerMessage.MemberJoined("group-1", 9, DR_BO)),
            Map.entry(ServerMessage.MemberLeft.class, new ServerMessage.MemberLeft("group-1", 10, "u-bo")),
            Map.entry(
                    ServerMessage.ChatMessage.class,
                    new ServerMessage.ChatMessage("group-1", 11, "u-alice", "Alice", "hello all", AT)),
            Map.entry(
                    ServerMessage.RoomNotice.class,
                    new ServerMessage.RoomNotice(
                            "group-1", 16, "service:scheduler", "The session ends in 10 minutes.", AT)),
            Map.entry(
                    ServerMessage.PresenceChanged.class,
                    new ServerMessage.PresenceChanged("group-1", 12, "u-alice", PresenceStatus.BUSY)),
            Map.entry(
                    ServerMessage.AlertNotice.class,
                    new ServerMessage.AlertNotice(ServerMessage.AlertReason.RAISED, VIEW)),
            Map.entry(ServerMessage.FollowUpDue.class, new ServerMessage.FollowUpDue("a-1", "u-alice", AT)));
}
