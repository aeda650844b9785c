// A Node.js integrator's use of @haven/client, against a real Haven node in dev mode. test/package.test.mjs
// copies this file into a directory where the packed tarball was installed, so `@haven/client`
// resolves as it does for anyone who installs the package (its `exports`, the files it ships).
//
// A clinician and a client, each on its own connection (Node 20 has no global WebSocket: the `ws`
// package is passed in): tokens from the dev sign-in; the clinician opens the group; the client
// checks in, joins and chats, and the clinician receives the message; the client raises an alert
// and the clinician receives the `alert` frame with the confirmed address, then acknowledges it; a
// message sealed with Node's WebCrypto (haven-crypto.js) reaches the clinician and opens; a refusal
// arrives as a HavenError with the protocol's code. Every frame both received is written to
// `framesFile`, one JSON a line, for the Java test to check against the schema.

import fs from 'node:fs';
import WebSocket from 'ws';
import { HavenClient, HavenError, PROTOCOL_VERSIONS, devToken } from '@haven/client';
import { generateDeviceKeys, open, preferredSuite, safetyNumber, seal } from '@haven/client/crypto';

// Unique to the run, so a node that ran it before holds no open alert of these people.
const RUN = Math.random().toString(36).slice(2, 8);
const ORG = `pkg-org-${RUN}`;
const ROOM = `pkg-group-${RUN}`;
const CLINICIAN = 'dr-pkg';
const CLIENT = 'pat-pkg';
const STREET = '18 Package Row';
const EVENT_BUDGET_MS = 5000;

export async function run({ base, framesFile, step }) {
  const url = `${base.replace(/^http/, 'ws')}/ws`;
  // devToken fetches the path /dev/token, as a page of the node would: resolve it against the node.
  const fromNode = (path, init) => fetch(new URL(path, base), init);
  const mint = async (sub, role, name) => (await devToken({ sub, role, org: ORG, rooms: [ROOM], name }, fromNode)).token;
  const frames = [];
  const clients = [];
  const connectAs = (token, device) => {
    const haven = new HavenClient(url, { token, device, WebSocket });
    haven.on('*', (m) => frames.push(JSON.stringify(m)));
    clients.push(haven);
    return haven;
  };

  try {
    let clinician;
    let client;
    let clinicianKeys;
    let clientKeys;

    await step('a clinician connects with a dev token and opens the group', async () => {
      const suite = await preferredSuite();
      clinicianKeys = await generateDeviceKeys('dr-node-1', suite, 2);
      clinician = connectAs(await mint(CLINICIAN, 'clinician', 'Dr Package'), clinicianKeys.device);
      const welcome = await clinician.connect();
      expect(welcome.user === CLINICIAN && welcome.role === 'clinician', `welcome: ${JSON.stringify(welcome)}`);
      expect(PROTOCOL_VERSIONS.includes(welcome.protocol), `protocol ${welcome.protocol} is not offered`);
      expect(clinician.state === 'open', `state: ${clinician.state}`);
      const snapshot = await clinician.join(ROOM);
      expect(snapshot.kind === 'room.snapshot' && snapshot.room === ROOM, `join: ${JSON.stringify(snapshot)}`);
      const published = await clinician.publishKeys(clinicianKeys.publishRequest());
      expect(published.fingerprint === clinicianKeys.fingerprint, 'the published fingerprint is not the device\'s');
    });

    await step('a client checks in, joins and chats; the clinician receives the message', async () => {
      clientKeys = await generateDeviceKeys('pat-node-1', clinicianKeys.suite, 2);
      client = connectAs(await mint(CLIENT, 'client', 'Pat'), clientKeys.device);
      await client.connect();
      await client.publishKeys(clientKeys.publishRequest());
      const recorded = await client.checkIn(ROOM, {
        address: { street: STREET, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
        callbackPhone: '+1 217 555 0199',
        privateSetting: true,
      });
      expect(recorded.kind === 'checkin.recorded', `check-in: ${JSON.stringify(recorded)}`);
      const joined = await client.join(ROOM);
      expect(joined.kind === 'room.snapshot', `join: ${JSON.stringify(joined)}`);
      const text = 'hello from Node.js';
      const arrives = nextEvent(clinician, 'chat.message', (m) => m.from === CLIENT && m.text === text);
      const sent = await client.sendChat(ROOM, text);
      const message = await arrives;
      expect(message.room === ROOM && message.seq === sent.seq, `chat.message ${JSON.stringify(message)} after ${JSON.stringify(sent)}`);
      expect(clinician.lastSeq()[ROOM] >= sent.seq, `the clinician's lastSeq: ${JSON.stringify(clinician.lastSeq())}`);
    });

    await step('the client raises an alert; the clinician receives it with the location and acknowledges', async () => {
      const arrives = nextEvent(clinician, 'alert', (m) => m.reason === 'raised' && m.alert.client === CLIENT);
      const received = await client.raiseAlert({ room: ROOM });
      expect(received.kind === 'alert.received' && received.resources.length > 0, `alert.raise: ${JSON.stringify(received)}`);
      const { alert } = await arrives;
      expect(alert.id === received.alert, `the alert frame is of ${alert.id}, the client's of ${received.alert}`);
      expect(alert.room === ROOM && alert.checkIn?.address?.street === STREET, 'the alert lacks the confirmed address');
      const updated = nextEvent(clinician, 'alert', (m) => m.alert.id === alert.id && m.alert.acknowledgedBy === CLINICIAN);
      expect(await clinician.acknowledgeAlert(alert.id) === null, 'alert.acknowledge resolved with a result');
      await updated;
    });

    await step('a message sealed with Node\'s WebCrypto reaches the clinician and opens', async () => {
      const text = 'a private word, end to end';
      const arrives = nextEvent(clinician, 'dm.message', (m) => m.message.from === CLIENT);
      const { devices } = await client.fetchKeys(CLINICIAN);
      expect(devices.length === 1, `the clinician has ${devices.length} devices`);
      const envelopes = await Promise.all(devices.map((d) => seal(clientKeys, CLIENT, d, CLINICIAN, text)));
      const sent = await client.sendDirect(CLINICIAN, envelopes);
      const { message } = await arrives;
      expect(message.message === sent.message, 'another message arrived');
      const senders = (await clinician.fetchKeys(CLIENT)).devices;
      const sender = senders.find((d) => d.device === message.envelope.senderDevice);
      expect(sender, `no bundle for ${message.envelope.senderDevice}`);
      const opened = await open(clinicianKeys, CLINICIAN, sender, CLIENT, message.envelope);
      expect(opened === text, 'the opened text differs');
      await clinician.ackDirect([message.message]);
      const seenByClient = safetyNumber(clientKeys.fingerprint, devices[0].fingerprint);
      const seenByClinician = safetyNumber(clinicianKeys.fingerprint, sender.fingerprint);
      expect(seenByClient === seenByClinician, 'the two ends see different safety numbers');
    });

    await step('a refusal is a HavenError with the protocol\'s code', async () => {
      const refusal = await client.join('a-room-not-granted').then(() => null, (e) => e);
      expect(refusal instanceof HavenError && refusal.code === 'forbidden', `join of a room not granted: ${refusal}`);
    });
  } finally {
    for (const haven of clients) haven.close();
    fs.writeFileSync(framesFile, frames.map((f) => `${f}\n`).join(''));
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** The next `type` event of `haven` that `matches`; rejects after EVENT_BUDGET_MS. Subscribe before acting. */
function nextEvent(haven, type, matches) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${type} within ${EVENT_BUDGET_MS} ms`));
    }, EVENT_BUDGET_MS);
    const off = haven.on(type, (m) => {
      if (!matches(m)) return;
      clearTimeout(timer);
      off();
      resolve(m);
    });
  });
}
