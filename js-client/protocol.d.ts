// Generated from protocol/src/main/resources/schema/haven-protocol.schema.json
// by scripts/protocol-types.mjs: do not edit. `npm run types` writes it again; the package's test
// fails while it differs from what the schema gives. Haven protocol v1: https://haven.invalid/protocol/v1/haven-protocol.schema.json
//
// Naming: a client message is <Type>Request, a server message <Type>Event (`ok` and `error` are
// OkReply and ErrorReply), a result <Kind>Result; the schema's named shapes keep their names.
// The server never sends null: what it has not, it leaves out (the optional members below).

/**
 * Client-chosen request id, echoed as `re`.
 * Schema: `#/$defs/RequestId`; 1 to 64 characters.
 */
export type RequestId = string;

/** Schema: `#/$defs/RoomId`; 1 to 128 characters. */
export type RoomId = string;

/**
 * Opaque user id: the token's `sub`.
 * Schema: `#/$defs/UserId`; not empty.
 */
export type UserId = string;

/**
 * Per-room sequence number; +1 with every event of the room.
 * Schema: `#/$defs/Seq`; an integer; ≥ 0.
 */
export type Seq = number;

/** Schema: `#/$defs/Timestamp`; an ISO 8601 timestamp (UTC). */
export type Timestamp = string;

/** Schema: `#/$defs/Role`. */
export type Role = "client" | "clinician" | "supervisor" | "support";

/**
 * `on_call` and `off_duty` are for clinicians and supervisors only.
 * Schema: `#/$defs/PresenceStatus`.
 */
export type PresenceStatus = "available" | "busy" | "away" | "on_call" | "off_duty";

/** Schema: `#/$defs/ErrorCode`. */
export type ErrorCode =
  | "malformed_json"
  | "unknown_type"
  | "invalid_message"
  | "message_too_complex"
  | "already_authenticated"
  | "token_rejected"
  | "forbidden"
  | "not_a_member"
  | "already_joined"
  | "check_in_required"
  | "not_found"
  | "illegal_transition"
  | "too_large"
  | "rate_limited"
  | "limit_reached"
  | "alert_unconfirmed"
  | "internal"
  | "session_paused"
  | "session_ended"
  | "push_not_configured"
  | "push_endpoint_not_allowed";

/** Schema: `#/$defs/Member`. */
export interface Member {
  user: UserId;
  name?: string;
  role: Role;
  status: PresenceStatus;
  roomRole: RoomRole;
  steppedOut: boolean;
}

/** Schema: `#/$defs/Limits`. */
export interface Limits {
  /** Schema: an integer; ≥ 1. */
  maxFrameBytes: number;
  /** Schema: an integer; ≥ 1. */
  maxChatChars: number;
  /** Schema: an integer; ≥ 1. */
  requestsPerSecond: number;
  /** Schema: an integer; ≥ 1. */
  requestBurst: number;
}

/**
 * First message of every connection, within 5 s.
 * Schema: `#/$defs/hello`.
 */
export interface HelloRequest {
  type: "hello";
  id: RequestId;
  /**
   * A JWT (HS256 in dev; RS256 or ES256 in production).
   * Schema: not empty.
   */
  token: string;
  /** Schema: not empty. */
  versions: number[];
  /** Schema: 1 to 64 characters. */
  device?: string;
  /** Schema: not empty. */
  resumeToken?: string;
  /** Schema: at most 64 entries. */
  lastSeq?: {
    [key: string]: number;
  };
}

/** Schema: `#/$defs/token.refresh`. */
export interface TokenRefreshRequest {
  type: "token.refresh";
  id: RequestId;
  /** Schema: not empty. */
  token: string;
}

/** Schema: `#/$defs/ping`. */
export interface PingRequest {
  type: "ping";
  id: RequestId;
}

/** Schema: `#/$defs/room.join`. */
export interface RoomJoinRequest {
  type: "room.join";
  id: RequestId;
  room: RoomId;
}

/** Schema: `#/$defs/room.leave`. */
export interface RoomLeaveRequest {
  type: "room.leave";
  id: RequestId;
  room: RoomId;
}

/** Schema: `#/$defs/chat.send`. */
export interface ChatSendRequest {
  type: "chat.send";
  id: RequestId;
  room: RoomId;
  /** Schema: not empty. */
  text: string;
}

/** Schema: `#/$defs/presence.set`. */
export interface PresenceSetRequest {
  type: "presence.set";
  id: RequestId;
  status: PresenceStatus;
}

/** Schema: `#/$defs/presence.query`. */
export interface PresenceQueryRequest {
  type: "presence.query";
  id: RequestId;
  room: RoomId;
}

/** Schema: `#/$defs/result.welcome`. */
export interface WelcomeResult {
  kind: "welcome";
  /** Schema: an integer. */
  protocol: number;
  connection: string;
  user: UserId;
  org: string;
  role: Role;
  name?: string;
  rooms: RoomId[];
  tokenExpiresAt: Timestamp;
  limits: Limits;
  /** Schema: not empty. */
  resumeToken?: string;
  /**
   * base64url of the server's VAPID public key (an uncompressed P-256 point): the applicationServerKey to subscribe with. Only for clinicians and supervisors, when the node pages by Web Push.
   * Schema: matches `^[A-Za-z0-9_-]+={0,2}$`.
   */
  pushKey?: string;
}

/** Schema: `#/$defs/result.token.refreshed`. */
export interface TokenRefreshedResult {
  kind: "token.refreshed";
  tokenExpiresAt: Timestamp;
}

/** Schema: `#/$defs/result.room.snapshot`. */
export interface RoomSnapshotResult {
  room: RoomId;
  seq: Seq;
  members: Member[];
  state: SessionState;
  parent?: RoomId;
  iceServers: IceServer[];
  kind: "room.snapshot";
  roomKind: RoomKind;
}

/** Schema: `#/$defs/result.chat.sent`. */
export interface ChatSentResult {
  kind: "chat.sent";
  room: RoomId;
  seq: Seq;
}

/** Schema: `#/$defs/result.presence.list`. */
export interface PresenceListResult {
  kind: "presence.list";
  room: RoomId;
  members: Member[];
}

/** Schema: `#/$defs/Result`. */
export type Result =
  | WelcomeResult
  | TokenRefreshedResult
  | RoomSnapshotResult
  | ChatSentResult
  | PresenceListResult
  | CheckinRecordedResult
  | CareVersionResult
  | CareRecordResult
  | AlertReceivedResult
  | AlertActionRecordedResult
  | AlertListResult
  | RoomWaitingResult
  | BreakoutStartedResult
  | KeysPublishedResult
  | KeysBundleResult
  | DmSentResult
  | PushSubscribedResult
  | PushSubscriptionsResult;

/** Schema: `#/$defs/ok`. */
export interface OkReply {
  type: "ok";
  re: RequestId;
  result?: Result;
}

/** Schema: `#/$defs/error`. */
export interface ErrorReply {
  type: "error";
  re?: RequestId;
  code: ErrorCode;
  message: string;
}

/** Schema: `#/$defs/room.member_joined`. */
export interface RoomMemberJoinedEvent {
  type: "room.member_joined";
  room: RoomId;
  seq: Seq;
  member: Member;
}

/** Schema: `#/$defs/room.member_left`. */
export interface RoomMemberLeftEvent {
  type: "room.member_left";
  room: RoomId;
  seq: Seq;
  user: UserId;
}

/** Schema: `#/$defs/chat.message`. */
export interface ChatMessageEvent {
  type: "chat.message";
  room: RoomId;
  seq: Seq;
  from: UserId;
  name?: string;
  text: string;
  sentAt: Timestamp;
}

/** Schema: `#/$defs/room.notice`. */
export interface RoomNoticeEvent {
  type: "room.notice";
  room: RoomId;
  seq: Seq;
  /** Schema: matches `^service:[A-Za-z0-9._~-]{1,64}$`. */
  from: string;
  /** Schema: not empty. */
  text: string;
  sentAt: Timestamp;
}

/** Schema: `#/$defs/presence.changed`. */
export interface PresenceChangedEvent {
  type: "presence.changed";
  room: RoomId;
  seq: Seq;
  user: UserId;
  status: PresenceStatus;
}

/**
 * Any message a client sends.
 * Schema: `#/$defs/ClientMessage`.
 */
export type ClientMessage =
  | HelloRequest
  | TokenRefreshRequest
  | PingRequest
  | RoomJoinRequest
  | RoomLeaveRequest
  | ChatSendRequest
  | PresenceSetRequest
  | PresenceQueryRequest
  | CheckinSubmitRequest
  | CheckinDeclineRequest
  | CareContactsSetRequest
  | CarePlanSetRequest
  | CareRiskSetRequest
  | CareRecordGetRequest
  | AlertRaiseRequest
  | AlertFlagRequest
  | AlertConfirmRequest
  | AlertAcknowledgeRequest
  | AlertEngageRequest
  | AlertActionRequest
  | AlertResolveRequest
  | AlertFollowUpRequest
  | AlertListRequest
  | SessionConfigureRequest
  | SessionPauseRequest
  | SessionResumeRequest
  | SessionEndRequest
  | RoomAdmitRequest
  | RoomDeclineRequest
  | RoomRemoveRequest
  | BreakoutStartRequest
  | BreakoutReturnRequest
  | RtcSignalRequest
  | KeysPublishRequest
  | KeysFetchRequest
  | DmSendRequest
  | DmAckRequest
  | PushSubscribeRequest
  | PushUnsubscribeRequest
  | PushListRequest;

/**
 * Any message the server sends.
 * Schema: `#/$defs/ServerMessage`.
 */
export type ServerMessage =
  | OkReply
  | ErrorReply
  | RoomMemberJoinedEvent
  | RoomMemberLeftEvent
  | ChatMessageEvent
  | RoomNoticeEvent
  | PresenceChangedEvent
  | AlertEvent
  | AlertFollowUpDueEvent
  | SessionStateEvent
  | RoomWaitingListEvent
  | RoomAdmittedEvent
  | RoomDeclinedEvent
  | RoomRemovedEvent
  | RoomMemberSteppedOutEvent
  | RoomMemberReturnedEvent
  | BreakoutMovedEvent
  | BreakoutEndedEvent
  | RtcRelayEvent
  | DmMessageEvent
  | KeysChangedEvent
  | CheckinRequestedEvent
  | RoomResumedEvent;

/** Schema: `#/$defs/Phone`; matches `^\+?[0-9 ()\-.]{3,31}$`. */
export type Phone = string;

/** Schema: `#/$defs/Address`. */
export interface Address {
  /** Schema: 1 to 200 characters. */
  street: string;
  /** Schema: 1 to 50 characters. */
  unit?: string;
  /** Schema: 1 to 100 characters. */
  city: string;
  /** Schema: 1 to 100 characters. */
  region?: string;
  /** Schema: 1 to 20 characters. */
  postalCode?: string;
  /**
   * ISO 3166-1 alpha-2
   * Schema: 1 to 2 characters.
   */
  country: string;
}

/** Schema: `#/$defs/Coordinates`. */
export interface Coordinates {
  /** Schema: ≥ -90; ≤ 90. */
  latitude: number;
  /** Schema: ≥ -180; ≤ 180. */
  longitude: number;
  /** Schema: ≥ 0; ≤ 100000. */
  accuracyMeters: number;
}

/** Schema: `#/$defs/CheckIn`. */
export interface CheckIn {
  /** Schema: not empty. */
  id: string;
  client: UserId;
  room: RoomId;
  address: Address;
  coordinates?: Coordinates;
  callbackPhone: Phone;
  privateSetting: boolean;
  at: Timestamp;
}

/** Schema: `#/$defs/EmergencyContact`. */
export interface EmergencyContact {
  /** Schema: 1 to 100 characters. */
  name: string;
  /** Schema: 1 to 50 characters. */
  relation: string;
  phone: Phone;
  consentToContact: boolean;
}

/**
 * The six sections of a Stanley-Brown safety plan.
 * Schema: `#/$defs/SafetyPlan`.
 */
export interface SafetyPlan {
  /** Schema: at most 20 items. */
  warningSigns: string[];
  /** Schema: at most 20 items. */
  copingStrategies: string[];
  /** Schema: at most 20 items. */
  distractions: string[];
  /** Schema: at most 20 items. */
  peopleToAsk: string[];
  /** Schema: at most 20 items. */
  professionals: string[];
  /** Schema: at most 20 items. */
  safeEnvironment: string[];
}

/**
 * How a crisis resource is reached.
 * Schema: `#/$defs/CrisisChannel`.
 */
export type CrisisChannel = "call" | "text" | "web";

/** Schema: `#/$defs/CrisisResource`. */
export interface CrisisResource {
  /** Schema: not empty. */
  name: string;
  channel: CrisisChannel;
  /** Schema: not empty. */
  contact: string;
}

/** Schema: `#/$defs/VersionedContacts`. */
export interface VersionedContacts {
  /** Schema: an integer; ≥ 1. */
  version: number;
  value: EmergencyContact[];
  updatedBy: UserId;
  updatedAt: Timestamp;
}

/** Schema: `#/$defs/VersionedSafetyPlan`. */
export interface VersionedSafetyPlan {
  /** Schema: an integer; ≥ 1. */
  version: number;
  value: SafetyPlan;
  updatedBy: UserId;
  updatedAt: Timestamp;
}

/**
 * How much risk of suicide or self-harm a clinician's assessment found.
 * Schema: `#/$defs/RiskLevel`.
 */
export type RiskLevel = "low" | "moderate" | "high";

/**
 * Where a risk assessment came from.
 * Schema: `#/$defs/RiskSource`.
 */
export type RiskSource = "c_ssrs" | "asq" | "clinical_judgement" | "ehr" | "other";

/**
 * A client's assessed risk: set by the care team or the EHR, never by the client.
 * Schema: `#/$defs/Risk`.
 */
export interface Risk {
  level: RiskLevel;
  source?: RiskSource;
  assessedAt?: Timestamp;
}

/** Schema: `#/$defs/VersionedRisk`. */
export interface VersionedRisk {
  /** Schema: an integer; ≥ 1. */
  version: number;
  value: Risk;
  updatedBy: UserId;
  updatedAt: Timestamp;
}

/** Schema: `#/$defs/AlertKind`. */
export type AlertKind =
  | "severe_anxiety"
  | "self_harm_ideation"
  | "suicidal_ideation"
  | "depressive_episode"
  | "emotional_dysregulation"
  | "interpersonal_conflict"
  | "other";

/** Schema: `#/$defs/Severity`. */
export type Severity = "low" | "moderate" | "high" | "imminent";

/** Schema: `#/$defs/AlertSource`. */
export type AlertSource =
  | "help_button"
  | "clinician_flag"
  | "check_in_missing"
  | "check_in_declined"
  | "coverage"
  | "external";

/** Schema: `#/$defs/AlertState`. */
export type AlertState =
  | "raised"
  | "acknowledged"
  | "engaged"
  | "emergency_dispatched"
  | "resolved"
  | "follow_up_due"
  | "closed";

/** Schema: `#/$defs/ActionType`. */
export type ActionType =
  | "paused_group"
  | "moved_to_breakout"
  | "grounding_exercise"
  | "called_emergency_contact"
  | "contacted_988"
  | "dispatched_emergency_services"
  | "note";

/** Schema: `#/$defs/Outcome`. */
export type Outcome =
  | "stabilized"
  | "safety_plan_reviewed"
  | "referred_to_higher_care"
  | "emergency_services_involved"
  | "no_risk_found"
  | "checked_in"
  | "other";

/**
 * The escalation tiers, in order; an alert's tier is the last one it has reached.
 * Schema: `#/$defs/AlertTier`.
 */
export type AlertTier = "facilitators" | "on_call" | "supervisors";

/**
 * What one line of an alert's history records.
 * Schema: `#/$defs/AlertHistoryEvent`.
 */
export type AlertHistoryEvent =
  | "raised"
  | "pressed_again"
  | "flagged"
  | "escalated"
  | "undelivered"
  | "delivered"
  | "care_updated"
  | "risk_floor"
  | "client_disconnected"
  | "acknowledged"
  | "engaged"
  | "engagement_timeout"
  | "action"
  | "resolved"
  | "follow_up_due"
  | "closed"
  | "auto_closed";

/** Schema: `#/$defs/AlertAction`. */
export interface AlertAction {
  type: ActionType;
  /** Schema: 1 to 64 characters. */
  key: string;
  by: UserId;
  at: Timestamp;
  /** Schema: 1 to 2000 characters. */
  note?: string;
}

/** Schema: `#/$defs/AlertHistoryEntry`. */
export interface AlertHistoryEntry {
  at: Timestamp;
  /** Schema: not empty. */
  by: string;
  event: AlertHistoryEvent;
  detail?: string;
}

/**
 * Everything a responder needs to act on an alert.
 * Schema: `#/$defs/AlertView`.
 */
export interface AlertView {
  /** Schema: not empty. */
  id: string;
  /** Schema: an integer; ≥ 1. */
  version: number;
  client: UserId;
  clientName?: string;
  room?: RoomId;
  source: AlertSource;
  kind: AlertKind;
  severity: Severity;
  state: AlertState;
  /** Schema: an integer; ≥ 1. */
  presses: number;
  raisedAt: Timestamp;
  updatedAt: Timestamp;
  tier: AlertTier;
  undelivered: boolean;
  acknowledgedBy?: UserId;
  engagedBy?: UserId;
  followUpDueAt?: Timestamp;
  checkIn?: CheckIn;
  emergencyContacts: EmergencyContact[];
  safetyPlan?: SafetyPlan;
  risk?: Risk;
  actions: AlertAction[];
  history: AlertHistoryEntry[];
}

/** Schema: `#/$defs/checkin.submit`. */
export interface CheckinSubmitRequest {
  type: "checkin.submit";
  id: RequestId;
  room: RoomId;
  address: Address;
  coordinates?: Coordinates;
  callbackPhone: Phone;
  privateSetting: boolean;
}

/** Schema: `#/$defs/checkin.decline`. */
export interface CheckinDeclineRequest {
  type: "checkin.decline";
  id: RequestId;
  room: RoomId;
}

/** Schema: `#/$defs/care.contacts.set`. */
export interface CareContactsSetRequest {
  type: "care.contacts.set";
  id: RequestId;
  client?: UserId;
  /** Schema: at most 10 items. */
  contacts: EmergencyContact[];
}

/** Schema: `#/$defs/care.plan.set`. */
export interface CarePlanSetRequest {
  type: "care.plan.set";
  id: RequestId;
  client?: UserId;
  plan: SafetyPlan;
}

/** Schema: `#/$defs/care.risk.set`. */
export interface CareRiskSetRequest {
  type: "care.risk.set";
  id: RequestId;
  client: UserId;
  level: RiskLevel;
  source?: RiskSource;
  assessedAt?: Timestamp;
}

/** Schema: `#/$defs/care.record.get`. */
export interface CareRecordGetRequest {
  type: "care.record.get";
  id: RequestId;
  client: UserId;
  room: RoomId;
}

/** Schema: `#/$defs/alert.raise`. */
export interface AlertRaiseRequest {
  type: "alert.raise";
  id: RequestId;
  room?: RoomId;
  kind?: AlertKind;
  severity?: Severity;
}

/** Schema: `#/$defs/alert.flag`. */
export interface AlertFlagRequest {
  type: "alert.flag";
  id: RequestId;
  client: UserId;
  room?: RoomId;
  kind: AlertKind;
  severity: Severity;
  /** Schema: 1 to 2000 characters. */
  note?: string;
}

/** Schema: `#/$defs/alert.confirm`. */
export interface AlertConfirmRequest {
  type: "alert.confirm";
  id: RequestId;
  /** Schema: not empty. */
  alert: string;
  /** Schema: an integer. */
  version: number;
}

/** Schema: `#/$defs/alert.acknowledge`. */
export interface AlertAcknowledgeRequest {
  type: "alert.acknowledge";
  id: RequestId;
  /** Schema: not empty. */
  alert: string;
}

/** Schema: `#/$defs/alert.engage`. */
export interface AlertEngageRequest {
  type: "alert.engage";
  id: RequestId;
  /** Schema: not empty. */
  alert: string;
}

/** Schema: `#/$defs/alert.action`. */
export interface AlertActionRequest {
  type: "alert.action";
  id: RequestId;
  /** Schema: not empty. */
  alert: string;
  action: ActionType;
  /** Schema: 1 to 64 characters. */
  key?: string;
  /** Schema: 1 to 2000 characters. */
  note?: string;
}

/** Schema: `#/$defs/alert.resolve`. */
export interface AlertResolveRequest {
  type: "alert.resolve";
  id: RequestId;
  /** Schema: not empty. */
  alert: string;
  outcome: Outcome;
  /** Schema: 1 to 2000 characters. */
  note?: string;
}

/** Schema: `#/$defs/alert.follow_up`. */
export interface AlertFollowUpRequest {
  type: "alert.follow_up";
  id: RequestId;
  /** Schema: not empty. */
  alert: string;
  /** Schema: 1 to 2000 characters. */
  note: string;
}

/** Schema: `#/$defs/alert.list`. */
export interface AlertListRequest {
  type: "alert.list";
  id: RequestId;
}

/** Schema: `#/$defs/result.checkin.recorded`. */
export interface CheckinRecordedResult {
  kind: "checkin.recorded";
  checkIn: CheckIn;
}

/** Schema: `#/$defs/result.care.version`. */
export interface CareVersionResult {
  kind: "care.version";
  client: UserId;
  /** Schema: an integer; ≥ 1. */
  version: number;
}

/** Schema: `#/$defs/result.care.record`. */
export interface CareRecordResult {
  kind: "care.record";
  client: UserId;
  checkIn?: CheckIn;
  contacts?: VersionedContacts;
  plan?: VersionedSafetyPlan;
  risk?: VersionedRisk;
}

/** Schema: `#/$defs/result.alert.received`. */
export interface AlertReceivedResult {
  kind: "alert.received";
  /** Schema: not empty. */
  alert: string;
  state: AlertState;
  resources: CrisisResource[];
  coping: string[];
}

/** Schema: `#/$defs/result.alert.action_recorded`. */
export interface AlertActionRecordedResult {
  kind: "alert.action_recorded";
  /** Schema: not empty. */
  alert: string;
  /** Schema: not empty. */
  key: string;
  recorded: boolean;
  by: UserId;
}

/** Schema: `#/$defs/result.alert.list`. */
export interface AlertListResult {
  kind: "alert.list";
  alerts: AlertView[];
}

/**
 * Why an alert frame reaches a responder now.
 * Schema: `#/$defs/AlertReason`.
 */
export type AlertReason = "raised" | "escalated" | "updated" | "redelivered" | "open";

/**
 * An alert for a responder; jumps the outbound queue; confirm with alert.confirm or it is sent again.
 * Schema: `#/$defs/alert`.
 */
export interface AlertEvent {
  type: "alert";
  reason: AlertReason;
  alert: AlertView;
}

/** Schema: `#/$defs/alert.follow_up_due`. */
export interface AlertFollowUpDueEvent {
  type: "alert.follow_up_due";
  /** Schema: not empty. */
  alert: string;
  client: UserId;
  dueAt: Timestamp;
}

/** Schema: `#/$defs/RoomKind`. */
export type RoomKind = "group" | "individual" | "family" | "breakout";

/** Schema: `#/$defs/RoomRole`. */
export type RoomRole = "facilitator" | "co_facilitator" | "participant" | "support" | "observer";

/** Schema: `#/$defs/SessionState`. */
export type SessionState = "live" | "paused" | "ended";

/** Schema: `#/$defs/Signal`. */
export type Signal = "offer" | "answer" | "ice" | "bye";

/** Schema: `#/$defs/IceServer`. */
export interface IceServer {
  /** Schema: not empty. */
  urls: string[];
  /** Schema: not empty. */
  username?: string;
  /** Schema: not empty. */
  credential?: string;
}

/** Schema: `#/$defs/session.configure`. */
export interface SessionConfigureRequest {
  type: "session.configure";
  id: RequestId;
  room: RoomId;
  kind: RoomKind;
  requiresAdmission: boolean;
}

/** Schema: `#/$defs/session.pause`. */
export interface SessionPauseRequest {
  type: "session.pause";
  id: RequestId;
  room: RoomId;
}

/** Schema: `#/$defs/session.resume`. */
export interface SessionResumeRequest {
  type: "session.resume";
  id: RequestId;
  room: RoomId;
}

/** Schema: `#/$defs/session.end`. */
export interface SessionEndRequest {
  type: "session.end";
  id: RequestId;
  room: RoomId;
  /** Schema: 1 to 200 characters. */
  reason: string;
}

/** Schema: `#/$defs/room.admit`. */
export interface RoomAdmitRequest {
  type: "room.admit";
  id: RequestId;
  room: RoomId;
  user: UserId;
}

/** Schema: `#/$defs/room.decline`. */
export interface RoomDeclineRequest {
  type: "room.decline";
  id: RequestId;
  room: RoomId;
  user: UserId;
}

/** Schema: `#/$defs/room.remove`. */
export interface RoomRemoveRequest {
  type: "room.remove";
  id: RequestId;
  room: RoomId;
  user: UserId;
}

/** Schema: `#/$defs/breakout.start`. */
export interface BreakoutStartRequest {
  type: "breakout.start";
  id: RequestId;
  room: RoomId;
  client: UserId;
  clinician?: UserId;
  /** Schema: not empty. */
  alert?: string;
}

/** Schema: `#/$defs/breakout.return`. */
export interface BreakoutReturnRequest {
  type: "breakout.return";
  id: RequestId;
  breakout: RoomId;
}

/** Schema: `#/$defs/rtc.signal`. */
export interface RtcSignalRequest {
  type: "rtc.signal";
  id: RequestId;
  room: RoomId;
  to: UserId;
  signal: Signal;
  payload: string;
}

/** Schema: `#/$defs/result.room.waiting`. */
export interface RoomWaitingResult {
  kind: "room.waiting";
  room: RoomId;
}

/** Schema: `#/$defs/result.breakout.started`. */
export interface BreakoutStartedResult {
  kind: "breakout.started";
  room: RoomId;
  breakout: RoomId;
}

/** Schema: `#/$defs/session.state`. */
export interface SessionStateEvent {
  type: "session.state";
  room: RoomId;
  seq: Seq;
  state: SessionState;
  /** Schema: not empty. */
  reason?: string;
}

/** Schema: `#/$defs/room.waiting_list`. */
export interface RoomWaitingListEvent {
  type: "room.waiting_list";
  room: RoomId;
  waiting: Member[];
}

/** Schema: `#/$defs/room.admitted`. */
export interface RoomAdmittedEvent {
  type: "room.admitted";
  room: RoomId;
  snapshot: RoomSnapshotResult;
}

/** Schema: `#/$defs/room.declined`. */
export interface RoomDeclinedEvent {
  type: "room.declined";
  room: RoomId;
}

/** Schema: `#/$defs/room.removed`. */
export interface RoomRemovedEvent {
  type: "room.removed";
  room: RoomId;
}

/** Schema: `#/$defs/room.member_stepped_out`. */
export interface RoomMemberSteppedOutEvent {
  type: "room.member_stepped_out";
  room: RoomId;
  seq: Seq;
  user: UserId;
}

/** Schema: `#/$defs/room.member_returned`. */
export interface RoomMemberReturnedEvent {
  type: "room.member_returned";
  room: RoomId;
  seq: Seq;
  user: UserId;
}

/** Schema: `#/$defs/breakout.moved`. */
export interface BreakoutMovedEvent {
  type: "breakout.moved";
  room: RoomId;
  breakout: RoomId;
  peers: UserId[];
  snapshot: RoomSnapshotResult;
}

/** Schema: `#/$defs/checkin.requested`. */
export interface CheckinRequestedEvent {
  type: "checkin.requested";
  room: RoomId;
}

/** Schema: `#/$defs/breakout.ended`. */
export interface BreakoutEndedEvent {
  type: "breakout.ended";
  room: RoomId;
  breakout: RoomId;
}

/** Schema: `#/$defs/rtc.relay`. */
export interface RtcRelayEvent {
  type: "rtc.relay";
  room: RoomId;
  from: UserId;
  signal: Signal;
  payload: string;
}

/**
 * The algorithm of a public key of the discreet chat: agreement keys x25519 or p256, signing keys ed25519 or p256-ecdsa (docs/e2e.md).
 * Schema: `#/$defs/KeyAlgorithm`.
 */
export type KeyAlgorithm = "x25519" | "p256" | "ed25519" | "p256-ecdsa";

/** Schema: `#/$defs/E2ePublicKey`. */
export interface E2ePublicKey {
  alg: KeyAlgorithm;
  /** Schema: at most 512 characters; matches `^[A-Za-z0-9+/]*={0,2}$`. */
  key: string;
}

/** Schema: `#/$defs/E2ePrekey`. */
export interface E2ePrekey {
  /** Schema: an integer. */
  keyId: number;
  /** Schema: at most 512 characters; matches `^[A-Za-z0-9+/]*={0,2}$`. */
  key: string;
  /** Schema: at most 512 characters; matches `^[A-Za-z0-9+/]*={0,2}$`. */
  signature?: string;
}

/** Schema: `#/$defs/DeviceBundle`. */
export interface DeviceBundle {
  /** Schema: 1 to 64 characters. */
  device: string;
  identityKey: E2ePublicKey;
  signingKey: E2ePublicKey;
  signedPrekey: E2ePrekey;
  oneTimePrekey?: E2ePrekey;
  /** Schema: matches `^[0-9a-f]{40}$`. */
  fingerprint: string;
}

/**
 * The scheme an envelope is sealed with (docs/e2e.md).
 * Schema: `#/$defs/EnvelopeAlgorithm`.
 */
export type EnvelopeAlgorithm = "x25519-hkdf-sha256-aes256gcm" | "p256-hkdf-sha256-aes256gcm";

/**
 * One sealed message for one device; opaque to the server.
 * Schema: `#/$defs/Envelope`.
 */
export interface Envelope {
  /** Schema: 1 to 64 characters. */
  device: string;
  /** Schema: 1 to 64 characters. */
  senderDevice: string;
  algorithm: EnvelopeAlgorithm;
  /** Schema: at most 512 characters; matches `^[A-Za-z0-9+/]*={0,2}$`. */
  ephemeralKey: string;
  /** Schema: an integer. */
  oneTimePrekeyId?: number;
  /** Schema: at most 64 characters; matches `^[A-Za-z0-9+/]*={0,2}$`. */
  nonce: string;
  /** Schema: at most 16384 characters; matches `^[A-Za-z0-9+/]*={0,2}$`. */
  ciphertext: string;
}

/** Schema: `#/$defs/DirectMessage`. */
export interface DirectMessage {
  /** Schema: not empty. */
  message: string;
  from: UserId;
  envelope: Envelope;
  sentAt: Timestamp;
}

/** Schema: `#/$defs/keys.publish`. */
export interface KeysPublishRequest {
  type: "keys.publish";
  id: RequestId;
  /** Schema: 1 to 64 characters. */
  device: string;
  identityKey: E2ePublicKey;
  signingKey: E2ePublicKey;
  signedPrekey: E2ePrekey;
  /** Schema: at most 100 items. */
  oneTimePrekeys?: E2ePrekey[];
}

/** Schema: `#/$defs/keys.fetch`. */
export interface KeysFetchRequest {
  type: "keys.fetch";
  id: RequestId;
  user: UserId;
}

/** Schema: `#/$defs/dm.send`. */
export interface DmSendRequest {
  type: "dm.send";
  id: RequestId;
  to: UserId;
  /** Schema: 1 to 16 items. */
  envelopes: Envelope[];
}

/** Schema: `#/$defs/dm.ack`. */
export interface DmAckRequest {
  type: "dm.ack";
  id: RequestId;
  /** Schema: at most 500 items. */
  messages: string[];
}

/** Schema: `#/$defs/result.keys.published`. */
export interface KeysPublishedResult {
  kind: "keys.published";
  /** Schema: 1 to 64 characters. */
  device: string;
  /** Schema: matches `^[0-9a-f]{40}$`. */
  fingerprint: string;
}

/** Schema: `#/$defs/result.keys.bundle`. */
export interface KeysBundleResult {
  kind: "keys.bundle";
  user: UserId;
  devices: DeviceBundle[];
}

/** Schema: `#/$defs/result.dm.sent`. */
export interface DmSentResult {
  kind: "dm.sent";
  /** Schema: not empty. */
  message: string;
  /** Schema: an integer; ≥ 0. */
  delivered: number;
  /** Schema: an integer; ≥ 0. */
  queued: number;
}

/** Schema: `#/$defs/dm.message`. */
export interface DmMessageEvent {
  type: "dm.message";
  message: DirectMessage;
}

/** Schema: `#/$defs/keys.changed`. */
export interface KeysChangedEvent {
  type: "keys.changed";
  user: UserId;
  /** Schema: 1 to 64 characters. */
  device: string;
  /** Schema: matches `^[0-9a-f]{40}$`. */
  fingerprint: string;
}

/** Schema: `#/$defs/room.resumed`. */
export interface RoomResumedEvent {
  type: "room.resumed";
  room: RoomId;
  recovered: boolean;
  /** Schema: an integer; ≥ 1. */
  fromSeq?: number;
  snapshot?: RoomSnapshotResult;
}

/**
 * The keys of a browser's push subscription, as PushSubscription.toJSON().keys gives them.
 * Schema: `#/$defs/PushKeys`.
 */
export interface PushKeys {
  /**
   * base64url of the browser's P-256 public key: 65 bytes, uncompressed (0x04, x, y)
   * Schema: 87 to 88 characters; matches `^[A-Za-z0-9_-]+={0,2}$`.
   */
  p256dh: string;
  /**
   * base64url of the subscription's 16-byte authentication secret
   * Schema: 22 to 24 characters; matches `^[A-Za-z0-9_-]+={0,2}$`.
   */
  auth: string;
}

/** Schema: `#/$defs/PushSubscription`. */
export interface PushSubscription {
  /** Schema: 1 to 64 characters. */
  device: string;
  /**
   * the host of the subscription's push service; never the endpoint itself
   * Schema: not empty.
   */
  service: string;
  subscribedAt: Timestamp;
}

/** Schema: `#/$defs/push.subscribe`. */
export interface PushSubscribeRequest {
  type: "push.subscribe";
  id: RequestId;
  /** Schema: 1 to 64 characters. */
  device: string;
  /**
   * the subscription's endpoint, as PushSubscription.toJSON().endpoint gives it: an absolute URL
   * Schema: 1 to 2048 characters; matches `^[Hh][Tt][Tt][Pp][Ss]?://`.
   */
  endpoint: string;
  keys: PushKeys;
}

/** Schema: `#/$defs/push.unsubscribe`. */
export interface PushUnsubscribeRequest {
  type: "push.unsubscribe";
  id: RequestId;
  /** Schema: 1 to 64 characters. */
  device: string;
}

/** Schema: `#/$defs/push.list`. */
export interface PushListRequest {
  type: "push.list";
  id: RequestId;
}

/** Schema: `#/$defs/result.push.subscribed`. */
export interface PushSubscribedResult {
  kind: "push.subscribed";
  /** Schema: 1 to 64 characters. */
  device: string;
  subscribedAt: Timestamp;
}

/** Schema: `#/$defs/result.push.subscriptions`. */
export interface PushSubscriptionsResult {
  kind: "push.subscriptions";
  subscriptions: PushSubscription[];
}

/** Every message a client sends, by `type`. */
export interface ClientMessages {
  "hello": HelloRequest;
  "token.refresh": TokenRefreshRequest;
  "ping": PingRequest;
  "room.join": RoomJoinRequest;
  "room.leave": RoomLeaveRequest;
  "chat.send": ChatSendRequest;
  "presence.set": PresenceSetRequest;
  "presence.query": PresenceQueryRequest;
  "checkin.submit": CheckinSubmitRequest;
  "checkin.decline": CheckinDeclineRequest;
  "care.contacts.set": CareContactsSetRequest;
  "care.plan.set": CarePlanSetRequest;
  "care.risk.set": CareRiskSetRequest;
  "care.record.get": CareRecordGetRequest;
  "alert.raise": AlertRaiseRequest;
  "alert.flag": AlertFlagRequest;
  "alert.confirm": AlertConfirmRequest;
  "alert.acknowledge": AlertAcknowledgeRequest;
  "alert.engage": AlertEngageRequest;
  "alert.action": AlertActionRequest;
  "alert.resolve": AlertResolveRequest;
  "alert.follow_up": AlertFollowUpRequest;
  "alert.list": AlertListRequest;
  "session.configure": SessionConfigureRequest;
  "session.pause": SessionPauseRequest;
  "session.resume": SessionResumeRequest;
  "session.end": SessionEndRequest;
  "room.admit": RoomAdmitRequest;
  "room.decline": RoomDeclineRequest;
  "room.remove": RoomRemoveRequest;
  "breakout.start": BreakoutStartRequest;
  "breakout.return": BreakoutReturnRequest;
  "rtc.signal": RtcSignalRequest;
  "keys.publish": KeysPublishRequest;
  "keys.fetch": KeysFetchRequest;
  "dm.send": DmSendRequest;
  "dm.ack": DmAckRequest;
  "push.subscribe": PushSubscribeRequest;
  "push.unsubscribe": PushUnsubscribeRequest;
  "push.list": PushListRequest;
}

/** Every message the server sends, by `type`. */
export interface ServerMessages {
  "ok": OkReply;
  "error": ErrorReply;
  "room.member_joined": RoomMemberJoinedEvent;
  "room.member_left": RoomMemberLeftEvent;
  "chat.message": ChatMessageEvent;
  "room.notice": RoomNoticeEvent;
  "presence.changed": PresenceChangedEvent;
  "alert": AlertEvent;
  "alert.follow_up_due": AlertFollowUpDueEvent;
  "session.state": SessionStateEvent;
  "room.waiting_list": RoomWaitingListEvent;
  "room.admitted": RoomAdmittedEvent;
  "room.declined": RoomDeclinedEvent;
  "room.removed": RoomRemovedEvent;
  "room.member_stepped_out": RoomMemberSteppedOutEvent;
  "room.member_returned": RoomMemberReturnedEvent;
  "breakout.moved": BreakoutMovedEvent;
  "breakout.ended": BreakoutEndedEvent;
  "rtc.relay": RtcRelayEvent;
  "dm.message": DmMessageEvent;
  "keys.changed": KeysChangedEvent;
  "checkin.requested": CheckinRequestedEvent;
  "room.resumed": RoomResumedEvent;
}

/** Every result of an `ok` reply, by `kind`. */
export interface Results {
  "welcome": WelcomeResult;
  "token.refreshed": TokenRefreshedResult;
  "room.snapshot": RoomSnapshotResult;
  "chat.sent": ChatSentResult;
  "presence.list": PresenceListResult;
  "checkin.recorded": CheckinRecordedResult;
  "care.version": CareVersionResult;
  "care.record": CareRecordResult;
  "alert.received": AlertReceivedResult;
  "alert.action_recorded": AlertActionRecordedResult;
  "alert.list": AlertListResult;
  "room.waiting": RoomWaitingResult;
  "breakout.started": BreakoutStartedResult;
  "keys.published": KeysPublishedResult;
  "keys.bundle": KeysBundleResult;
  "dm.sent": DmSentResult;
  "push.subscribed": PushSubscribedResult;
  "push.subscriptions": PushSubscriptionsResult;
}

/** The `type` of a client message. */
export type ClientMessageType = keyof ClientMessages;
/** The `type` of a server message. */
export type ServerMessageType = keyof ServerMessages;
/** The `kind` of a result. */
export type ResultKind = keyof Results;
