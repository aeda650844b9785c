// Declarations of haven-client.js, the protocol client (docs/console.md, "The JavaScript client
// module"). Written by hand: the messages and results they name are protocol.d.ts, generated from
// the JSON Schema. The package's test compiles them against a consumer, against the `ws` package's
// types and against the module itself (every export and public member declared, none invented).

import type {
  ActionType,
  AlertActionRecordedResult,
  AlertKind,
  AlertListResult,
  AlertReceivedResult,
  BreakoutStartedResult,
  CareRecordResult,
  CareVersionResult,
  ChatSentResult,
  CheckinRecordedResult,
  CheckinSubmitRequest,
  ClientMessages,
  ClientMessageType,
  DmSentResult,
  EmergencyContact,
  Envelope,
  ErrorCode,
  RiskLevel,
  RiskSource,
  KeysBundleResult,
  KeysPublishedResult,
  KeysPublishRequest,
  Outcome,
  PresenceListResult,
  PresenceStatus,
  PushSubscribedResult,
  PushSubscriptionsResult,
  RoomKind,
  RoomSnapshotResult,
  RoomWaitingResult,
  Role,
  SafetyPlan,
  ServerMessage,
  ServerMessages,
  Severity,
  Signal,
  TokenRefreshedResult,
  WelcomeResult,
} from './protocol.js';

export * from './protocol.js';

/** Protocol versions this client speaks (offered in `hello`). */
export declare const PROTOCOL_VERSIONS: readonly number[];

/** Codes this client gives itself: the connection is gone, or a request had no answer in time. */
export type ClientErrorCode = 'disconnected' | 'timeout' | 'dev_sign_in_unavailable' | 'bad_request';

/**
 * A refusal from the server (`error` reply), or from this client (`code` "disconnected", "timeout");
 * a connection closed before `welcome` also carries the WebSocket `closeCode` (e.g. 4003).
 */
export declare class HavenError extends Error {
  constructor(code: string, message?: string, request?: string);
  /** The protocol's error code (`forbidden`, `check_in_required`, ...) or one of the client's own. */
  code: ErrorCode | ClientErrorCode | (string & {});
  /** The request type that was refused. */
  request?: string;
  /** The WebSocket close code, when the connection closed before `welcome`. */
  closeCode?: number;
}

/**
 * What the client needs of a WebSocket: the browser's, Node 22's global, or the `ws` package's
 * (`import WebSocket from 'ws'`).
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
}

/** A WebSocket implementation: `new WebSocket(url)`. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface HavenClientOptions {
  /** The JWT (or give `tokenProvider`). */
  token?: string;
  /**
   * Returns a fresh JWT: used to reconnect after 4003/4004 and to refresh the token a minute
   * before it expires.
   */
  tokenProvider?: () => Promise<string>;
  /** The device id of the discreet chat this connection speaks for. */
  device?: string;
  /** Reconnect after a lost connection (default true). */
  reconnect?: boolean;
  /** Answer every delivered alert with `alert.confirm` once the `alert` handlers ran (default true). */
  confirmAlerts?: boolean;
  /** Reject a request unanswered this long (default 15000). */
  requestTimeoutMs?: number;
  /** A WebSocket implementation; default the global `WebSocket` (browsers, Node 22+). */
  WebSocket?: WebSocketConstructor;
}

/** The connection's state: `idle` before `connect()`. */
export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The `state` event. */
export interface StateChange {
  state: Exclude<ClientState, 'idle'>;
  /** The close code that ended the connection, on `reconnecting` and `closed`. */
  code?: number;
  reason?: string;
}

/** The `room.resync` event: render `snapshot` instead of what you had, or rejoining failed. */
export interface RoomResync {
  room: string;
  snapshot?: RoomSnapshotResult | RoomWaitingResult;
  error?: HavenError;
}

/**
 * What `on(type, handler)` hands its handler: every server message that is not a reply, by type
 * (an `error` without `re` included), and the client's own `state`, `room.resync` and `*`
 * (every server message, replies included).
 */
export type HavenEvents = Omit<ServerMessages, 'ok'> & {
  state: StateChange;
  'room.resync': RoomResync;
  '*': ServerMessage;
};

/** The result each request resolves with (`null` when its `ok` carries none). */
export interface RequestResults {
  hello: WelcomeResult;
  'token.refresh': TokenRefreshedResult;
  ping: null;
  'room.join': RoomSnapshotResult | RoomWaitingResult;
  'room.leave': null;
  'chat.send': ChatSentResult;
  'presence.set': null;
  'presence.query': PresenceListResult;
  'checkin.submit': CheckinRecordedResult;
  'checkin.decline': null;
  'care.contacts.set': CareVersionResult;
  'care.plan.set': CareVersionResult;
  'care.risk.set': CareVersionResult;
  'care.record.get': CareRecordResult;
  'alert.raise': AlertReceivedResult;
  'alert.flag': AlertReceivedResult;
  'alert.confirm': null;
  'alert.acknowledge': null;
  'alert.engage': null;
  'alert.action': AlertActionRecordedResult;
  'alert.resolve': null;
  'alert.follow_up': null;
  'alert.list': AlertListResult;
  'session.configure': null;
  'session.pause': null;
  'session.resume': null;
  'session.end': null;
  'room.admit': null;
  'room.decline': null;
  'room.remove': null;
  'breakout.start': BreakoutStartedResult;
  'breakout.return': null;
  'rtc.signal': null;
  'keys.publish': KeysPublishedResult;
  'keys.fetch': KeysBundleResult;
  'dm.send': DmSentResult;
  'dm.ack': null;
  'push.subscribe': PushSubscribedResult;
  'push.unsubscribe': null;
  'push.list': PushSubscriptionsResult;
}

/** The fields of a request of `type`, without `type` and `id` (the client sets them). */
export type RequestFields<T extends ClientMessageType> = Omit<ClientMessages[T], 'type' | 'id'>;

/** A session check-in: what `checkIn(room, ...)` sends besides the room. */
export type CheckInFields = Omit<CheckinSubmitRequest, 'type' | 'id' | 'room'>;

/** A browser's `PushSubscription.toJSON()`. */
export interface PushSubscriptionJSONLike {
  endpoint?: string;
  keys?: Record<string, string>;
}

/**
 * One connection to Haven, kept alive across network loss: the `hello` handshake, request ids and
 * replies, events by type, the last sequence number of every room, reconnecting with the resume
 * token, confirming alerts, refreshing the token.
 */
export declare class HavenClient {
  /**
   * @param url a `ws://` or `wss://` URL; in a page, a path such as `/ws` is resolved against its origin
   */
  constructor(url: string, options?: HavenClientOptions);

  /** The WebSocket URL, resolved. */
  readonly url: string;
  /** The options in force, defaults filled in. */
  readonly options: HavenClientOptions & Required<Pick<HavenClientOptions, 'reconnect' | 'confirmAlerts' | 'requestTimeoutMs'>>;
  /** The token of the next `hello` (replaced by `tokenProvider`'s). */
  token: string | null;
  /** The discreet chat's device of this connection (set by `publishKeys`). */
  device: string | null;
  /** The `welcome` result of the current connection. */
  welcome: WelcomeResult | null;
  /** The connection's state. */
  state: ClientState;

  /** Opens the connection and says hello; resolves with the `welcome` result. */
  connect(): Promise<WelcomeResult>;
  /** Closes for good (no reconnect); pending requests are rejected with "disconnected". */
  close(): void;
  /** Subscribes `handler` to events of `type`; returns a function that unsubscribes. */
  on<T extends keyof HavenEvents>(type: T, handler: (message: HavenEvents[T]) => void): () => void;
  /** The highest sequence number received in each room: `{room: seq}`. */
  lastSeq(): Record<string, number>;
  /** The rooms this connection has joined (and will take back after a reconnect). */
  joinedRooms(): string[];
  /**
   * Sends any request of the protocol; resolves with `ok.result` (or null when the reply has
   * none), rejects with a HavenError carrying the protocol's error code.
   */
  request<T extends ClientMessageType>(
    type: T,
    ...fields: {} extends RequestFields<T> ? [fields?: RequestFields<T>] : [fields: RequestFields<T>]
  ): Promise<RequestResults[T]>;

  /** Joins a room: resolves with `room.snapshot`, or `room.waiting` when admission is required. */
  join(room: string): Promise<RoomSnapshotResult | RoomWaitingResult>;
  /** Leaves a room. */
  leave(room: string): Promise<null>;
  /** Posts to a room's group chat. */
  sendChat(room: string, text: string): Promise<ChatSentResult>;
  /** Sets the presence status (`on_call` and `off_duty`: clinicians and supervisors). */
  setPresence(status: PresenceStatus): Promise<null>;
  /** Lists a joined room's members with their status. */
  queryPresence(room: string): Promise<PresenceListResult>;

  /** A client's session check-in for `room`. */
  checkIn(room: string, checkIn: CheckInFields): Promise<CheckinRecordedResult>;
  /** A client declines to give a location (the care team receives a low-severity alert). */
  declineCheckIn(room: string): Promise<null>;
  /** Sets emergency contacts (of `client`, or one's own). */
  setContacts(contacts: EmergencyContact[], client?: string): Promise<CareVersionResult>;
  /** Sets the safety plan (of `client`, or one's own). */
  setPlan(plan: SafetyPlan, client?: string): Promise<CareVersionResult>;
  /** The care team sets a client's assessed risk (C-SSRS or another screening). */
  setRisk(
    client: string,
    level: RiskLevel,
    options?: { source?: RiskSource; assessedAt?: string },
  ): Promise<CareVersionResult>;
  /** A clinician reads a client's care record for a room. */
  careRecord(client: string, room: string): Promise<CareRecordResult>;

  /** The help button: resolves, once the alert is stored, with its crisis resources and coping steps. */
  raiseAlert(alert?: { room?: string; kind?: AlertKind; severity?: Severity }): Promise<AlertReceivedResult>;
  /** A clinician flags distress they observed. */
  flagAlert(client: string, alert?: { room?: string; kind?: AlertKind; severity?: Severity; note?: string }): Promise<AlertReceivedResult>;
  acknowledgeAlert(alert: string): Promise<null>;
  engageAlert(alert: string): Promise<null>;
  /** Records an action once per key. */
  recordAction(alert: string, action: ActionType, options?: { key?: string; note?: string }): Promise<AlertActionRecordedResult>;
  resolveAlert(alert: string, outcome: Outcome, note?: string): Promise<null>;
  followUpAlert(alert: string, note: string): Promise<null>;
  /** Open, resolved and follow-up-due alerts the caller may see. */
  listAlerts(): Promise<AlertListResult>;

  configureSession(room: string, kind: RoomKind, requiresAdmission: boolean): Promise<null>;
  pause(room: string): Promise<null>;
  resume(room: string): Promise<null>;
  endSession(room: string, reason: string): Promise<null>;
  admit(room: string, user: string): Promise<null>;
  decline(room: string, user: string): Promise<null>;
  remove(room: string, user: string): Promise<null>;
  /** Moves `client` into a private breakout with the caller (or `clinician`). */
  startBreakout(room: string, client: string, options?: { clinician?: string; alert?: string }): Promise<BreakoutStartedResult>;
  returnBreakout(breakout: string): Promise<null>;
  /** Relays a WebRTC signal to one peer in the room. */
  signal(room: string, to: string, signal: Signal, payload: string): Promise<null>;

  /** Publishes this device's keys (`DeviceKeys.publishRequest()` of `@haven/client/crypto`). */
  publishKeys(request: Omit<KeysPublishRequest, 'type' | 'id'>): Promise<KeysPublishedResult>;
  /** Every device bundle of `user` one may chat with. */
  fetchKeys(user: string): Promise<KeysBundleResult>;
  /** Sends one sealed envelope per device of `to`. */
  sendDirect(to: string, envelopes: Envelope[]): Promise<DmSentResult>;
  /** Confirms direct messages: they leave this device's mailbox. */
  ackDirect(messages: string[]): Promise<null>;

  /** Pages this browser by Web Push (clinicians and supervisors, when `welcome.pushKey` is there). */
  subscribePush(device: string, subscription: PushSubscriptionJSONLike): Promise<PushSubscribedResult>;
  /** Stops paging this browser. */
  unsubscribePush(device: string): Promise<null>;
  /** The caller's own subscriptions. */
  listPush(): Promise<PushSubscriptionsResult>;
}

/** The claims of a demo token. */
export interface DevTokenClaims {
  sub: string;
  role: Role;
  org: string;
  rooms: string[];
  name?: string;
}

/**
 * Mints a demo token with the dev sign-in (`POST /dev/token`, dev mode only). It fetches the
 * relative path `/dev/token`: outside a page, pass a `fetchImpl` that resolves it against the node,
 * e.g. `(path, init) => fetch(new URL(path, 'http://localhost:8080'), init)`.
 */
export declare function devToken(
  claims: DevTokenClaims,
  fetchImpl?: (path: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{
    ok: boolean;
    status: number;
    json(): Promise<any>;
  }>,
): Promise<{ token: string; expiresInSeconds: number }>;
