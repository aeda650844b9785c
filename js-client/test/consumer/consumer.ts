// A TypeScript integrator's view of @haven/client: compiled (never run) by test/package.test.mjs in a
// directory where the packed tarball was installed, strict, against the `ws` package's types and the
// DOM's. Each `@ts-expect-error` is a mistake the declarations must catch.

import WebSocket from 'ws';
import {
  HavenClient,
  HavenError,
  PROTOCOL_VERSIONS,
  devToken,
  type AlertEvent,
  type AlertView,
  type ClientMessageType,
  type HavenEvents,
  type RequestResults,
  type Result,
  type Role,
  type ServerMessage,
  type ServerMessageType,
} from '@haven/client';
import { generateDeviceKeys, open, preferredSuite, safetyNumber, seal, type DeviceKeys } from '@haven/client/crypto';

// Every request has its result declared, results only, and every server message but `ok` is an event.
type Missing = Exclude<ClientMessageType, keyof RequestResults>;
type Unknown = Exclude<keyof RequestResults, ClientMessageType>;
export const everyRequestAnswered: [Missing, Unknown] extends [never, never] ? true : false = true;
export const onlyResults: RequestResults[keyof RequestResults] extends Result | null ? true : false = true;
export const everyEventSubscribable: Exclude<ServerMessageType, 'ok'> extends keyof HavenEvents ? true : false = true;

export async function integrator(base: string): Promise<void> {
  const fromNode = (path: string, init: RequestInit) => fetch(new URL(path, base), init);
  const { token } = await devToken({ sub: 'dr-bo', role: 'clinician', org: 'demo', rooms: ['group-1'] }, fromNode);

  const haven = new HavenClient('ws://127.0.0.1:8080/ws', { token, WebSocket, tokenProvider: async () => token });
  new HavenClient('/ws', { token, WebSocket: globalThis.WebSocket, requestTimeoutMs: 5000 });
  // @ts-expect-error an option that does not exist
  new HavenClient('/ws', { tokn: token });

  const alerts: AlertView[] = [];
  haven.on('alert', (m: AlertEvent) => alerts.push(m.alert));
  haven.on('alert', ({ reason, alert }) => reason === 'raised' && alert.checkIn?.address.city);
  haven.on('chat.message', (m) => m.text.toUpperCase() + (m.name ?? m.from));
  haven.on('state', ({ state, code }) => (state === 'closed' ? code : undefined));
  haven.on('room.resync', ({ room, snapshot }) => snapshot?.kind === 'room.snapshot' && room);
  haven.on('error', (e) => e.code === 'rate_limited');
  haven.on('*', (m: ServerMessage) => m.type);
  // @ts-expect-error no such event
  haven.on('chat.mesage', () => {});
  // @ts-expect-error a chat message has no `body`
  haven.on('chat.message', (m) => m.body);

  const welcome = await haven.connect();
  const role: Role = welcome.role;
  const versions: readonly number[] = PROTOCOL_VERSIONS;
  if (!versions.includes(welcome.protocol) || role === 'support') return;

  const joined = await haven.join('group-1');
  if (joined.kind === 'room.snapshot') joined.members.map((m) => m.roomRole);
  else joined.room.toUpperCase();
  const sent = await haven.sendChat('group-1', 'hello');
  const seq: number = sent.seq + (haven.lastSeq()['group-1'] ?? 0);
  await haven.setPresence('on_call');
  // @ts-expect-error not a presence status
  await haven.setPresence('lunch');
  await haven.checkIn('group-1', {
    address: { street: '12 Elm Street', city: 'Springfield', country: 'US' },
    callbackPhone: '+1 217 555 0100',
    privateSetting: true,
  });
  // @ts-expect-error a check-in needs a callback phone
  await haven.checkIn('group-1', { address: { street: 'x', city: 'y', country: 'US' }, privateSetting: true });

  const { alerts: open1 } = await haven.request('alert.list');
  const chat = await haven.request('chat.send', { room: 'group-1', text: 'typed' });
  const pong: null = await haven.request('ping');
  // @ts-expect-error chat.send needs its fields
  await haven.request('chat.send');
  // @ts-expect-error not a request of the protocol
  await haven.request('chat.sned', {});
  const received = await haven.raiseAlert({ room: 'group-1', severity: 'high' });
  received.resources.map((r) => r.channel);
  await haven.recordAction(received.alert, 'grounding_exercise', { note: 'breathing' });
  await haven.resolveAlert(received.alert, 'stabilized');
  // @ts-expect-error not an outcome
  await haven.resolveAlert(received.alert, 'fine');

  try {
    await haven.join('not-mine');
  } catch (e) {
    if (e instanceof HavenError && (e.code === 'forbidden' || e.code === 'disconnected')) e.closeCode?.toFixed();
  }

  const keys: DeviceKeys = await generateDeviceKeys('web-1', await preferredSuite(), 5);
  await haven.publishKeys(keys.publishRequest());
  const { devices } = await haven.fetchKeys('alice');
  const envelopes = await Promise.all(devices.map((d) => seal(keys, welcome.user, d, 'alice', 'hi')));
  const { message } = await haven.sendDirect('alice', envelopes);
  haven.on('dm.message', async ({ message: dm }) => {
    const text: string = await open(keys, welcome.user, devices[0]!, dm.from, dm.envelope);
    await haven.ackDirect([dm.message]);
    return text + safetyNumber(keys.fingerprint, devices[0]!.fingerprint);
  });
  await haven.subscribePush('browser-1', { endpoint: 'https://push.example/x', keys: { p256dh: 'a', auth: 'b' } });
  haven.close();
  void [open1, chat, pong, seq, message, alerts];
}
