// The clinician's view: the live alert panel (alerts.js), follow-ups due, every granted room with its
// roster and presence, waiting room (admit / decline), pause / resume, breakouts (move / return), the
// group chat, private end-to-end encrypted chats with clients, and notifications on this device
// (paging.js).

import { $, h, fill, show, announce, time, explain, nameOf } from './ui.js';
import { RoomModel, ROOM_EVENTS, describeMember } from './room-model.js';
import { PrivateChat } from './dm.js';
import { AlertPanel } from './alerts.js';
import { PagingControl } from './paging.js';

/** `pagedAlert`: the alert a clicked page asked for (shown once the alerts are listed), or null. */
export function startClinicianView({ haven, welcome, keys, pagedAlert = null }) {
  const me = welcome.user;
  const models = new Map();
  const cards = new Map(); // room id -> {card, parts}

  show($('clinician-view'), true);
  const alerts = new AlertPanel({ haven, me });
  const dm = new PrivateChat($('clinician-dm').querySelector('.dm-host'), { haven, me, keys, idPrefix: 'clinician-dm', partnerLabel: 'Conversation with' });

  const paging = new PagingControl(haven);

  haven.listAlerts().then((r) => {
    alerts.load(r.alerts);
    if (pagedAlert) alerts.reveal(pagedAlert);
  }, () => {});
  Promise.all(welcome.rooms.map(joinRoom)).then(() => {
    if (welcome.rooms.length === 0) fill($('room-list'), h('p', { class: 'hint' }, 'No rooms are granted to you.'));
  });

  $('presence-select').addEventListener('change', async (event) => {
    try {
      await haven.setPresence(event.target.value);
      announce(`Status: ${event.target.selectedOptions[0].textContent}`);
    } catch (e) {
      announce(explain(e));
    }
  });

  async function joinRoom(room) {
    try {
      const snapshot = await haven.join(room);
      add(snapshot);
    } catch (e) {
      $('room-list').append(h('p', { class: 'error' }, `${room}: ${explain(e)}`));
    }
  }

  function add(snapshot) {
    const model = new RoomModel(snapshot);
    models.set(model.id, model);
    if (!cards.has(model.id)) cards.set(model.id, buildCard(model));
    renderRoom(model.id, 'all');
  }

  // ------------------------------------------------------------------ events
  for (const type of ROOM_EVENTS) {
    haven.on(type, (m) => {
      const model = models.get(m.room);
      if (!model) return;
      const what = model.event(m);
      if (type === 'room.member_joined') announce(`${nameOf(m.member.user)} joined ${roomTitle(model)}`);
      if (type === 'room.member_left') announce(`${nameOf(m.user)} left ${roomTitle(model)}`);
      renderRoom(model.id, what);
    });
  }
  haven.on('room.waiting_list', (m) => {
    const model = models.get(m.room);
    if (!model) return;
    const before = model.waiting.length;
    model.waiting = m.waiting;
    if (m.waiting.length > before) announce(`Someone is waiting to join ${m.room}`);
    renderRoom(m.room, 'waiting');
  });
  haven.on('breakout.moved', (m) => {
    add(m.snapshot);
    announce(`You are in a private breakout with ${m.peers.map((p) => nameOf(p)).join(', ')}.`);
  });
  haven.on('breakout.ended', (m) => {
    models.delete(m.breakout);
    cards.get(m.breakout)?.card.remove();
    cards.delete(m.breakout);
    announce('The breakout ended; back in the group.');
  });
  haven.on('room.resync', ({ room, snapshot }) => {
    if (snapshot && models.has(room)) {
      models.get(room).apply(snapshot);
      renderRoom(room, 'all');
    }
  });

  // ------------------------------------------------------------------ rendering
  function buildCard(model) {
    const id = model.id.replace(/[^A-Za-z0-9_-]/g, '_');
    const headingId = `room-h-${id}`;
    const parts = {
      heading: h('h3', { id: headingId }),
      controls: h('div', { class: 'room-controls' }),
      waiting: h('div', { class: 'waiting' }),
      roster: h('ul', { class: 'roster', 'aria-label': 'Members' }),
      log: h('ol', { class: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Group chat' }),
      input: h('input', { id: `room-chat-${id}`, autocomplete: 'off', maxlength: '4000', placeholder: 'Message to the room' }),
      error: h('p', { class: 'error', role: 'alert' }),
    };
    const form = h('form', { class: 'chat-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      const text = parts.input.value.trim();
      parts.error.textContent = '';
      if (!text) return;
      try {
        await haven.sendChat(model.id, text);
        parts.input.value = '';
      } catch (err) {
        parts.error.textContent = explain(err);
      }
    } }, h('label', { for: `room-chat-${id}`, class: 'sr-only' }, `Message to ${model.id}`), parts.input, h('button', { type: 'submit' }, 'Send'));
    const card = h('article', { class: 'card room', dataset: { room: model.id }, 'aria-labelledby': headingId },
      parts.heading, parts.controls, parts.waiting, h('h4', { class: 'small-heading' }, 'Here now'), parts.roster,
      h('h4', { class: 'small-heading' }, 'Chat'), parts.log, form, parts.error);
    // A breakout sits right after its group.
    const parentCard = model.parent && cards.get(model.parent)?.card;
    if (parentCard) parentCard.after(card);
    else $('room-list').append(card);
    return { card, parts };
  }

  function roomTitle(model) {
    if (model.kind === 'breakout') {
      const others = [...model.members.values()].filter((m) => m.user !== me).map((m) => m.name || m.user);
      return `Private breakout${others.length ? ` with ${others.join(', ')}` : ''}`;
    }
    return model.id;
  }

  function renderRoom(roomId, what) {
    const model = models.get(roomId);
    const entry = cards.get(roomId);
    if (!model || !entry) return;
    const { parts } = entry;
    if (what === 'chat') {
      const c = model.chat[model.chat.length - 1];
      parts.log.append(chatLine(c));
      parts.log.scrollTop = parts.log.scrollHeight;
      return;
    }
    keepFocus(entry.card, () => {
      fill(parts.heading, roomTitle(model), ' ', h('span', { class: `badge state-${model.state}` }, model.state === 'live' ? 'Live' : model.state === 'paused' ? 'Paused' : 'Ended'));
      fill(parts.controls, controls(model));
      fill(parts.waiting, waiting(model));
      fill(parts.roster, model.sortedMembers().map((m) => h('li', { dataset: { user: m.user } },
        h('span', {}, describeMember(m, me)), memberActions(model, m))));
      if (what === 'all') fill(parts.log, model.chat.map(chatLine));
    });
  }

  function controls(model) {
    const run = (fn) => async () => {
      try {
        await fn();
      } catch (e) {
        cards.get(model.id).parts.error.textContent = explain(e);
      }
    };
    const out = [];
    if (model.state === 'live') out.push(h('button', { type: 'button', dataset: { key: 'pause' }, onclick: run(() => haven.pause(model.id)) }, 'Pause session'));
    if (model.state === 'paused') out.push(h('button', { type: 'button', dataset: { key: 'resume' }, onclick: run(() => haven.resume(model.id)) }, 'Resume session'));
    if (model.kind === 'breakout') {
      out.push(h('button', { type: 'button', dataset: { key: 'return' }, onclick: run(() => haven.returnBreakout(model.id)) }, 'Return to the group'));
    } else if (model.state !== 'ended') {
      const boxId = `admission-${model.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
      out.push(h('label', { class: 'choice', for: boxId },
        h('input', { type: 'checkbox', id: boxId, checked: !!model.requiresAdmission, dataset: { key: 'admission' },
          onchange: run(async () => {
            const on = document.getElementById(boxId).checked;
            await haven.configureSession(model.id, model.kind === 'breakout' ? 'group' : model.kind, on);
            model.requiresAdmission = on;
            announce(on ? 'Waiting room on: you admit each client.' : 'Waiting room off.');
          }) }), ' Waiting room (admit each client)'));
    }
    return out;
  }

  function waiting(model) {
    if (!model.waiting.length) return [];
    return [h('h4', { class: 'small-heading' }, 'Waiting room'), h('ul', { class: 'waiting-list' }, model.waiting.map((w) => h('li', { dataset: { user: w.user } },
      h('span', {}, w.name || w.user), ' ',
      h('button', { type: 'button', dataset: { key: `admit-${w.user}` }, onclick: () => haven.admit(model.id, w.user).catch((e) => announce(explain(e))) }, `Admit ${w.name || w.user}`), ' ',
      h('button', { type: 'button', class: 'quiet', dataset: { key: `decline-${w.user}` }, onclick: () => haven.decline(model.id, w.user).catch((e) => announce(explain(e))) }, 'Decline'))))];
  }

  function memberActions(model, m) {
    if (m.user === me || m.role !== 'client') return null;
    const name = m.name || m.user;
    const buttons = [h('button', { type: 'button', class: 'small', dataset: { key: `dm-${m.user}` }, 'aria-label': `Private chat with ${name}`,
      onclick: () => dm.open(m.user, m.name) }, 'Private chat')];
    if (model.kind !== 'breakout' && !m.steppedOut) {
      buttons.push(h('button', { type: 'button', class: 'small', dataset: { key: `breakout-${m.user}` }, 'aria-label': `Move ${name} to a private breakout`,
        onclick: () => haven.startBreakout(model.id, m.user).catch((e) => { cards.get(model.id).parts.error.textContent = explain(e); }) }, 'Breakout'));
    }
    return h('span', { class: 'member-actions' }, ' ', buttons);
  }

  function chatLine(c) {
    if (c.notice) {
      return h('li', { class: 'notice' }, h('span', { class: 'from' }, `Notice from ${c.from}`), ' ',
        h('time', { datetime: c.at }, time(c.at)), ' ', h('span', { class: 'text' }, c.text));
    }
    return h('li', {}, h('span', { class: 'from' }, c.from === me ? 'You' : (c.name || nameOf(c.from))), ' ',
      h('time', { datetime: c.at }, time(c.at)), ' ', h('span', { class: 'text' }, c.text));
  }

  return { alerts, dm, paging };
}

/** Re-renders inside `container` and puts the focus back on the control (same data-key) that had it. */
function keepFocus(container, render) {
  const key = container.contains(document.activeElement) ? document.activeElement.dataset?.key : null;
  render();
  if (key) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}
