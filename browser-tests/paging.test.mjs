// Real-browser test of the console's paging (Web Push): Playwright (playwright-core) drives Debian's
// Chromium, headless, against two Haven servers in dev mode, one that pages (a VAPID key pair) and
// one that does not.
//
//   HAVEN_URL=http://127.0.0.1:8080 HAVEN_URL_UNPAGED=http://127.0.0.1:8081 node paging.test.mjs
//
// Environment:
//   HAVEN_URL          a server that pages (required)
//   HAVEN_URL_UNPAGED  a server that does not (required)
//   HAVEN_ARTIFACTS    directory for screenshots and received frames (default ./artifacts/paging)
//   HAVEN_CHROMIUM     the browser (default /usr/bin/chromium)
//
// Headless Chromium here has no push service to reach (Chrome's is FCM, and a Playwright context is
// an incognito one, where Chromium offers no Push API), so PushManager.subscribe() is refused: the
// test checks the service worker, the control and how that refusal is told, not a subscription.
// Pages are handed to the service worker through the DevTools protocol instead
// (ServiceWorker.deliverPushMessage), as a push service would; the node's sending is tested against
// a local RFC 8030 push service on the Java side.
//
// Scenario: a therapist signs in where the node pages: the service worker is registered for
// /console/; "Notifications on this device" shows, off; turning it on (permission granted) ends in
// a kind message, not a crash; so does turning it on with notifications not allowed. Pages given to the worker show as notifications: the node's words
// with the alert as tag; generic words for an unreadable page; a URL elsewhere replaced by the
// console's own. With a stand-in for the browser's push service (PushManager replaced in the page),
// turning on reaches the node (push.subscribe), is still on after a reload (push.list, and the
// subscription sent again), and turning off ends it in the browser and on the node.
// A client sees no control and gets no worker; a client's help press makes an alert;
// the worker's click path tells the open console, which shows that alert; a console opened from a
// page (?alert=) shows it after sign-in. Where the node does not page, a therapist sees no control.
// The browsers' consoles hold no error but Chromium's own notice that incognito has no Push API.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.HAVEN_URL || '').replace(/\/+$/, '');
const UNPAGED = (process.env.HAVEN_URL_UNPAGED || '').replace(/\/+$/, '');
const ARTIFACTS = path.resolve(process.env.HAVEN_ARTIFACTS || path.join(HERE, 'artifacts', 'paging'));
const CHROMIUM = process.env.HAVEN_CHROMIUM || '/usr/bin/chromium';

/** Chromium's own words when an incognito context asks for a push subscription: expected here. */
const INCOGNITO_PUSH = /does not support the Push API in incognito mode/;

const results = { steps: [] };
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

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A page that records the frames it receives and everything its console says. */
async function newPage(context, name) {
  const page = await context.newPage();
  frames[name] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames[name].push(String(f.payload))));
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') && !INCOGNITO_PUSH.test(m.text())) {
      consoleProblems.push(`${name} console ${m.type()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => consoleProblems.push(`${name} page error: ${e.message}`));
  pages[name] = page;
  return page;
}

async function signIn(page, base, { name, sub, role, query = '' }) {
  await page.goto(`${base}/console/${query}`);
  await page.fill('#signin-name', name);
  await page.fill('#signin-sub', sub);
  await page.check(`input[name="role"][value="${role}"]`);
  await page.fill('#signin-rooms', 'group-1');
  await page.click('#signin-submit');
  await page.waitForSelector('#connection[data-state="open"]', { timeout: 10000 })
    .catch(() => fail(`${sub} did not connect`));
}

/**
 * An init script standing in for the browser's push service (which headless Chromium cannot reach
 * here): subscribe() makes a subscription with a real P-256 key at an FCM-like endpoint, kept in
 * localStorage so a reload finds it; unsubscribe() forgets it. Nothing is ever sent to it.
 */
function standInPushService() {
  const KEY = 'test.stand-in-push-subscription';
  const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const made = (s) => ({
    endpoint: s.endpoint,
    options: { userVisibleOnly: true, applicationServerKey: Uint8Array.from(s.serverKey).buffer },
    toJSON: () => ({ endpoint: s.endpoint, expirationTime: null, keys: s.keys }),
    unsubscribe: async () => {
      localStorage.removeItem(KEY);
      return true;
    },
  });
  PushManager.prototype.getSubscription = async function () {
    const s = localStorage.getItem(KEY);
    return s ? made(JSON.parse(s)) : null;
  };
  PushManager.prototype.subscribe = async function (options) {
    const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const point = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const s = {
      endpoint: `https://fcm.googleapis.com/fcm/send/stand-in-${b64url(crypto.getRandomValues(new Uint8Array(12)))}`,
      keys: { p256dh: b64url(point), auth: b64url(crypto.getRandomValues(new Uint8Array(16))) },
      serverKey: [...new Uint8Array(options.applicationServerKey)],
    };
    localStorage.setItem(KEY, JSON.stringify(s));
    return made(s);
  };
}

/** The console's service worker registration as the page sees it. */
function registration(page) {
  return page.evaluate(async () => {
    const r = await navigator.serviceWorker.getRegistration('/console/');
    return r ? { scope: r.scope, worker: !!(r.active || r.installing || r.waiting) } : null;
  });
}

/** Hands `data` to the console's service worker as a push message, and returns what it showed for `tag`. */
async function deliverPage(page, cdp, registrationId, data, tag) {
  // Polled from here, not with waitForFunction: that does not await an async predicate, so it took
  // the predicate's promise for an answer and returned before the notification was shown.
  // Headless Chromium now and then drops a message DevTools delivers to a worker it is starting
  // (nothing runs, nothing is shown, no error): the message is delivered again, up to three times,
  // and each time it was is printed, so a worker that never shows it still fails.
  for (let attempt = 1; attempt <= 3; attempt++) {
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: BASE, registrationId, data });
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const shown = await page.evaluate(async (t) => {
        const r = await navigator.serviceWorker.getRegistration('/console/');
        const n = r && (await r.getNotifications({ tag: t }))[0];
        return n ? { title: n.title, body: n.body, tag: n.tag, data: n.data, requireInteraction: n.requireInteraction, renotify: n.renotify } : null;
      }, tag);
      if (shown) return shown;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const state = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration('/console/');
      return { worker: r?.active?.state, permission: Notification.permission, shown: (await r?.getNotifications())?.map((n) => n.tag) };
    });
    console.log(`       no notification ${tag} after delivery ${attempt}: ${JSON.stringify(state)}`);
  }
  fail(`no notification with tag ${tag} was shown for the page ${data}`);
}

async function main() {
  if (!BASE || !UNPAGED) fail('HAVEN_URL and HAVEN_URL_UNPAGED must be set');
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { chromium } = await import('playwright-core').catch(() => fail(
    'playwright-core is not installed: run `npm ci` in browser-tests/ (scripts/test.sh does)'));
  console.log(`Haven console paging test against ${BASE} (pages) and ${UNPAGED} (does not); artefacts in ${ARTIFACTS}`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const therapists = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await therapists.grantPermissions(['notifications'], { origin: BASE });
    const bo = await newPage(therapists, 'clinician');
    const cdp = await therapists.newCDPSession(bo);
    const registrations = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    const clients = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await clients.grantPermissions(['notifications'], { origin: BASE });
    const alice = await newPage(clients, 'client');

    await step('where the node pages, a therapist\'s console registers its service worker and shows the control, off', async () => {
      await signIn(bo, BASE, { name: 'Dr Page', sub: 'dr-page', role: 'clinician' });
      await bo.waitForSelector('#paging:not([hidden])[data-state="off"]', { timeout: 5000 })
        .catch(() => fail('"Notifications on this device" did not show, off'));
      const r = await registration(bo);
      if (!r?.worker || !r.scope.endsWith('/console/')) fail(`no service worker for /console/ (${JSON.stringify(r)})`);
      const control = await bo.evaluate(() => {
        const b = document.getElementById('paging-toggle');
        return { tag: b.tagName, name: b.textContent.trim(), state: document.getElementById(b.getAttribute('aria-describedby'))?.textContent,
          heading: document.getElementById('paging-heading').textContent };
      });
      if (control.tag !== 'BUTTON' || control.name !== 'Turn on notifications') fail(`the control is not a labelled button: ${JSON.stringify(control)}`);
      if (!/^Off/.test(control.state || '')) fail(`the control's state text says "${control.state}"`);
      if (control.heading !== 'Notifications on this device') fail(`the control's heading is "${control.heading}"`);
      await shot(bo, 'p01-clinician-paging-off');
    });

    await step('turning notifications on, with no push service to reach, ends in a kind message', async () => {
      await bo.click('#paging-toggle');
      await bo.waitForSelector('#paging[data-state="off"] #paging-message.error:not(:empty)', { timeout: 35000 })
        .catch(() => fail('no message after turning notifications on'));
      const message = await bo.textContent('#paging-message');
      if (!/push service/.test(message)) fail(`the message does not say what happened: "${message}"`);
      if (await bo.isDisabled('#paging-toggle')) fail('the control stayed disabled');
      if ((await bo.textContent('#paging-toggle')).trim() !== 'Turn on notifications') fail('the control says notifications are on');
      const spoken = await bo.waitForFunction(() => document.getElementById('announce-polite').textContent, null, { timeout: 2000 });
      if (!/push service/.test(await spoken.jsonValue())) fail('the outcome was not announced');
      if (await bo.getAttribute('#connection', 'data-state') !== 'open') fail('the console lost its connection');
      if (frames.clinician.some((f) => f.includes('"push.subscribed"'))) fail('the node was told of a subscription the browser never made');
      await shot(bo, 'p02-clinician-paging-refused');
    });

    await step('with notifications not allowed, turning on says how to allow them', async () => {
      await therapists.clearPermissions();
      await bo.click('#paging-toggle');
      await bo.waitForSelector('#paging[data-state="off"] #paging-message.error:not(:has-text("push service"))', { timeout: 5000 })
        .catch(() => fail('no message about the permission'));
      const message = await bo.textContent('#paging-message');
      if (!/not turned on|blocked/.test(message)) fail(`the message does not speak of the permission: "${message}"`);
      console.log(`       permission refused: ${message}`);
      await therapists.grantPermissions(['notifications'], { origin: BASE });
    });

    await step('a page shows as a notification: the node\'s words, the alert as tag; unreadable or foreign parts are replaced', async () => {
      const reg = registrations.find((r) => r.scopeURL === `${BASE}/console/` && !r.isDeleted);
      if (!reg) fail('DevTools does not list the console\'s service worker');
      const page = { alert: 'a-test-1', severity: 'high', title: 'Haven', body: 'Someone needs you in Haven', url: '/console/?alert=a-test-1' };
      const n = await deliverPage(bo, cdp, reg.registrationId, JSON.stringify(page), 'a-test-1');
      if (n.title !== 'Haven' || n.body !== page.body || !n.requireInteraction || !n.renotify) fail(`the notification is ${JSON.stringify(n)}`);
      if (n.data.url !== `${BASE}/console/?alert=a-test-1`) fail(`the notification leads to ${n.data.url}`);
      const unreadable = await deliverPage(bo, cdp, reg.registrationId, 'not a page', 'haven-page');
      if (unreadable.title !== 'Haven' || !/Open Haven/.test(unreadable.body)) fail(`an unreadable page shows ${JSON.stringify(unreadable)}`);
      const foreign = await deliverPage(bo, cdp, reg.registrationId,
        JSON.stringify({ ...page, alert: 'a-test-2', url: 'https://elsewhere.example/phish' }), 'a-test-2');
      if (foreign.data.url !== `${BASE}/console/?alert=a-test-2`) fail(`a page pointing elsewhere leads to ${foreign.data.url}`);
    });

    await step('with a stand-in push service, turning on reaches the node, holds across a reload, and turning off ends it', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.grantPermissions(['notifications'], { origin: BASE });
      await context.addInitScript(standInPushService);
      const page = await newPage(context, 'clinician-stand-in');
      const stub = { name: 'Dr Stub', sub: 'dr-stub', role: 'clinician' };
      await signIn(page, BASE, stub);
      await page.waitForSelector('#paging[data-state="off"]', { timeout: 5000 });
      await page.click('#paging-toggle');
      await page.waitForSelector('#paging[data-state="on"]', { timeout: 5000 })
        .catch(async () => fail(`notifications did not turn on: "${await page.textContent('#paging-message')}"`));
      if ((await page.textContent('#paging-toggle')).trim() !== 'Turn off notifications') fail('the control does not offer to turn off');
      if (!/^On/.test(await page.textContent('#paging-state'))) fail('the state text does not say on');
      if (!frames['clinician-stand-in'].some((f) => f.includes('"kind":"push.subscribed"'))) fail('the node did not confirm the subscription');
      await shot(page, 'p04-clinician-paging-on');
      // After a reload (a new welcome) the state comes back from push.list and the browser, and the
      // subscription is sent again, as the protocol asks.
      const before = frames['clinician-stand-in'].length;
      await signIn(page, BASE, stub);
      await page.waitForSelector('#paging[data-state="on"]', { timeout: 5000 }).catch(() => fail('after a reload the control does not say on'));
      const after = frames['clinician-stand-in'].slice(before);
      if (!after.some((f) => f.includes('"kind":"push.subscriptions"'))) fail('the console did not ask the node for its list');
      if (!after.some((f) => f.includes('"kind":"push.subscribed"'))) fail('the subscription was not sent again after the welcome');
      await page.click('#paging-toggle');
      await page.waitForSelector('#paging[data-state="off"]', { timeout: 5000 }).catch(() => fail('notifications did not turn off'));
      if (await page.getAttribute('#paging-message', 'class') === 'error') fail(`turning off failed: ${await page.textContent('#paging-message')}`);
      if (await page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/console/')).pushManager.getSubscription())) {
        fail('the browser kept its subscription');
      }
      await context.close();
    });

    let alertId;
    await step('a client sees no control and gets no service worker; their help press makes an alert', async () => {
      await signIn(alice, BASE, { name: 'Alice', sub: 'alice', role: 'client' });
      await alice.waitForSelector('#checkin-form', { state: 'visible' });
      if (await alice.isVisible('#paging')) fail('a client sees the notifications control');
      if (await registration(alice)) fail('a client\'s console registered a service worker');
      await alice.fill('#ci-street', '1 Page Street');
      await alice.fill('#ci-city', 'Springfield');
      await alice.fill('#ci-phone', '+1 217 555 0199');
      await alice.click('#checkin-submit');
      await alice.waitForSelector('#client-room', { state: 'visible' });
      await alice.click('#help-button');
      const card = await bo.waitForSelector('#alert-list [data-alert-id]', { timeout: 5000 })
        .catch(() => fail('the therapist did not get the alert'));
      alertId = await card.getAttribute('data-alert-id');
    });

    await step('clicking a page while the console is open shows that alert there', async () => {
      const worker = therapists.serviceWorkers().find((w) => w.url().endsWith('/console/haven-sw.js'));
      if (!worker) fail('Playwright does not see the console\'s service worker');
      // The worker's click path, without the click (a test cannot click a notification): it tells the
      // open console which alert (focusing the window needs the click; that part is refused here).
      await bo.evaluate(() => document.getElementById('paging-toggle').focus());
      await worker.evaluate((id) => openAlert({ alert: id, url: `/console/?alert=${id}` }), alertId);
      await bo.waitForSelector(`#alert-list [data-alert-id="${alertId}"].requested`, { timeout: 5000 })
        .catch(() => fail('the open console did not show the alert the page was for'));
      const focused = await bo.evaluate(() => document.activeElement?.dataset.alertId);
      if (focused !== alertId) fail(`the alert was not focused (focus is on ${focused})`);
      await shot(bo, 'p03-clinician-paged-alert');
    });

    await step('a console opened from a page (?alert=) shows that alert after sign-in', async () => {
      const again = await newPage(therapists, 'clinician-from-page');
      await signIn(again, BASE, { name: 'Dr Page', sub: 'dr-page', role: 'clinician', query: `?alert=${encodeURIComponent(alertId)}` });
      await again.waitForSelector(`#alert-list [data-alert-id="${alertId}"].requested`, { timeout: 5000 })
        .catch(() => fail('the console opened from a page did not show its alert'));
      const focused = await again.evaluate(() => document.activeElement?.dataset.alertId);
      if (focused !== alertId) fail(`the alert was not focused (focus is on ${focused})`);
      if (new URL(again.url()).searchParams.has('alert')) fail('the alert stayed in the address (a reload would ask for it again)');
      await again.close();
    });

    await step('where the node does not page, a therapist sees no control and gets no service worker', async () => {
      const plain = await browser.newContext();
      await plain.grantPermissions(['notifications'], { origin: UNPAGED });
      const carl = await newPage(plain, 'clinician-unpaged');
      await signIn(carl, UNPAGED, { name: 'Dr Plain', sub: 'dr-plain', role: 'clinician' });
      await carl.waitForSelector('#clinician-view', { state: 'visible' });
      await carl.waitForTimeout(300); // the control decides once the welcome is in: give it the chance to be wrong
      if (await carl.isVisible('#paging')) fail('the notifications control shows where the node does not page');
      if (await registration(carl)) fail('a service worker was registered where the node does not page');
    });

    await step('the browsers logged no error of the console\'s', async () => {
      if (consoleProblems.length) fail(`browser console:\n  ${consoleProblems.join('\n  ')}`);
    });
  } catch (e) {
    for (const [name, page] of Object.entries(pages)) {
      if (!page.isClosed()) await shot(page, `failure-${name}`).catch(() => {});
    }
    throw e;
  } finally {
    for (const [name, list] of Object.entries(frames)) {
      fs.writeFileSync(path.join(ARTIFACTS, `frames-${name}.jsonl`), list.map((f) => f.replace(/\n/g, ' ')).join('\n') + (list.length ? '\n' : ''));
    }
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
