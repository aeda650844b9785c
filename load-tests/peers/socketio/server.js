'use strict';
// The Socket.IO 4.8 peer of Haven, for side-by-side load tests (docs/benchmarks.md). It does the
// work Haven does for the benchmarked paths, the way a team would build it on Socket.IO:
//   - every connection presents the same HS256 JWT as Haven's `hello` (issuer, audience, expiry,
//     org, role, room grants checked), at most 10 connections per user;
//   - a client must check in (location) before joining a room it is granted, at most 500 users
//     per room; joins and leaves are announced to the room;
//   - chat is broadcast to the whole room (sender included) with a server-assigned per-room
//     sequence number and timestamp, and acknowledged to the sender;
//   - an alert is stored, acknowledged to the raiser, and emitted directly to the room's
//     clinicians (or the organisation's on-call clinicians outside a room), re-sent every 5 s
//     until the clinician confirms it;
//   - 20 requests a second per connection (bursts of 40), as Haven's default rate limit.
// Loopback only. Two-node runs on its Redis adapter are not part of this peer yet (Haven's own
// Redis engines are not built yet either).
//
// Environment: PORT (0 picks a free one), HOST (127.0.0.1), JWT_SECRET (Haven's dev secret),
// JWT_ISSUER (haven-dev), JWT_AUDIENCE (haven), PING_INTERVAL_MS (2000), PING_TIMEOUT_MS (2000).
// Prints "Socket.IO peer is listening on port N". GET /stats answers the process's memory (after a
// full GC when node runs with --expose-gc); GET /readyz answers 200.

const http = require('node:http');
const crypto = require('node:crypto');
const { Server } = require('socket.io');

const DEV_SECRET = 'haven-dev-secret-do-not-use-in-production-0123456789';
const config = {
  host: process.env.HOST || '127.0.0.1',
  port: Number(process.env.PORT || 0),
  secret: Buffer.from(process.env.JWT_SECRET || DEV_SECRET, 'utf8'),
  issuer: process.env.JWT_ISSUER || 'haven-dev',
  audience: process.env.JWT_AUDIENCE || 'haven',
  clockSkewSeconds: 30,
  pingInterval: Number(process.env.PING_INTERVAL_MS || 2000),
  pingTimeout: Number(process.env.PING_TIMEOUT_MS || 2000),
  requestsPerSecond: 20,
  requestBurst: 40,
  maxConnectionsPerUser: 10,
  maxMembersPerRoom: 500,
  maxChatChars: 4000,
  redeliveryMs: 5000,
};

if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(config.host)) {
  console.error(`refusing to bind ${config.host}: the load-test peer listens on loopback only`);
  process.exit(2);
}

/** Verifies an HS256 JWT as Haven does; returns its claims or throws. */
function verifyToken(token) {
  if (typeof token !== 'string' || token.length > 8192) throw new Error('token_rejected');
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('token_rejected');
  const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  if (header.alg !== 'HS256') throw new Error('token_rejected');
  const expected = crypto.createHmac('sha256', config.secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw new Error('token_rejected');
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  const now = Date.now() / 1000;
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (typeof claims.exp !== 'number' || claims.exp + config.clockSkewSeconds < now
      || (typeof claims.nbf === 'number' && claims.nbf - config.clockSkewSeconds > now)
      || claims.iss !== config.issuer || !audience.includes(config.audience)
      || typeof claims.sub !== 'string' || typeof claims.org !== 'string'
      || !['client', 'clinician', 'supervisor', 'support'].includes(claims.role)
      || !Array.isArray(claims.rooms) || claims.rooms.length > 256) {
    throw new Error('token_rejected');
  }
  return claims;
}

/** A token bucket per connection: 20 a second, bursts of 40. */
function rateLimiter() {
  let tokens = config.requestBurst;
  let last = Date.now();
  return () => {
    const now = Date.now();
    tokens = Math.min(config.requestBurst, tokens + ((now - last) / 1000) * config.requestsPerSecond);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

const rooms = new Map(); // room id -> { seq, members: Map(user -> { member, sockets }) }
const checkIns = new Map(); // `${org}/${user}/${room}` -> check-in
const connectionsPerUser = new Map(); // `${org}/${user}` -> count
const alerts = new Map(); // alert id -> alert
const openAlertByClient = new Map(); // `${org}/${user}` -> alert id

function roomState(room) {
  let state = rooms.get(room);
  if (!state) {
    state = { seq: Date.now() * 1000, members: new Map() };
    rooms.set(room, state);
  }
  return state;
}

const httpServer = http.createServer((req, res) => {
  if (req.url === '/readyz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
  } else if (req.url === '/stats') {
    if (global.gc) global.gc();
    const memory = process.memoryUsage();
    res.writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ...memory, connections: io.engine.clientsCount, gc: Boolean(global.gc) }));
  } else {
    res.writeHead(404).end();
  }
});

const io = new Server(httpServer, {
  transports: ['websocket'],
  serveClient: false,
  maxHttpBufferSize: 65536,
  pingInterval: config.pingInterval,
  pingTimeout: config.pingTimeout,
  perMessageDeflate: false,
});

io.use((socket, next) => {
  let claims;
  try {
    claims = verifyToken(socket.handshake.auth && socket.handshake.auth.token);
  } catch (e) {
    next(new Error('token_rejected'));
    return;
  }
  const key = `${claims.org}/${claims.sub}`;
  const count = connectionsPerUser.get(key) || 0;
  if (count >= config.maxConnectionsPerUser) {
    next(new Error('too_many_connections'));
    return;
  }
  connectionsPerUser.set(key, count + 1);
  socket.data = {
    key,
    user: claims.sub,
    org: claims.org,
    role: claims.role,
    name: claims.name,
    grants: new Set(claims.rooms),
    joined: new Set(),
    status: 'available',
    allow: rateLimiter(),
  };
  next();
});

io.on('connection', (socket) => {
  const me = socket.data;

  // Every request is rate limited and answered exactly once, as in Haven.
  const handle = (event, work) => socket.on(event, (payload, ack) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    if (!me.allow()) {
      reply({ error: 'rate_limited' });
      return;
    }
    try {
      reply(work(payload || {}));
    } catch (e) {
      reply({ error: 'invalid_message' });
    }
  });

  handle('checkin', ({ room, address, callbackPhone, privateSetting }) => {
    if (!me.grants.has(room)) return { error: 'forbidden' };
    if (!address || typeof address.street !== 'string' || typeof callbackPhone !== 'string') {
      return { error: 'invalid_message' };
    }
    const checkIn = {
      id: crypto.randomUUID(), client: me.user, room, address, callbackPhone,
      privateSetting: Boolean(privateSetting), at: new Date().toISOString(),
    };
    checkIns.set(`${me.key}/${room}`, checkIn);
    return { kind: 'checkin.recorded', checkIn };
  });

  handle('join', ({ room }) => {
    if (!me.grants.has(room)) return { error: 'forbidden' };
    if (me.joined.has(room)) return { error: 'already_joined' };
    if (me.role === 'client' && !checkIns.has(`${me.key}/${room}`)) return { error: 'check_in_required' };
    const state = roomState(room);
    let entry = state.members.get(me.user);
    if (!entry) {
      if (state.members.size >= config.maxMembersPerRoom) return { error: 'limit_reached' };
      const clinicians = [...state.members.values()].filter((m) => m.member.role === 'clinician').length;
      const roomRole = me.role === 'clinician' ? (clinicians === 0 ? 'facilitator' : 'co_facilitator') : 'participant';
      entry = { member: { user: me.user, name: me.name, role: me.role, roomRole, status: me.status }, sockets: 0 };
      state.members.set(me.user, entry);
      state.seq += 1;
      socket.to(room).emit('room.member_joined', { room, seq: state.seq, member: entry.member });
    }
    entry.sockets += 1;
    me.joined.add(room);
    socket.join(room);
    return {
      kind: 'room.snapshot', room, seq: state.seq, state: 'live',
      members: [...state.members.values()].map((m) => m.member),
    };
  });

  handle('chat', ({ room, text }) => {
    if (!me.grants.has(room)) return { error: 'forbidden' };
    if (!me.joined.has(room)) return { error: 'not_a_member' };
    if (typeof text !== 'string' || text.length === 0) return { error: 'invalid_message' };
    if (text.length > config.maxChatChars) return { error: 'too_large' };
    const state = roomState(room);
    state.seq += 1;
    io.to(room).emit('chat.message', {
      room, seq: state.seq, from: me.user, name: me.name, text, sentAt: new Date().toISOString(),
    });
    return { kind: 'chat.sent', room, seq: state.seq };
  });

  handle('presence.set', ({ status }) => {
    if ((status === 'on_call' || status === 'off_duty') && me.role === 'client') return { error: 'forbidden' };
    me.status = status;
    if (status === 'on_call') socket.join(`on_call:${me.org}`);
    else socket.leave(`on_call:${me.org}`);
    return {};
  });

  handle('alert.raise', ({ room, kind, severity }) => {
    if (me.role !== 'client') return { error: 'forbidden' };
    if (room != null && !me.joined.has(room)) return { error: 'not_a_member' };
    const open = alerts.get(openAlertByClient.get(me.key));
    if (open) {
      open.presses += 1;
      return { kind: 'alert.received', alert: open.id, state: open.state, resources: crisisResources() };
    }
    const alert = {
      id: `a-${crypto.randomUUID()}`, version: 1, client: me.user, clientName: me.name, org: me.org,
      room: room || null, source: 'help_button', kind: kind || 'other', severity: severity || 'high',
      state: 'raised', presses: 1, raisedAt: new Date().toISOString(),
      checkIn: room ? checkIns.get(`${me.key}/${room}`) || null : null,
      deliveries: new Map(),
    };
    alerts.set(alert.id, alert);
    openAlertByClient.set(me.key, alert.id);
    deliver(alert, 'raised');
    return { kind: 'alert.received', alert: alert.id, state: alert.state, resources: crisisResources() };
  });

  handle('alert.confirm', ({ alert: id, version }) => {
    const alert = alerts.get(id);
    if (!alert) return { error: 'not_found' };
    const timer = alert.deliveries.get(socket.id);
    if (timer && version === alert.version) {
      clearTimeout(timer);
      alert.deliveries.delete(socket.id);
    }
    return {};
  });

  socket.on('disconnect', () => {
    const count = (connectionsPerUser.get(me.key) || 1) - 1;
    if (count === 0) connectionsPerUser.delete(me.key);
    else connectionsPerUser.set(me.key, count);
    for (const room of me.joined) {
      const state = rooms.get(room);
      const entry = state && state.members.get(me.user);
      if (!entry) continue;
      entry.sockets -= 1;
      if (entry.sockets === 0) {
        state.members.delete(me.user);
        state.seq += 1;
        io.to(room).emit('room.member_left', { room, seq: state.seq, user: me.user });
        if (state.members.size === 0) rooms.delete(room);
      }
    }
  });
});

function crisisResources() {
  return [
    { name: '988 Suicide & Crisis Lifeline', channel: 'call', contact: '988' },
    { name: '988 Suicide & Crisis Lifeline', channel: 'text', contact: '988' },
  ];
}

/** Emits an alert directly to each responder's sockets; each is re-sent until that responder confirms. */
function deliver(alert, reason) {
  const responders = [];
  if (alert.room) {
    const state = rooms.get(alert.room);
    for (const socket of io.sockets.adapter.rooms.get(alert.room) || []) {
      const other = io.sockets.sockets.get(socket);
      if (other && other.data.role === 'clinician' && state && state.members.has(other.data.user)) responders.push(other);
    }
  }
  if (responders.length === 0) {
    for (const socket of io.sockets.adapter.rooms.get(`on_call:${alert.org}`) || []) {
      const other = io.sockets.sockets.get(socket);
      if (other) responders.push(other);
    }
  }
  for (const responder of responders) sendTo(responder, alert, reason);
}

function sendTo(responder, alert, reason) {
  responder.emit('alert', { reason, alert: { ...alert, deliveries: undefined } });
  clearTimeout(alert.deliveries.get(responder.id));
  alert.deliveries.set(responder.id, setTimeout(() => {
    alert.deliveries.delete(responder.id);
    if (responder.connected) sendTo(responder, alert, 'redelivered');
  }, config.redeliveryMs));
}

httpServer.listen(config.port, config.host, () => {
  console.log(`Socket.IO peer is listening on port ${httpServer.address().port} (socket.io 4.8, node ${process.version})`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    io.close();
    httpServer.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
