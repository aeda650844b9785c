// The client's view: check in (where am I right now), join the group, group chat, the discreet help
// button, and the private end-to-end encrypted chat with the therapist. The help button shows
// nothing to anyone else: its only trace on this screen is the quiet confirmation below it, with
// the crisis lines and the client's own coping steps.

import { $, h, fill, show, announce, focus, time, explain, nameOf } from './ui.js';
import { RoomModel, ROOM_EVENTS, describeMember } from './room-model.js';
import { PrivateChat } from './dm.js';

/** Shown when the help request could not reach the server: 988 and the emergency number still work. */
const FALLBACK_RESOURCES = [
  { name: '988 Suicide & Crisis Lifeline', channel: 'call', contact: '988' },
  { name: '988 Suicide & Crisis Lifeline', channel: 'text', contact: '988' },
  { name: 'Emergency services', channel: 'call', contact: '911' },
];

export function startClientView({ haven, welcome, keys }) {
  const me = welcome.user;
  const isClient = welcome.role === 'client';
  const rooms = welcome.rooms;
  let group = rooms[0] || null; // the session this client takes part in
  let active = null; // the room on screen: the group, or a private breakout
  const models = new Map();
  let helpPresses = 0;

  show($('client-view'), true);
  show($('help-area'), isClient);
  show($('client-plan'), isClient);
  const dm = isClient ? new PrivateChat($('client-dm').querySelector('.dm-host'), { haven, me, keys, idPrefix: 'client-dm', partnerLabel: 'Your therapist' }) : null;

  // ------------------------------------------------------------------ check-in and join
  const select = $('checkin-room');
  fill(select, rooms.map((r) => h('option', { value: r }, r)));
  show($('checkin-room-field'), rooms.length > 1);

  if (!group) {
    fill($('client-heading'), 'No session today');
  } else if (isClient) {
    show($('checkin'), true);
    focus($('checkin-heading'));
  } else {
    join(group);
  }

  $('checkin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = event.target.elements;
    const error = $('checkin-error');
    error.textContent = '';
    const value = (name) => f[name].value.trim();
    const problems = [['street', 'street'], ['city', 'city'], ['country', 'two-letter country code'], ['callbackPhone', 'phone number']]
      .filter(([n]) => (n === 'country' ? !/^[A-Za-z]{2}$/.test(value(n)) : !value(n)));
    if (problems.length) {
      error.textContent = `Please fill in: ${problems.map(([, label]) => label).join(', ')}.`;
      f[problems[0][0]].focus();
      return;
    }
    group = select.value || group;
    const address = { street: value('street'), city: value('city'), country: value('country').toUpperCase() };
    for (const k of ['unit', 'region', 'postalCode']) if (value(k)) address[k] = value(k);
    const checkIn = { address, callbackPhone: value('callbackPhone'), privateSetting: f.privateSetting.checked };
    try {
      await haven.checkIn(group, checkIn);
      show($('checkin'), false);
      if (askedAgain && models.has(group)) {
        askedAgain = false; // still in the room: nothing to join
        return;
      }
      await join(group);
    } catch (e) {
      error.textContent = explain(e);
    }
  });

  // The server lost this session's check-in in a failure, or an alert was raised without one.
  let askedAgain = false;
  haven.on('checkin.requested', (m) => {
    if (!isClient) return;
    askedAgain = true;
    select.value = m.room;
    show($('checkin'), true);
    $('checkin-error').textContent = 'Please confirm where you are again, so your care team can reach you.';
    focus($('checkin-heading'));
  });

  $('checkin-decline').addEventListener('click', async () => {
    const error = $('checkin-error');
    try {
      await haven.declineCheckIn(select.value || group);
      error.textContent = 'Understood. You can join the group once you share where you are; your care team has been told. The help button and the private chat still work.';
    } catch (e) {
      error.textContent = explain(e);
    }
  });

  async function join(room) {
    try {
      const r = await haven.join(room);
      if (r.kind === 'room.waiting') {
        show($('client-room'), true);
        show($('client-waiting'), true);
        fill($('client-room-heading'), `Session ${room}`);
        focus($('client-room-heading'));
        return;
      }
      enter(r);
      focus($('client-room-heading'));
    } catch (e) {
      if (e.code === 'check_in_required') show($('checkin'), true);
      $('checkin-error').textContent = explain(e);
    }
  }

  /** Puts a room on screen from its snapshot. */
  function enter(snapshot) {
    const model = new RoomModel(snapshot);
    models.set(model.id, model);
    active = model.id;
    show($('client-room'), true);
    show($('client-waiting'), false);
    show($('client-dm'), isClient);
    renderRoom();
  }

  // ------------------------------------------------------------------ room events
  for (const type of ROOM_EVENTS) {
    haven.on(type, (m) => {
      const model = models.get(m.room);
      if (!model) return;
      const what = model.event(m);
      if (m.room !== active) return;
      if (what === 'chat') appendChat(model.chat[model.chat.length - 1]);
      else renderRoom();
      if (type === 'session.state') announce(stateText(model));
    });
  }
  haven.on('room.admitted', (m) => {
    enter(m.snapshot);
    announce('Your therapist let you in.');
    focus($('client-room-heading'));
  });
  haven.on('room.declined', () => {
    show($('client-waiting'), true);
    fill($('client-waiting'), 'Your therapist could not let you in right now. Please contact your care team.');
  });
  haven.on('room.removed', (m) => {
    models.delete(m.room);
    fill($('client-room-state'), 'You were removed from this session.');
    show($('client-room-state'), true);
  });
  haven.on('breakout.moved', (m) => {
    enter(m.snapshot);
    announce('You are now in a private room with your therapist. The group cannot see or hear you.', true);
    focus($('client-room-heading'));
  });
  haven.on('breakout.ended', (m) => {
    models.delete(m.breakout);
    active = m.room;
    if (models.has(active)) renderRoom();
    announce('You are back in the group.');
    focus($('client-room-heading'));
  });
  haven.on('room.resync', ({ room, snapshot }) => {
    if (!snapshot || !models.has(room)) return;
    models.get(room).apply(snapshot);
    if (room === active) renderRoom();
  });

  function renderRoom() {
    const model = models.get(active);
    if (!model) return;
    const breakout = model.kind === 'breakout';
    fill($('client-room-heading'), breakout ? 'Private room with your therapist' : `Group session ${model.id}`);
    const state = stateText(model);
    fill($('client-room-state'), state);
    show($('client-room-state'), !!state);
    fill($('client-roster'), model.sortedMembers().map((m) => h('li', { dataset: { user: m.user } }, describeMember(m, me))));
    fill($('client-chat'), model.chat.map(chatLine));
    const paused = model.state !== 'live';
    $('client-chat-input').disabled = paused;
    $('client-chat-input').placeholder = breakout ? 'Message to your therapist (this private room)' : 'Message to the group';
    if (dm) {
      // The therapists of the group are whom the private chat reaches.
      for (const m of model.members.values()) {
        if (m.role === 'clinician' || m.role === 'supervisor') dm.addPartner(m.user, m.name);
      }
    }
  }

  function stateText(model) {
    if (model.state === 'paused') return model.stateReason === 'coverage'
      ? 'The session is paused until a therapist is back.' : 'The session is paused by your therapist.';
    if (model.state === 'ended') return 'The session has ended.';
    return '';
  }

  function chatLine(c) {
    if (c.notice) {
      return h('li', { class: 'notice' }, h('span', { class: 'from' }, 'Notice'), ' ',
        h('time', { datetime: c.at }, time(c.at)), ' ', h('span', { class: 'text' }, c.text));
    }
    return h('li', {}, h('span', { class: 'from' }, c.from === me ? 'You' : (c.name || nameOf(c.from))), ' ',
      h('time', { datetime: c.at }, time(c.at)), ' ', h('span', { class: 'text' }, c.text));
  }

  function appendChat(c) {
    $('client-chat').append(chatLine(c));
    $('client-chat').scrollTop = $('client-chat').scrollHeight;
  }

  $('client-chat-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = $('client-chat-input');
    const text = input.value.trim();
    $('client-chat-error').textContent = '';
    if (!text || !active) return;
    try {
      await haven.sendChat(active, text);
      input.value = '';
    } catch (e) {
      $('client-chat-error').textContent = explain(e);
    }
  });

  // ------------------------------------------------------------------ help
  $('help-button').addEventListener('click', async () => {
    const button = $('help-button');
    button.disabled = true;
    helpPresses++;
    const status = $('help-result-status');
    let resources = FALLBACK_RESOURCES;
    let coping = [];
    try {
      const joinedGroup = group && models.has(group) ? group : undefined;
      const r = await haven.raiseAlert({ room: joinedGroup });
      resources = r.resources;
      coping = r.coping;
      fill($('help-result-heading'), helpPresses > 1 ? 'Your therapist has been told again, privately.' : 'Your therapist has been told, privately.');
      status.textContent = 'Nobody else in the group sees anything.';
    } catch (e) {
      fill($('help-result-heading'), 'We could not reach your therapist just now.');
      status.textContent = 'Please use one of these right away.';
    } finally {
      button.disabled = false;
    }
    fill($('crisis-resources'), resources.map(resourceLink));
    fill($('coping-steps'), coping.map((s) => h('li', {}, s)));
    show($('coping-heading'), coping.length > 0);
    show($('help-result'), true);
    focus($('help-result-heading'));
  });

  function resourceLink(r) {
    const verb = { call: 'Call', text: 'Text', web: 'Open' }[r.channel] || 'Contact';
    const href = r.channel === 'call' ? `tel:${r.contact.replace(/[^+0-9*#]/g, '')}`
      : r.channel === 'text' ? `sms:${r.contact.replace(/[^+0-9]/g, '')}`
        : /^https:\/\//.test(r.contact) ? r.contact : null;
    return h('li', {}, href ? h('a', { href }, `${verb} ${r.name}: ${r.contact}`) : `${verb} ${r.name}: ${r.contact}`);
  }

  // ------------------------------------------------------------------ safety plan and contact
  $('plan-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = event.target.elements;
    const lines = (name) => f[name].value.split('\n').map((s) => s.trim()).filter(Boolean);
    const status = $('plan-status');
    try {
      await haven.setPlan({ warningSigns: lines('warningSigns'), copingStrategies: lines('copingStrategies'), distractions: [],
        peopleToAsk: lines('peopleToAsk'), professionals: [], safeEnvironment: [] });
      const name = f.contactName.value.trim();
      const phone = f.contactPhone.value.trim();
      if (name && phone) {
        await haven.setContacts([{ name, relation: f.contactRelation.value.trim() || 'contact', phone, consentToContact: f.contactConsent.checked }]);
      }
      status.textContent = 'Saved. Your care team sees the new version.';
    } catch (e) {
      status.textContent = explain(e);
    }
  });
}
