// Real-browser test of the Haven console: Playwright (playwright-core) drives Debian's Chromium,
// headless, against a running Haven server in dev mode.
//
//   HAVEN_URL=http://127.0.0.1:8080 HAVEN_ARTIFACTS=/tmp/shots node console.test.mjs
//
// Environment:
//   HAVEN_URL        the server's base URL (required)
//   HAVEN_ARTIFACTS  directory for screenshots, received frames and results (default ./artifacts)
//   HAVEN_CHROMIUM   the browser (default /usr/bin/chromium)
//   HAVEN_PLANTED    JSON overriding the planted texts below (the Java IT passes its own)
//
// Scenario, with three browser contexts (a therapist, a client, and a second client who must see
// nothing of the first one's help): sign in with the dev sign-in; the client sets a safety plan and
// emergency contact, checks in with an address, joins and chats; the therapist sees the client in
// the roster and the chat; the client presses help (mouse) and the therapist's alert panel shows the
// alert with the location within one second; the therapist acknowledges, engages, records an
// action and resolves; the private chat carries an end-to-end encrypted message each way (both ends
// show the same safety number); the console's crypto module opens the Java library's fixed vectors
// and seals envelopes for the Java side to open; the help button works from the keyboard alone; both
// views are screenshotted at phone width (375 px) without sideways scrolling. The browser's own
// console must hold no error and none of the planted texts. Exits 0 on success, 1 with a clear
// message on the first failure.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.HAVEN_URL || '').replace(/\/+$/, '');
const ARTIFACTS = path.resolve(process.env.HAVEN_ARTIFACTS || path.join(HERE, 'artifacts'));
const CHROMIUM = process.env.HAVEN_CHROMIUM || '/usr/bin/chromium';
const VECTORS = path.resolve(HERE, '../docs/vectors/e2e-scheme-vectors.json'); // the published vectors (docs/e2e.md)
const ALERT_BUDGET_MS = 1000;

const PLANTED = {
  groupChat: 'PLANTED-GROUP-CHAT my week was rough',
  secret: 'PLANTED-E2E-SECRET I have been saving up pills',
  reply: 'PLANTED-E2E-REPLY stay with me, I am calling you now',
  street: '742 Plantedtree Lane',
  city: 'Springfield',
  phone: '+1 217 555 0142',
  contactName: 'Priya Plantedcontact',
  contactPhone: '+1 217 555 0163',
  coping: 'PLANTED-COPING breathe out slowly, count to ten',
  ...(process.env.HAVEN_PLANTED ? JSON.parse(process.env.HAVEN_PLANTED) : {}),
};

const results = { steps: [], timings: {} };
const pages = {};
const frames = {};
const consoleProblems = [];
let currentStep = 'start';

function fail(message) {
  throw new Error(message);
}

async function step(name, fn) {
  currentStep = name;
  const started = Date.now();
  await fn();
  const ms = Date.now() - started;
  results.steps.push({ name, ms });
  console.log(`  ok   ${name} (${ms} ms)`);
}

async function shot(page, name, options = {}) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, ...options });
}

async function preflight() {
  if (!BASE) fail('HAVEN_URL is not set (e.g. HAVEN_URL=http://127.0.0.1:8080)');
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) — scripts/test.sh does`);
  if (!fs.existsSync(VECTORS)) fail(`the scheme vectors are missing: ${VECTORS}`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  let response;
  try {
    response = await fetch(`${BASE}/healthz`);
  } catch (e) {
    fail(`the server at ${BASE} cannot be reached: ${e.message}`);
  }
  if (!response.ok) fail(`${BASE}/healthz answered ${response.status}`);
}

/** A page that records the WebSocket frames it receives and everything its console says. */
async function newPage(browser, name, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, reducedMotion: 'no-preference' });
  // Test hook: keep the page's WebSockets reachable, so a step can drop the connection.
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    window.__sockets = [];
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        window.__sockets.push(this);
      }
    };
  });
  const page = await context.newPage();
  frames[name] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames[name].push(String(f.payload))));
  page.on('console', (m) => {
    const text = m.text();
    const leaked = Object.values(PLANTED).filter((p) => text.includes(p));
    if (m.type() === 'error' || m.type() === 'warning' || leaked.length) consoleProblems.push(`${name} console ${m.type()}: ${text}`);
  });
  page.on('pageerror', (e) => consoleProblems.push(`${name} page error: ${e.message}`));
  pages[name] = page;
  return page;
}

async function signIn(page, { name, sub, role, rooms = 'group-1' }) {
  await page.goto(`${BASE}/`);
  if (!page.url().endsWith('/console/')) fail(`/ did not lead to /console/ (at ${page.url()})`);
  await page.fill('#signin-name', name);
  await page.fill('#signin-sub', sub);
  await page.check(`input[name="role"][value="${role}"]`);
  await page.fill('#signin-rooms', rooms);
  await page.click('#signin-submit');
  await page.waitForSelector('#connection[data-state="open"]', { timeout: 10000 });
}

async function checkIn(page, { street, city, phone }) {
  await page.waitForSelector('#checkin-form', { state: 'visible' });
  await page.fill('#ci-street', street);
  await page.fill('#ci-city', city);
  await page.fill('#ci-region', 'IL');
  await page.fill('#ci-postal', '62704');
  await page.fill('#ci-phone', phone);
  await page.click('#checkin-submit');
  await page.waitForSelector('#client-room', { state: 'visible' });
}

async function textOf(page, selector) {
  return page.locator(selector).innerText();
}

async function expectText(page, selector, text, what, timeout = 5000) {
  try {
    await page.locator(selector).filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
  } catch {
    fail(`${what}: "${text}" did not appear in ${selector} within ${timeout} ms`);
  }
}

/** Help click in one page to alert card (with the address) in another, timed inside the browsers. */
async function timedHelp(client, clinician, press) {
  const known = await clinician.$$eval('#alert-list [data-alert-id]', (els) => els.map((e) => e.dataset.alertId));
  await clinician.evaluate(({ known, street }) => {
    window.__alertAt = null;
    const list = document.getElementById('alert-list');
    const seen = () => [...list.querySelectorAll('[data-alert-id]')].some((e) => !known.includes(e.dataset.alertId)
      && e.querySelector('.address')?.textContent.includes(street));
    new MutationObserver((_, obs) => {
      if (seen()) {
        window.__alertAt = Date.now();
        obs.disconnect();
      }
    }).observe(list, { childList: true, subtree: true });
  }, { known, street: PLANTED.street });
  await client.evaluate(() => {
    window.__helpAt = null;
    const record = () => { window.__helpAt = Date.now(); };
    document.getElementById('help-button').addEventListener('click', record, { once: true, capture: true });
  });
  const outerStart = Date.now();
  await press();
  try {
    await clinician.waitForFunction(() => window.__alertAt != null, null, { timeout: 5000 });
  } catch {
    fail('the therapist\'s alert panel did not show the alert with the location within 5 s');
  }
  const outer = Date.now() - outerStart;
  const helpAt = await client.evaluate(() => window.__helpAt);
  const alertAt = await clinician.evaluate(() => window.__alertAt);
  if (!helpAt) fail('the help button press was not seen as a click in the client page');
  if (!alertAt) fail('the alert card was not observed appearing in the therapist page');
  const inBrowser = alertAt - helpAt;
  if (inBrowser > ALERT_BUDGET_MS) fail(`help press to visible alert took ${inBrowser} ms (budget: ${ALERT_BUDGET_MS} ms)`);
  const ids = await clinician.$$eval('#alert-list [data-alert-id]', (els) => els.map((e) => e.dataset.alertId));
  const id = ids.find((x) => !known.includes(x));
  if (!(await clinician.locator(`[data-alert-id="${id}"] .address`).isVisible())) fail('the alert\'s location is not visible');
  return { inBrowser, outer, id };
}

async function clickInCard(page, id, key) {
  await page.click(`[data-alert-id="${id}"] [data-key="${key}"]`);
}

async function cardState(page, id, state, timeout = 5000) {
  try {
    await page.waitForSelector(`#alert-list [data-alert-id="${id}"][data-state="${state}"]`, { timeout });
  } catch {
    fail(`the alert card did not reach state ${state}`);
  }
}

async function noSidewaysScroll(page, what) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  if (scroll > width + 1) fail(`${what} scrolls sideways at ${width} px (content is ${scroll} px wide)`);
}

async function cryptoConformance(page) {
  const vectors = JSON.parse(fs.readFileSync(VECTORS, 'utf8'));
  const out = await page.evaluate(async ({ vectors }) => {
    const c = await import('/console/haven-crypto.js');
    const hex = c.toHex;
    const problems = [];
    // RFC 5869, test cases 1 and 3 (the same ones the Java HkdfTest pins).
    const okm1 = hex(await c.hkdf(c.fromHex('000102030405060708090a0b0c'), c.fromHex('0b'.repeat(22)), c.fromHex('f0f1f2f3f4f5f6f7f8f9'), 42));
    if (okm1 !== '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865') problems.push('HKDF RFC 5869 case 1');
    const okm3 = hex(await c.hkdf(new Uint8Array(0), c.fromHex('0b'.repeat(22)), new Uint8Array(0), 42));
    if (okm3 !== '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8') problems.push('HKDF RFC 5869 case 3');
    const sealed = [];
    for (const v of vectors.vectors) {
      if (hex(c.info(v.senderUser, v.sender.device, v.recipientUser, v.recipient.device)) !== v.infoHex) problems.push(`${v.suite}: info bytes`);
      if (await c.fingerprint(v.sender.identityKey.key) !== v.sender.fingerprint) problems.push(`${v.suite}: fingerprint`);
      const keys = await c.importDeviceKeys(v.suite, v.recipient, v.recipientPrivate);
      for (const { messageKeyHex, ikmHex, ...envelope } of v.envelopes) {
        try {
          const text = await c.open(keys, v.recipientUser, v.sender, v.senderUser, envelope);
          if (text !== v.plaintext) problems.push(`${v.suite}: vector opened to other text`);
        } catch (e) {
          problems.push(`${v.suite}: vector did not open (${e.message})`);
        }
      }
      // A one-time prekey opens once only, as in Java.
      const withOtpk = v.envelopes.find((e) => e.oneTimePrekeyId != null);
      const { messageKeyHex: _, ikmHex: _i, ...again } = withOtpk;
      if (await c.open(keys, v.recipientUser, v.sender, v.senderUser, again).then(() => true, () => false)) problems.push(`${v.suite}: one-time prekey reused`);
      // A flipped ciphertext bit must not open.
      const plain = v.envelopes.find((e) => e.oneTimePrekeyId == null);
      const { messageKeyHex: __, ikmHex: __i, ...tampered } = plain;
      const ct = c.fromBase64(tampered.ciphertext);
      ct[0] ^= 1;
      if (await c.open(keys, v.recipientUser, v.sender, v.senderUser, { ...tampered, ciphertext: c.toBase64(ct) }).then(() => true, () => false)) {
        problems.push(`${v.suite}: altered ciphertext opened`);
      }
      // Seal with browser-made keys to the Java recipient, with and without its one-time prekey.
      const me = await c.generateDeviceKeys('browser-1', v.suite, 0);
      const otpkId = Object.keys(v.recipientPrivate.oneTimePrekeyPublic)[0];
      const bundleWithOtpk = { ...v.recipient, oneTimePrekey: { keyId: Number(otpkId), key: v.recipientPrivate.oneTimePrekeyPublic[otpkId] } };
      const text = `Sealed in the browser (${v.suite}) \u2764`;
      sealed.push({ suite: v.suite, senderUser: 'web-user', recipientUser: v.recipientUser, text, sender: me.publicBundle(),
        envelopes: [await c.seal(me, 'web-user', bundleWithOtpk, v.recipientUser, text), await c.seal(me, 'web-user', v.recipient, v.recipientUser, text)] });
    }
    return { problems, sealed, x25519: await c.supportsX25519() };
  }, { vectors });
  if (out.problems.length) fail(`the console's crypto does not match the Java scheme: ${out.problems.join('; ')}`);
  fs.writeFileSync(path.join(ARTIFACTS, 'browser-sealed.json'), JSON.stringify({ vectors: out.sealed }, null, 2));
  results.x25519InBrowser = out.x25519;
}

async function main() {
  await preflight();
  const { chromium } = await import('playwright-core').catch(() => fail(
    'playwright-core is not installed: run `npm ci` in browser-tests/ (scripts/test.sh does)'));
  console.log(`Haven console browser test against ${BASE}; artefacts in ${ARTIFACTS}`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const bo = await newPage(browser, 'clinician');
    const alice = await newPage(browser, 'client');
    const carol = await newPage(browser, 'other-client');

    await step('the therapist signs in with the dev sign-in and sees the group', async () => {
      await signIn(bo, { name: 'Dr Bo', sub: 'dr-bo', role: 'clinician' });
      await bo.waitForSelector('[data-room="group-1"] .roster li[data-user="dr-bo"]');
      await shot(bo, '01-clinician-signed-in');
    });

    await step('the client sets a safety plan and an emergency contact', async () => {
      await signIn(alice, { name: 'Alice', sub: 'alice', role: 'client' });
      await alice.click('#client-plan > summary');
      await alice.fill('#plan-coping', `${PLANTED.coping}\nCall my sister`);
      await alice.fill('#plan-warning', 'Not sleeping');
      await alice.fill('#contact-name', PLANTED.contactName);
      await alice.fill('#contact-relation', 'sister');
      await alice.fill('#contact-phone', PLANTED.contactPhone);
      await alice.click('#plan-save');
      await expectText(alice, '#plan-status', 'Saved', 'the safety plan');
      await alice.click('#client-plan > summary');
    });

    await step('the client checks in with an address and joins', async () => {
      await shot(alice, '02-client-check-in');
      await checkIn(alice, { street: PLANTED.street, city: PLANTED.city, phone: PLANTED.phone });
      await expectText(alice, '#client-roster li', 'Dr Bo', 'the client\'s roster');
      await bo.waitForSelector('[data-room="group-1"] .roster li[data-user="alice"]', { timeout: 5000 })
        .catch(() => fail('the therapist\'s roster did not show the client'));
      const roster = await textOf(bo, '[data-room="group-1"] .roster');
      if (!roster.includes('Alice')) fail('the therapist\'s roster shows no name for the client');
      if (/\d{12,}/.test(await textOf(bo, '#clinician-view')) || /\d{12,}/.test(await textOf(alice, '#client-view'))) {
        fail('a sequence number is shown on screen');
      }
    });

    await step('a second client joins the same group', async () => {
      await signIn(carol, { name: 'Carol', sub: 'carol', role: 'client' });
      await checkIn(carol, { street: '1 Other Street', city: 'Springfield', phone: '+1 217 555 0111' });
      await expectText(bo, '[data-room="group-1"] .roster li', 'Carol', 'the therapist\'s roster');
    });

    await step('the client chats in the group and the therapist sees it', async () => {
      await alice.fill('#client-chat-input', PLANTED.groupChat);
      await alice.press('#client-chat-input', 'Enter');
      await expectText(alice, '#client-chat li', PLANTED.groupChat, 'the client\'s own chat');
      await expectText(bo, '[data-room="group-1"] .chat-log li', PLANTED.groupChat, 'the therapist\'s chat');
      await expectText(carol, '#client-chat li', PLANTED.groupChat, 'the other client\'s chat');
      await bo.fill('[data-room="group-1"] .chat-form input', 'Welcome, everyone');
      await bo.press('[data-room="group-1"] .chat-form input', 'Enter');
      await expectText(alice, '#client-chat li', 'Welcome, everyone', 'the client\'s chat');
      await shot(alice, '03-client-in-group');
      await shot(bo, '04-clinician-roster-and-chat');
    });

    await step(`the client presses help; the therapist sees the alert with the location within ${ALERT_BUDGET_MS} ms`, async () => {
      const carolFramesBefore = frames['other-client'].length;
      const t = await timedHelp(alice, bo, () => alice.click('#help-button'));
      results.timings.helpClickToAlertVisibleMs = t.inBrowser;
      results.timings.helpClickToAlertVisibleOuterMs = t.outer;
      console.log(`       help click -> alert visible: ${t.inBrowser} ms in the browsers (${t.outer} ms as Playwright saw it)`);
      results.firstAlert = t.id;
      const card = bo.locator(`[data-alert-id="${t.id}"]`);
      const text = await card.innerText();
      for (const [what, value] of [['callback phone', PLANTED.phone], ['emergency contact', PLANTED.contactName],
        ['contact phone', PLANTED.contactPhone], ['safety plan', PLANTED.coping], ['client name', 'Alice']]) {
        if (!text.includes(value)) fail(`the alert card lacks the ${what}`);
      }
      const sounds = Number(await bo.getAttribute('#alerts', 'data-sounds'));
      if (!(sounds >= 1)) fail('no sound cue was played for the new alert');
      if (!(await bo.title()).includes('Alert')) fail('the tab title does not flag the alert');
      // The client: a quiet confirmation with crisis lines and their own coping steps, focused.
      await alice.waitForSelector('#help-result', { state: 'visible' });
      await expectText(alice, '#crisis-resources li', '988', 'the crisis resources');
      await expectText(alice, '#coping-steps li', PLANTED.coping, 'the coping steps');
      const focused = await alice.evaluate(() => document.activeElement?.id);
      if (focused !== 'help-result-heading') fail(`focus did not move to the help confirmation (it is on ${focused})`);
      await shot(alice, '05-client-after-help');
      await shot(bo, '06-clinician-alert');
      // Nobody else sees anything: the other client received nothing since, and shows nothing.
      await carol.waitForTimeout(300);
      const carolNew = frames['other-client'].slice(carolFramesBefore);
      if (carolNew.some((f) => /"type":"alert|help|Plantedtree/.test(f))) fail('the other client received something about the help press');
      if ((await textOf(carol, 'body')).match(/help was|pressed help|alert/i)) fail('the other client\'s screen shows something about the help press');
    });

    await step('the therapist acknowledges, engages, records an action and resolves', async () => {
      const id = results.firstAlert;
      await clickInCard(bo, id, 'ack');
      await cardState(bo, id, 'acknowledged');
      await clickInCard(bo, id, 'engage');
      await cardState(bo, id, 'engaged');
      await bo.selectOption(`[data-alert-id="${id}"] [data-key="action"]`, 'grounding_exercise');
      await clickInCard(bo, id, 'record');
      await expectText(bo, `[data-alert-id="${id}"]`, 'Grounding exercise —', 'the recorded action');
      await shot(bo, '07-clinician-alert-engaged');
      await bo.selectOption(`[data-alert-id="${id}"] [data-key="outcome"]`, 'stabilized');
      await clickInCard(bo, id, 'resolve');
      await bo.waitForSelector(`#alert-list [data-alert-id="${id}"]`, { state: 'detached', timeout: 5000 })
        .catch(() => fail('the resolved alert stayed in the open alerts'));
      await expectText(bo, '#resolved-list li', 'Alice', 'the resolved list');
    });

    await step('an end-to-end encrypted message goes each way, with the same safety number on both ends', async () => {
      await alice.waitForSelector('#client-dm', { state: 'visible' });
      await alice.waitForFunction(() => document.getElementById('client-dm-partner')?.selectedOptions[0]?.textContent.includes('Dr Bo'),
        null, { timeout: 5000 }).catch(() => fail('the client\'s private chat does not offer the therapist'));
      await alice.fill('#client-dm-input', PLANTED.secret);
      await alice.click('#client-dm form button[type="submit"]');
      await expectText(alice, '#client-dm-log li.dm-out', PLANTED.secret, 'the client\'s private log');
      await expectText(bo, '#clinician-dm-log li.dm-in', PLANTED.secret, 'the therapist\'s private log');
      await bo.fill('#clinician-dm-input', PLANTED.reply);
      await bo.click('#clinician-dm form button[type="submit"]');
      await expectText(alice, '#client-dm-log li.dm-in', PLANTED.reply, 'the client\'s private log');
      await expectText(alice, '#client-dm-safety', 'Safety number', 'the client\'s safety number');
      await expectText(bo, '#clinician-dm-safety', 'Safety number', 'the therapist\'s safety number');
      const number = async (page, sel) => (await textOf(page, sel)).split(': ').pop().trim();
      const a = await number(alice, '#client-dm-safety');
      const b = await number(bo, '#clinician-dm-safety');
      if (a !== b || !/^([0-9a-f]{5} ){15}[0-9a-f]{5}$/.test(a)) fail(`the safety numbers differ or are malformed: "${a}" vs "${b}"`);
      const carolText = await textOf(carol, 'body');
      if (carolText.includes('PLANTED-E2E')) fail('the other client sees the private chat');
      await shot(alice, '08-client-private-chat');
      await shot(bo, '09-clinician-private-chat');
    });

    await step('the client\'s connection drops and comes back (resume token, lastSeq); nothing is missed', async () => {
      const before = frames.client.length;
      await alice.evaluate(() => window.__sockets.at(-1).close(4010, 'test: connection dropped'));
      await bo.fill('[data-room="group-1"] .chat-form input', 'While you were away');
      await bo.press('[data-room="group-1"] .chat-form input', 'Enter');
      await alice.waitForSelector('#connection[data-state="open"]', { timeout: 10000 })
        .catch(() => fail('the client did not reconnect'));
      await expectText(alice, '#client-chat li', 'While you were away', 'the client\'s chat after the reconnect');
      const resumed = frames.client.slice(before).filter((f) => f.startsWith('{"type":"room.resumed"'));
      if (!resumed.length) fail('the reconnect did not resume the room (no room.resumed)');
      results.resumed = resumed.map((f) => JSON.parse(f).recovered);
      await alice.fill('#client-chat-input', 'Back again');
      await alice.press('#client-chat-input', 'Enter');
      await expectText(bo, '[data-room="group-1"] .chat-log li', 'Back again', 'the therapist\'s chat after the client\'s reconnect');
      const count = await alice.locator('#client-chat li', { hasText: 'While you were away' }).count();
      if (count !== 1) fail(`the message sent during the gap shows ${count} times`);
    });

    await step('the therapist pauses and resumes; moves the client to a breakout and back', async () => {
      await bo.click('[data-room="group-1"] [data-key="pause"]');
      await expectText(alice, '#client-room-state', 'paused', 'the client\'s session state');
      if (!(await alice.locator('#client-chat-input').isDisabled())) fail('the client can still type while the session is paused');
      await bo.click('[data-room="group-1"] [data-key="resume"]');
      await alice.waitForSelector('#client-room-state', { state: 'hidden' });
      await bo.click('[data-room="group-1"] [data-key="breakout-alice"]');
      await expectText(alice, '#client-room-heading', 'Private room with your therapist', 'the client\'s breakout');
      await bo.waitForSelector('[data-room^="group-1~"]', { timeout: 5000 }).catch(() => fail('the therapist has no breakout card'));
      await expectText(carol, '#client-roster li', 'stepped out', 'the other client\'s roster');
      if ((await textOf(carol, 'body')).includes('breakout')) fail('the other client is told about the breakout');
      await alice.fill('#client-chat-input', 'Just us here');
      await alice.press('#client-chat-input', 'Enter');
      await expectText(bo, '[data-room^="group-1~"] .chat-log li', 'Just us here', 'the breakout chat');
      if ((await textOf(carol, '#client-chat')).includes('Just us here')) fail('the breakout chat reached the group');
      await shot(bo, '10a-clinician-breakout');
      await bo.click('[data-room^="group-1~"] [data-key="return"]');
      await expectText(alice, '#client-room-heading', 'Group session', 'the client back in the group');
      await bo.waitForSelector('[data-room^="group-1~"]', { state: 'detached', timeout: 5000 }).catch(() => fail('the breakout card stayed'));
    });

    await step('the waiting room: a client waits and the therapist admits them', async () => {
      await bo.check('[data-room="group-1"] [data-key="admission"]');
      const dan = await newPage(browser, 'waiting-client');
      await signIn(dan, { name: 'Dan', sub: 'dan', role: 'client' });
      await dan.waitForSelector('#checkin-form', { state: 'visible' });
      await dan.fill('#ci-street', '9 Waiting Road');
      await dan.fill('#ci-city', 'Springfield');
      await dan.fill('#ci-phone', '+1 217 555 0120');
      await dan.click('#checkin-submit');
      await dan.waitForSelector('#client-waiting', { state: 'visible' });
      await expectText(bo, '[data-room="group-1"] .waiting-list li', 'Dan', 'the waiting list');
      await bo.click('[data-room="group-1"] [data-key="admit-dan"]');
      await expectText(dan, '#client-roster li', 'Dr Bo', 'the admitted client\'s roster');
      await expectText(bo, '[data-room="group-1"] .roster li', 'Dan', 'the therapist\'s roster');
      await bo.uncheck('[data-room="group-1"] [data-key="admission"]');
    });

    await step('the console\'s crypto opens the Java library\'s vectors and seals for Java', async () => {
      await cryptoConformance(alice);
    });

    await step(`keyboard only: Tab to the help button, Enter; a new alert within ${ALERT_BUDGET_MS} ms`, async () => {
      await alice.evaluate(() => {
        document.activeElement?.blur();
        window.scrollTo(0, 0);
      });
      await alice.keyboard.press('Tab');
      let tabs = 1;
      while (tabs < 40 && await alice.evaluate(() => document.activeElement?.id) !== 'help-button') {
        await alice.keyboard.press('Tab');
        tabs++;
      }
      if (await alice.evaluate(() => document.activeElement?.id) !== 'help-button') fail('the help button cannot be reached with Tab');
      const visible = await alice.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      if (visible === 'none') fail('the focused help button shows no focus outline');
      await shot(alice, '10-client-help-button-focused', { fullPage: false });
      results.timings.tabsToHelpButton = tabs;
      const t = await timedHelp(alice, bo, () => alice.keyboard.press('Enter'));
      results.timings.keyboardHelpToAlertVisibleMs = t.inBrowser;
      console.log(`       keyboard help -> alert visible: ${t.inBrowser} ms (${tabs} Tab presses to reach it)`);
      await bo.click(`[data-alert-id="${t.id}"] [data-key="ack"]`);
      await cardState(bo, t.id, 'acknowledged');
    });

    await step('both views work at phone width (375 px)', async () => {
      for (const [page, name] of [[alice, 'client'], [bo, 'clinician']]) {
        await page.setViewportSize({ width: 375, height: 812 });
        await page.waitForTimeout(100);
        await noSidewaysScroll(page, `the ${name} view`);
        await shot(page, `11-${name}-phone-375`);
      }
      const helpWidth = await alice.evaluate(() => document.getElementById('help-button').getBoundingClientRect().width);
      if (helpWidth < 200) fail('the help button is too small at phone width');
    });

    await step('the browsers logged no error and none of the planted texts', async () => {
      if (consoleProblems.length) fail(`browser console:\n  ${consoleProblems.join('\n  ')}`);
    });
  } catch (e) {
    for (const [name, page] of Object.entries(pages)) {
      await shot(page, `failure-${name}`).catch(() => {});
    }
    throw e;
  } finally {
    for (const [name, list] of Object.entries(frames)) {
      fs.writeFileSync(path.join(ARTIFACTS, `frames-${name}.jsonl`), list.map((f) => f.replace(/\n/g, ' ')).join('\n') + (list.length ? '\n' : ''));
    }
    fs.writeFileSync(path.join(ARTIFACTS, 'results.json'), JSON.stringify(results, null, 2));
    await browser.close();
  }
}

main().then(() => {
  console.log(`${results.steps.length} passed, 0 failed`);
  process.exit(0);
}, (e) => {
  console.error(`FAIL [${currentStep}]: ${e.message}`);
  if (consoleProblems.length) console.error(`browser console meanwhile:\n  ${consoleProblems.join('\n  ')}`);
  console.log(`${results.steps.length} passed, 1 failed`);
  process.exit(1);
});
