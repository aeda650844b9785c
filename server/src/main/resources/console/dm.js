// The discreet private chat, end to end encrypted in this browser (haven-crypto.js): the server only
// relays envelopes it cannot open. One component serves both views: a client chats with their
// therapists, a clinician with their clients.

import { seal, open, safetyNumber, E2eError } from './haven-crypto.js';
import { h, fill, show, announce, time, explain, nameOf, learnName } from './ui.js';

export class PrivateChat {
  /**
   * @param {HTMLElement} host where the chat renders
   * @param {object} o
   * @param {import('./haven-client.js').HavenClient} o.haven
   * @param {string} o.me this user's id
   * @param {import('./haven-crypto.js').DeviceKeys} o.keys this device's keys
   * @param {string} o.idPrefix unique prefix for element ids ("client-dm", "clinician-dm")
   * @param {string} o.partnerLabel label of the partner picker
   */
  constructor(host, { haven, me, keys, idPrefix, partnerLabel }) {
    this.haven = haven;
    this.me = me;
    this.keys = keys;
    this.partners = new Map(); // user -> {name, log: [], unread}
    this.selected = null;
    this.bundles = new Map(); // "user/device" -> bundle, for opening
    const p = idPrefix;
    this.select = h('select', { id: `${p}-partner` });
    this.select.addEventListener('change', () => this.choose(this.select.value));
    this.safety = h('p', { id: `${p}-safety`, class: 'hint safety' });
    this.log = h('ol', { id: `${p}-log`, class: 'chat-log dm-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Private messages' });
    this.input = h('input', { id: `${p}-input`, autocomplete: 'off', maxlength: '3000', placeholder: 'Private message' });
    this.error = h('p', { id: `${p}-error`, class: 'error', role: 'alert' });
    this.empty = h('p', { class: 'hint', id: `${p}-empty` }, 'Nobody to chat with yet.');
    this.form = h('form', { class: 'chat-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); this.send(); } },
      h('label', { for: `${p}-input`, class: 'sr-only' }, 'Private message'),
      this.input,
      h('button', { type: 'submit' }, 'Send privately'));
    this.body = h('div', { class: 'dm-body' },
      h('div', { class: 'field' }, h('label', { for: `${p}-partner` }, partnerLabel), this.select),
      this.safety, this.log, this.form, this.error);
    fill(host, this.empty, this.body);
    this.render();
    haven.on('dm.message', (m) => this.receive(m.message));
    haven.on('keys.changed', (m) => this.keysChanged(m));
  }

  /** Adds someone one may chat with (no-op if known). */
  addPartner(user, name) {
    if (!user || user === this.me) return;
    learnName(user, name);
    if (!this.partners.has(user)) this.partners.set(user, { log: [], unread: 0 });
    this.render();
    if (!this.selected) this.choose(user);
  }

  /** Selects the conversation with `user` and puts the cursor in the message box. */
  open(user, name) {
    this.addPartner(user, name);
    this.choose(user);
    this.input.focus();
  }

  choose(user) {
    this.selected = user;
    const c = this.partners.get(user);
    if (c) c.unread = 0;
    this.render();
    this.showSafetyNumber();
  }

  render() {
    const has = this.partners.size > 0;
    show(this.empty, !has);
    show(this.body, has);
    const options = [...this.partners.entries()].map(([user, c]) =>
      h('option', { value: user, selected: user === this.selected }, nameOf(user) + (c.unread ? ` (${c.unread} new)` : '')));
    fill(this.select, options);
    const c = this.partners.get(this.selected);
    fill(this.log, (c ? c.log : []).map((m) => h('li', { class: m.mine ? 'dm-out' : 'dm-in' },
      h('span', { class: 'from' }, m.mine ? 'You' : nameOf(m.from)), ' ',
      h('time', { datetime: m.at }, time(m.at)), ' ',
      h('span', { class: 'text' }, m.text),
      m.note ? h('span', { class: 'hint' }, ` ${m.note}`) : null)));
    this.log.scrollTop = this.log.scrollHeight;
  }

  async showSafetyNumber() {
    const user = this.selected;
    if (!user) return;
    try {
      const usable = (x) => x.identityKey?.alg === this.keys.suite;
      const cached = [...this.bundles.entries()].filter(([k]) => k.startsWith(`${user}/`)).map(([, v]) => v);
      const d = cached.find(usable) || (await this.devicesOf(user)).find(usable);
      if (user !== this.selected) return;
      fill(this.safety, d ? `Safety number with ${nameOf(user)}: ${safetyNumber(this.keys.fingerprint, d.fingerprint)}`
        : `${nameOf(user)} has no device ready for encrypted chat yet.`);
    } catch (e) {
      fill(this.safety, explain(e));
    }
  }

  /** Fetches the partner's device bundles (each with a fresh one-time prekey while they last). */
  async devicesOf(user) {
    const { devices } = await this.haven.fetchKeys(user);
    for (const d of devices) this.bundles.set(`${user}/${d.device}`, d);
    return devices;
  }

  async send() {
    const text = this.input.value.trim();
    const to = this.selected;
    this.error.textContent = '';
    if (!text || !to) return;
    try {
      const devices = (await this.devicesOf(to)).filter((d) => d.identityKey?.alg === this.keys.suite);
      if (devices.length === 0) {
        this.error.textContent = `${nameOf(to)} has no device ready for encrypted chat yet; try again when they are online.`;
        return;
      }
      const envelopes = await Promise.all(devices.map((d) => seal(this.keys, this.me, d, to, text)));
      const sent = await this.haven.sendDirect(to, envelopes);
      this.input.value = '';
      this.append(to, { from: this.me, mine: true, text, at: new Date().toISOString(),
        note: sent.delivered === 0 ? '(delivered when they are back online)' : '' });
    } catch (e) {
      this.error.textContent = e instanceof E2eError ? 'This message could not be encrypted for their device, so it was not sent.' : explain(e);
    }
  }

  async receive(message) {
    const { from, envelope, sentAt } = message;
    this.addPartner(from);
    try {
      let bundle = this.bundles.get(`${from}/${envelope.senderDevice}`);
      if (!bundle) {
        await this.devicesOf(from);
        bundle = this.bundles.get(`${from}/${envelope.senderDevice}`);
      }
      const text = await open(this.keys, this.me, bundle, from, envelope);
      this.append(from, { from, mine: false, text, at: sentAt });
      if (from !== this.selected) announce(`New private message from ${nameOf(from)}`);
    } catch {
      this.append(from, { from, mine: false, text: '(a private message could not be opened on this device)', at: sentAt });
    } finally {
      // Confirmed either way: one that cannot be opened here never will be, and must not come back.
      this.haven.ackDirect([message.message]).catch(() => {});
    }
  }

  append(user, entry) {
    const c = this.partners.get(user);
    c.log.push(entry);
    if (user !== this.selected) c.unread++;
    this.render();
  }

  keysChanged({ user }) {
    for (const key of [...this.bundles.keys()]) if (key.startsWith(`${user}/`)) this.bundles.delete(key);
    if (this.partners.has(user)) {
      const c = this.partners.get(user);
      c.log.push({ from: user, mine: false, text: `${nameOf(user)}'s safety number changed (new device or reinstall). Compare it again.`, at: new Date().toISOString() });
      this.render();
      if (user === this.selected) this.showSafetyNumber();
    }
  }
}
