// Haven's JavaScript client: one WebSocket speaking the protocol of docs/protocol.md.
// Plain ES module, no dependencies, no build step. Documented for front-end teams in docs/console.md.
//
//   const haven = new HavenClient('/ws', { token });
//   haven.on('chat.message', (m) => render(m));
//   const welcome = await haven.connect();
//   await haven.join('group-1');
//   await haven.sendChat('group-1', 'hello');
//
// What it does for you: the hello handshake; request ids and matching replies (`ok` resolves, `error`
// rejects with a HavenError); events by type; the last sequence number of every room; reconnecting
// after a lost connection with the resume token and lastSeq, so missed room events arrive once and in
// order (rooms that cannot be recovered are joined again and announced with a `room.resync` event);
// confirming every alert it delivers (alert.confirm); refreshing the token before it expires when
// given a tokenProvider. WebSocket pings are answered by the browser itself.
//
// It never logs: messages carry health data (guarantee 6 holds in the browser too).

/** Protocol versions this client speaks. */
export const PROTOCOL_VERSIONS = Object.freeze([1]);

/** Close codes after which reconnecting can help (docs/protocol.md, "Close codes"). */
const RECONNECTABLE = new Set([1001, 1006, 1011, 1012, 1013, 4001, 4008, 4009, 4010]);

/** Close codes that need a new token before trying again. */
const NEEDS_TOKEN = new Set([4003, 4004]);

/**
 * A refusal from the server (`error` reply), or from this client (`code` "disconnected", "timeout");
 * a connection closed before `welcome` also carries the WebSocket `closeCode` (e.g. 4003).
 */
export class HavenError extends Error {
  constructor(code, message, request) {
    super(message || code);
    this.name = 'HavenError';
    /** The protocol's error code, e.g. "forbidden", "check_in_required". */
    this.code = code;
    /** The request type that was refused. */
    this.request = request;
  }
}

/**
 * One connection to Haven, kept alive across network loss.
 *
 * Events (subscribe with on(type, handler); handler(message)):
 *  - every server message type that is not a reply: "chat.message", "room.member_joined", "alert", ...
 *  - "room.resync" {room, snapshot}: the room could not be recovered after a reconnect; render this
 *    snapshot instead of what you had (also after `room.resumed` with a snapshot).
 *  - "state" {state, code?, reason?}: "connecting", "open", "reconnecting", "closed".
 *  - "*": every server message, replies included (for debugging tools; do not log health data).
 */
export class HavenClient {
  /**
   * @param {string} url WebSocket URL; a path such as "/ws" is resolved against the page's origin.
   * @param {object} options
   * @param {string} [options.token] the JWT (or give tokenProvider)
   * @param {() => Promise<string>} [options.tokenProvider] returns a fresh JWT; used to reconnect
   *        after 4003/4004 and to refresh the token a minute before it expires
   * @param {string} [options.device] the device id of the discreet chat this connection speaks for
   * @param {boolean} [options.reconnect=true] reconnect after a lost connection
   * @param {boolean} [options.confirmAlerts=true] answer every delivered alert with alert.confirm
   *        once the "alert" handlers have run
   * @param {number} [options.requestTimeoutMs=15000] reject a request unanswered this long
   * @param {typeof WebSocket} [options.WebSocket] a WebSocket implementation (tests, Node.js)
   */
  constructor(url, options = {}) {
    this.url = resolveUrl(url);
    this.options = { reconnect: true, confirmAlerts: true, requestTimeoutMs: 15000, ...options };
    this.token = options.token || null;
    this.device = options.device || null;
    /** The `welcome` result of the current connection (user, role, org, rooms, limits...). */
    this.welcome = null;
    /** "idle", "connecting", "open", "reconnecting" or "closed". */
    this.state = 'idle';
    this._ws = null;
    this._nextId = 1;
    this._pending = new Map();
    this._handlers = new Map();
    this._lastSeq = new Map();
    this._joined = new Set();
    this._resumeToken = null;
    this._closedByUser = false;
    this._attempt = 0;
    this._retryTimer = null;
    this._refreshTimer = null;
    this._WS = options.WebSocket || globalThis.WebSocket;
  }

  // -------------------------------------------------------------------------------------------
  // connection

  /** Opens the connection and says hello; resolves with the `welcome` result. */
  async connect() {
    this._closedByUser = false;
    if (!this.token && this.options.tokenProvider) this.token = await this.options.tokenProvider();
    if (!this.token) throw new HavenError('token_rejected', 'no token');
    return this._open(false);
  }

  /** Closes for good (no reconnect); pending requests are rejected with "disconnected". */
  close() {
    this._closedByUser = true;
    clearTimeout(this._retryTimer);
    clearTimeout(this._refreshTimer);
    if (this._ws) this._ws.close(1000, 'bye');
    this._setState('closed', {});
  }

  /** Subscribes `handler` to events of `type`; returns a function that unsubscribes. */
  on(type, handler) {
    if (!this._handlers.has(type)) this._handlers.set(type, new Set());
    this._handlers.get(type).add(handler);
    return () => this._handlers.get(type)?.delete(handler);
  }

  /** The highest sequence number received in each room: {room: seq}. */
  lastSeq() {
    return Object.fromEntries(this._lastSeq);
  }

  /** The rooms this connection has joined (and will take back after a reconnect). */
  joinedRooms() {
    return [...this._joined];
  }

  /**
   * Sends a request `{type, id, ...fields}`; resolves with `ok.result` (or null when the reply has
   * none), rejects with a HavenError carrying the protocol's error code.
   */
  request(type, fields = {}) {
    const ws = this._ws;
    if (!ws || ws.readyState !== 1 || (this.state !== 'open' && type !== 'hello')) {
      return Promise.reject(new HavenError('disconnected', 'not connected', type));
    }
    const id = String(this._nextId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new HavenError('timeout', 'no answer in time', type));
      }, this.options.requestTimeoutMs);
      this._pending.set(id, { resolve, reject, timer, type });
      ws.send(JSON.stringify({ ...fields, type, id }));
    });
  }

  _open(resuming) {
    this._setState(resuming ? 'reconnecting' : 'connecting', {});
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new this._WS(this.url);
      } catch (e) {
        reject(new HavenError('disconnected', 'cannot open the WebSocket'));
        return;
      }
      this._ws = ws;
      let welcomed = false;
      ws.onmessage = (event) => this._receive(event.data);
      ws.onerror = () => { /* the close event follows and carries the code */ };
      ws.onclose = (event) => {
        if (this._ws !== ws) return;
        this._ws = null;
        this._failPending();
        clearTimeout(this._refreshTimer);
        if (!welcomed) {
          const error = new HavenError(closeCode(event.code), `connection closed (${event.code})`);
          error.closeCode = event.code;
          reject(error);
        }
        this._lost(event.code, event.reason);
      };
      ws.onopen = () => {
        const hello = { token: this.token, versions: PROTOCOL_VERSIONS };
        if (this.device) hello.device = this.device;
        if (resuming && this._resumeToken) {
          hello.resumeToken = this._resumeToken;
          const seqs = this.lastSeq();
          if (Object.keys(seqs).length > 0) hello.lastSeq = seqs;
        }
        this.request('hello', hello).then((welcome) => {
          welcomed = true;
          this.welcome = welcome;
          this._resumeToken = welcome.resumeToken;
          this._attempt = 0;
          this._setState('open', {});
          this._scheduleRefresh(welcome.tokenExpiresAt);
          resolve(welcome);
        }, (error) => {
          reject(error);
          ws.close();
        });
      };
    });
  }

  _lost(code, reason) {
    if (this._closedByUser) return;
    const canRetry = this.options.reconnect && (RECONNECTABLE.has(code)
      || (NEEDS_TOKEN.has(code) && this.options.tokenProvider)) && this.welcome;
    if (!canRetry) {
      this._setState('closed', { code, reason });
      return;
    }
    this._setState('reconnecting', { code, reason });
    // Exponential backoff with jitter: 0.25 s, 0.5 s, 1 s ... at most 10 s.
    const delay = Math.min(10000, 250 * 2 ** this._attempt++) * (0.5 + Math.random() / 2);
    this._retryTimer = setTimeout(async () => {
      try {
        if (NEEDS_TOKEN.has(code)) this.token = await this.options.tokenProvider();
        await this._open(true);
      } catch {
        // _lost runs again from the close handler of the failed attempt
      }
    }, delay);
  }

  _scheduleRefresh(expiresAt) {
    clearTimeout(this._refreshTimer);
    if (!this.options.tokenProvider || !expiresAt) return;
    const inMs = Date.parse(expiresAt) - Date.now() - 60000;
    this._refreshTimer = setTimeout(async () => {
      try {
        const token = await this.options.tokenProvider();
        const r = await this.request('token.refresh', { token });
        this.token = token;
        this._scheduleRefresh(r.tokenExpiresAt);
      } catch {
        // the server closes with 4004 at expiry; the reconnect takes a new token then
      }
    }, Math.max(1000, Math.min(inMs, 2 ** 31 - 1)));
  }

  _failPending() {
    for (const [, p] of this._pending) {
      clearTimeout(p.timer);
      p.reject(new HavenError('disconnected', 'the connection was lost before the answer', p.type));
    }
    this._pending.clear();
  }

  _setState(state, detail) {
    if (this.state === state && state !== 'reconnecting') return;
    this.state = state;
    this._emit('state', { state, ...detail });
  }

  // -------------------------------------------------------------------------------------------
  // incoming

  _receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return; // the server sends JSON only; nothing useful to do with anything else
    }
    this._track(message);
    this._emit('*', message);
    if (message.type === 'ok' || (message.type === 'error' && message.re != null)) {
      const p = this._pending.get(message.re);
      if (!p) return;
      this._pending.delete(message.re);
      clearTimeout(p.timer);
      if (message.type === 'ok') p.resolve(message.result ?? null);
      else p.reject(new HavenError(message.code, message.message, p.type));
      return;
    }
    this._emit(message.type, message);
    if (message.type === 'alert' && this.options.confirmAlerts) {
      this.request('alert.confirm', { alert: message.alert.id, version: message.alert.version }).catch(() => {});
    }
    if (message.type === 'room.resumed') this._resumed(message);
  }

  /** Keeps lastSeq of every room and the set of joined rooms, as messages arrive. */
  _track(m) {
    const seen = (room, seq) => {
      if (room && typeof seq === 'number' && seq > (this._lastSeq.get(room) ?? -1)) this._lastSeq.set(room, seq);
    };
    if (m.type === 'ok' && m.result) {
      const r = m.result;
      if (r.kind === 'room.snapshot') {
        seen(r.room, r.seq);
        this._joined.add(r.room);
      }
    } else if (m.type === 'room.admitted') {
      seen(m.room, m.snapshot.seq);
      this._joined.add(m.room);
    } else if (m.type === 'breakout.moved') {
      seen(m.snapshot.room, m.snapshot.seq);
      this._joined.add(m.snapshot.room);
    } else if (m.type === 'breakout.ended') {
      this._joined.delete(m.breakout);
      this._lastSeq.delete(m.breakout);
    } else if (m.type === 'room.removed' || m.type === 'room.declined') {
      this._forget(m.room);
    } else if (m.type === 'session.state' && m.state === 'ended') {
      seen(m.room, m.seq);
    } else if (m.type === 'room.resumed' && m.snapshot) {
      this._lastSeq.set(m.room, m.snapshot.seq);
    } else if (typeof m.seq === 'number') {
      seen(m.room, m.seq);
    }
  }

  _forget(room) {
    this._joined.delete(room);
    this._lastSeq.delete(room);
  }

  /** After a resuming hello: recovered rooms need nothing; the others get a snapshot, one way or another. */
  _resumed(m) {
    if (m.recovered) return;
    if (m.snapshot) {
      this._emit('room.resync', { room: m.room, snapshot: m.snapshot });
      return;
    }
    if (!this._joined.has(m.room)) return;
    this._forget(m.room);
    this.join(m.room).then(
      (snapshot) => this._emit('room.resync', { room: m.room, snapshot }),
      (error) => this._emit('room.resync', { room: m.room, error }));
  }

  _emit(type, message) {
    const handlers = this._handlers.get(type);
    if (!handlers) return;
    for (const h of [...handlers]) {
      try {
        h(message);
      } catch (e) {
        // A failing handler must not stop the others, nor the confirmation of an alert.
        setTimeout(() => { throw e; });
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // typed helpers: one per request the console uses (fields as in docs/protocol.md)

  /** Joins a room: resolves with `room.snapshot`, or `room.waiting` when admission is required. */
  join(room) { return this.request('room.join', { room }); }
  /** Leaves a room. */
  leave(room) { return this.request('room.leave', { room }).finally(() => this._forget(room)); }
  /** Posts to a room's group chat: resolves with `chat.sent`. */
  sendChat(room, text) { return this.request('chat.send', { room, text }); }
  /** Sets the presence status: available, busy, away, on_call, off_duty. */
  setPresence(status) { return this.request('presence.set', { status }); }
  /** Lists a joined room's members with their status. */
  queryPresence(room) { return this.request('presence.query', { room }); }

  /**
   * A client's session check-in. `checkIn` = {address: {street, unit?, city, region?, postalCode?,
   * country}, callbackPhone, privateSetting (boolean), coordinates?}.
   */
  checkIn(room, checkIn) { return this.request('checkin.submit', { room, ...checkIn }); }
  /** A client declines to give a location (the care team receives a low-severity alert). */
  declineCheckIn(room) { return this.request('checkin.decline', { room }); }
  /** Sets emergency contacts [{name, relation, phone, consentToContact}] (of `client`, or one's own). */
  setContacts(contacts, client) { return this.request('care.contacts.set', client ? { client, contacts } : { contacts }); }
  /** Sets the safety plan {warningSigns, copingStrategies, distractions, peopleToAsk, professionals, safeEnvironment}. */
  setPlan(plan, client) { return this.request('care.plan.set', client ? { client, plan } : { plan }); }
  /**
   * The care team records a client's assessed risk: `level` low, moderate or high; `source` (c_ssrs,
   * asq, clinical_judgement, ehr, other) and `assessedAt` (ISO instant) optional. Never a client's own.
   */
  setRisk(client, level, { source, assessedAt } = {}) {
    return this.request('care.risk.set', strip({ client, level, source, assessedAt }));
  }
  /** A clinician reads a client's care record for a room. */
  careRecord(client, room) { return this.request('care.record.get', { client, room }); }

  /** The help button: resolves, once the alert is stored, with {alert, state, resources, coping}. */
  raiseAlert({ room, kind, severity } = {}) {
    const f = {};
    if (room) f.room = room;
    if (kind) f.kind = kind;
    if (severity) f.severity = severity;
    return this.request('alert.raise', f);
  }
  /** A clinician flags distress they observed. */
  flagAlert(client, { room, kind, severity, note } = {}) {
    return this.request('alert.flag', strip({ client, room, kind, severity, note }));
  }
  acknowledgeAlert(alert) { return this.request('alert.acknowledge', { alert }); }
  engageAlert(alert) { return this.request('alert.engage', { alert }); }
  /** Records an action once per key: resolves with {recorded, by}. */
  recordAction(alert, action, { key, note } = {}) { return this.request('alert.action', strip({ alert, action, key, note })); }
  resolveAlert(alert, outcome, note) { return this.request('alert.resolve', strip({ alert, outcome, note })); }
  followUpAlert(alert, note) { return this.request('alert.follow_up', { alert, note }); }
  /** Open, resolved and follow-up-due alerts the caller may see: resolves with {alerts}. */
  listAlerts() { return this.request('alert.list'); }

  configureSession(room, kind, requiresAdmission) { return this.request('session.configure', { room, kind, requiresAdmission }); }
  pause(room) { return this.request('session.pause', { room }); }
  resume(room) { return this.request('session.resume', { room }); }
  endSession(room, reason) { return this.request('session.end', { room, reason }); }
  admit(room, user) { return this.request('room.admit', { room, user }); }
  decline(room, user) { return this.request('room.decline', { room, user }); }
  remove(room, user) { return this.request('room.remove', { room, user }); }
  /** Moves `client` into a private breakout with the caller (or `clinician`): resolves with {breakout}. */
  startBreakout(room, client, { clinician, alert } = {}) { return this.request('breakout.start', strip({ room, client, clinician, alert })); }
  returnBreakout(breakout) { return this.request('breakout.return', { breakout }); }
  /** Relays a WebRTC signal (offer, answer, ice, bye) to one peer in the room. */
  signal(room, to, signal, payload) { return this.request('rtc.signal', { room, to, signal, payload }); }

  /** Publishes this device's keys (haven-crypto.js DeviceKeys.publishRequest()). */
  publishKeys(request) {
    this.device = request.device;
    return this.request('keys.publish', request);
  }
  /** Every device bundle of `user` one may chat with: resolves with {user, devices}. */
  fetchKeys(user) { return this.request('keys.fetch', { user }); }
  /** Sends one sealed envelope per device of `to`: resolves with {message, delivered, queued}. */
  sendDirect(to, envelopes) { return this.request('dm.send', { to, envelopes }); }
  /** Confirms direct messages: they leave this device's mailbox. */
  ackDirect(messages) { return this.request('dm.ack', { messages }); }

  /**
   * Pages this browser (clinicians and supervisors, when `welcome.pushKey` is there): `device` is this
   * browser's own id for its subscription, `subscription` the browser's `PushSubscription.toJSON()`.
   * Resolves with {device, subscribedAt}.
   */
  subscribePush(device, subscription) {
    const { endpoint, keys: { p256dh, auth } = {} } = subscription;
    return this.request('push.subscribe', { device, endpoint, keys: { p256dh, auth } });
  }
  /** Stops paging this browser: resolves whether or not `device` had a subscription. */
  unsubscribePush(device) { return this.request('push.unsubscribe', { device }); }
  /** The caller's own subscriptions: resolves with {subscriptions: [{device, service, subscribedAt}]}. */
  listPush() { return this.request('push.list'); }
}

function strip(fields) {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

function closeCode(code) {
  if (code === 4003 || code === 4004) return 'token_rejected';
  return 'disconnected';
}

function resolveUrl(url) {
  if (/^wss?:\/\//.test(url)) return url;
  const base = globalThis.location;
  if (!base) throw new TypeError('url: an absolute ws:// or wss:// URL is needed outside a page');
  const u = new URL(url, base.href);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.href;
}

/** Mints a demo token with the dev sign-in (dev mode only). Resolves with {token, expiresInSeconds}. */
export async function devToken({ sub, role, org, rooms, name }, fetchImpl = globalThis.fetch) {
  const response = await fetchImpl('/dev/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sub, role, org, rooms, name }),
  });
  if (response.status === 404) {
    throw new HavenError('dev_sign_in_unavailable',
      'This server does not offer the demo sign-in (it runs only in dev mode). Sign in with a token from your organisation.');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new HavenError(body.error || 'bad_request', body.message || `HTTP ${response.status}`);
  return body;
}
