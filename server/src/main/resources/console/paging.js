// Paging on this device (Web Push, docs/protocol.md "Paging (Web Push)"): the clinician's
// "Notifications on this device" control, and the alert a clicked page asks for. The service worker
// (haven-sw.js) shows the pages; this module subscribes and unsubscribes, in the browser and with
// the node, and shows where this browser stands.
//
// What is on comes from both sides: the browser's subscription (pushManager.getSubscription()) and
// the node's list of this user's devices (push.list). Only both together are "on"; a subscription
// the node lists for this device is sent again after every welcome, as the protocol asks (the node
// pages by the grants of the token in force when it was last sent). A browser subscription the node
// does not list for this user (someone else's on a shared computer) is left alone until this user
// turns notifications on.

import { $, fill, show, announce, explain } from './ui.js';

const DEVICE_KEY = 'haven.push.device';
/** A browser whose push service cannot be reached may never answer subscribe() (Chromium waits). */
const SUBSCRIBE_TIMEOUT_MS = 30000;
const ALERT_ID = /^[A-Za-z0-9._~:-]{1,128}$/;

const MESSAGES = {
  denied: 'Notifications are blocked for Haven in this browser. Allow them in the site settings (the icon beside the address), then try again.',
  dismissed: 'Notifications were not turned on: the browser asked, and no choice was made. Try again and choose Allow.',
  unreachable: 'This browser could not reach its push service, so it cannot be paged right now. Please try again later. '
    + 'A private or incognito window cannot be paged: use a normal window. While Haven is open, alerts still reach you here.',
  noWorker: 'This browser could not start the part of Haven that shows notifications. Reload the page to try again.',
  keyChanged: 'This Haven server has a new key for notifications: turn them on again.',
};

/** Whether this browser can be paged at all: service workers, the Push API and notifications. */
export function canBePaged() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** The alert the page was opened for (`?alert=<id>`, from a clicked page), taken off the address. */
export function takeRequestedAlert() {
  const url = new URL(location.href);
  const id = url.searchParams.get('alert');
  if (id == null) return null;
  url.searchParams.delete('alert');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
  return ALERT_ID.test(id) ? id : null;
}

/** Calls `onAlert(id)` when the clinician clicks a page while this console is open (haven-sw.js). */
export function onPageClicked(onAlert) {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event) => {
    const m = event.data;
    if (event.origin !== location.origin || m?.type !== 'haven.alert' || !ALERT_ID.test(m.alert ?? '')) return;
    onAlert(m.alert);
  });
  navigator.serviceWorker.startMessages();
}

/**
 * The "Notifications on this device" control of a clinician's or supervisor's view: shown while the
 * node pages (`welcome.pushKey`) and this browser can be paged; hidden otherwise.
 */
export class PagingControl {
  /** @param {import('./haven-client.js').HavenClient} haven */
  constructor(haven) {
    this.haven = haven;
    this.section = $('paging');
    this.stateText = $('paging-state');
    this.button = $('paging-toggle');
    this.message = $('paging-message');
    this.on = false;
    this.others = 0;
    this.registration = null;
    this.queue = Promise.resolve(); // one change at a time: a refresh never races a click
    this.button.addEventListener('click', () => {
      this.button.disabled = true; // one click, one change
      this.serially(() => (this.on ? this.turnOff() : this.turnOn()));
    });
    // After every welcome (a reconnect too): what the node lists may have changed, and the protocol
    // asks for the subscription again.
    haven.on('state', ({ state }) => {
      if (state === 'open') this.serially(() => this.refresh());
    });
    this.serially(() => this.refresh());
  }

  serially(task) {
    this.queue = this.queue.then(task).catch(() => {});
    return this.queue;
  }

  get pushKey() {
    return this.haven.welcome?.pushKey || null;
  }

  async refresh() {
    if (!this.pushKey || !canBePaged()) {
      show(this.section, false);
      return;
    }
    show(this.section, true);
    try {
      const registration = await this.worker();
      const [subscription, listed] = await Promise.all([registration.pushManager.getSubscription(), this.haven.listPush()]);
      const mine = listed.subscriptions.some((s) => s.device === device());
      const others = listed.subscriptions.filter((s) => s.device !== device()).length;
      if (subscription && !sameKey(subscription, this.pushKey)) {
        await subscription.unsubscribe();
        if (mine) await this.haven.unsubscribePush(device());
        this.render(false, { others, problem: MESSAGES.keyChanged });
      } else if (subscription && mine) {
        await this.haven.subscribePush(device(), subscription.toJSON());
        this.render(true, { others });
      } else {
        if (mine) await this.haven.unsubscribePush(device()); // the browser's subscription is gone
        this.render(false, { others });
      }
    } catch (e) {
      this.render(this.on, { problem: wordsFor(e) });
    }
  }

  async turnOn() {
    this.busy('Turning notifications on…');
    try {
      // Asked inside the click: browsers show their permission prompt only after a gesture.
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') throw new Refusal(permission === 'denied' ? MESSAGES.denied : MESSAGES.dismissed);
      const registration = await this.worker();
      let subscription;
      try {
        subscription = await within(SUBSCRIBE_TIMEOUT_MS, registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: fromBase64url(this.pushKey) }));
      } catch {
        throw new Refusal(MESSAGES.unreachable);
      }
      try {
        await this.haven.subscribePush(device(), subscription.toJSON());
      } catch (e) {
        await subscription.unsubscribe().catch(() => {}); // nothing half on: the node did not take it
        throw e;
      }
      this.render(true, { note: 'Notifications are on for this browser.', tell: true });
    } catch (e) {
      this.render(false, { problem: wordsFor(e), tell: true });
    }
  }

  async turnOff() {
    this.busy('Turning notifications off…');
    let problem = null;
    try {
      const subscription = await (await this.worker()).pushManager.getSubscription();
      await subscription?.unsubscribe();
    } catch {
      // the node's side below still ends the paging of this device
    }
    try {
      await this.haven.unsubscribePush(device());
    } catch (e) {
      problem = explain(e);
    }
    this.render(false, { note: problem ? null : 'Notifications are off for this browser.', problem, tell: true });
  }

  /** The console's service worker registration (registered once; the browser keeps it). */
  async worker() {
    if (!this.registration) {
      try {
        this.registration = await navigator.serviceWorker.register(new URL('haven-sw.js', import.meta.url),
          { scope: new URL('./', import.meta.url).pathname });
      } catch {
        throw new Refusal(MESSAGES.noWorker);
      }
    }
    return this.registration;
  }

  busy(text) {
    this.button.disabled = true;
    this.section.dataset.state = 'busy';
    fill(this.stateText, text);
  }

  /**
   * Shows whether this browser is paged; `others`: how many other browsers of this user are (when
   * known); `note` or `problem`: the outcome of the last try, announced when `tell`.
   */
  render(on, { others = null, note = null, problem = null, tell = false } = {}) {
    this.on = on;
    this.section.dataset.state = on ? 'on' : 'off';
    this.button.disabled = false;
    fill(this.button, on ? 'Turn off notifications' : 'Turn on notifications');
    const blocked = !on && Notification.permission === 'denied';
    fill(this.stateText, on ? 'On: when an alert needs you and you are not here in Haven, this browser shows a notification.'
      : blocked ? 'Off: notifications are blocked for Haven in this browser.'
        : 'Off: alerts reach you only while Haven is open.');
    if (others != null) this.others = others;
    if (this.others) this.stateText.append(` Also on ${this.others} other browser${this.others === 1 ? '' : 's'}.`);
    this.message.className = problem ? 'error' : 'hint';
    fill(this.message, problem || note || '');
    if (tell) announce(problem || note || this.stateText.textContent);
  }
}

/** A refusal by the browser or its push service, with the words to show. */
class Refusal extends Error {}

function wordsFor(error) {
  return error instanceof Refusal ? error.message : explain(error);
}

const sessionId = `web-${Date.now().toString(16)}`;

/** This browser's own id for its subscription, kept across visits. */
function device() {
  let id = null;
  try {
    id = localStorage.getItem(DEVICE_KEY);
    if (!id) {
      id = `web-${[...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
      localStorage.setItem(DEVICE_KEY, id);
    }
  } catch {
    id ??= sessionId; // storage refused: one id for as long as this page lives
  }
  return id;
}

/** Whether `subscription` was made with the node's current key (a subscription is bound to one). */
function sameKey(subscription, pushKey) {
  const key = subscription.options?.applicationServerKey;
  if (!key) return true; // the browser does not say: trust it
  const a = new Uint8Array(key);
  const b = fromBase64url(pushKey);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function fromBase64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function within(ms, promise) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), ms); })])
    .finally(() => clearTimeout(timer));
}
