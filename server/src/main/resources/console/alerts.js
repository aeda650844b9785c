// The clinician's live alert panel: every alert they may see, with the client's confirmed location,
// emergency contacts and safety plan at hand, and the lifecycle's next steps as buttons. A new or
// escalated alert is announced (assertive live region), flashes, chimes (WebAudio) and counts in the
// tab title; nothing takes the clinician's focus away from what they are doing, but the alert a page
// they clicked asks for (reveal).

import { $, h, fill, show, focus, announce, time, dateTime, words, explain, chime, nameOf, learnName } from './ui.js';

const ACTIONS = ['grounding_exercise', 'called_emergency_contact', 'contacted_988', 'dispatched_emergency_services',
  'paused_group', 'note'];
const OUTCOMES = ['stabilized', 'safety_plan_reviewed', 'referred_to_higher_care', 'emergency_services_involved',
  'no_risk_found', 'checked_in', 'other'];
const OPEN = new Set(['raised', 'acknowledged', 'engaged', 'emergency_dispatched']);
const TITLE = document.title;

export class AlertPanel {
  /**
   * @param {object} o
   * @param {import('./haven-client.js').HavenClient} o.haven
   * @param {string} o.me this clinician's user id
   */
  constructor({ haven, me }) {
    this.haven = haven;
    this.me = me;
    this.alerts = new Map(); // id -> view
    this.list = $('alert-list');
    this.section = $('alerts');
    /** The alert a clicked page asked for: highlighted while it is listed. */
    this.requested = null;
    haven.on('alert', (m) => this.upsert(m.alert, m.reason));
    haven.on('alert.follow_up_due', (m) => this.followUpDue(m));
  }

  /** Loads what alert.list returned (open, resolved and follow-up-due alerts). */
  load(views) {
    for (const v of views) this.upsert(v, 'list');
  }

  upsert(view, reason) {
    learnName(view.client, view.clientName);
    const known = this.alerts.get(view.id);
    if (known && known.version > view.version) return; // an older copy (redelivery) changes nothing
    this.alerts.set(view.id, view);
    const fresh = !known && OPEN.has(view.state) && reason !== 'list';
    if (fresh || (reason === 'escalated' && OPEN.has(view.state))) this.cue(view);
    this.render(view, fresh);
    this.renderLists();
  }

  /**
   * Shows the alert a clicked page asked for: highlighted, scrolled to and focused when it is listed
   * (open, resolved or follow-up due); otherwise a note says it is no longer open. Returns whether it is.
   */
  reveal(id) {
    this.requested = id;
    for (const e of this.section.querySelectorAll('.requested')) e.classList.remove('requested');
    const el = this.section.querySelector(`[data-alert-id="${CSS.escape(id)}"]`);
    show($('paged-alert-gone'), !el);
    if (!el) {
      announce('The alert you were paged about is no longer open.');
      return false;
    }
    el.classList.add('requested');
    el.scrollIntoView({ block: 'center' });
    focus(el);
    const v = this.alerts.get(id);
    announce(v && OPEN.has(v.state) ? `The alert you were paged about: ${title(v)}.` : 'The alert you were paged about is resolved.');
    return true;
  }

  followUpDue({ alert, client, dueAt }) {
    const v = this.alerts.get(alert);
    if (v) this.alerts.set(alert, { ...v, state: 'follow_up_due', followUpDueAt: dueAt });
    else this.alerts.set(alert, { id: alert, client, state: 'follow_up_due', followUpDueAt: dueAt, version: -1 });
    announce(`Follow-up due for ${nameOf(client)}`);
    this.renderLists();
  }

  /** The sound and screen-reader cue of a new or escalated alert. */
  cue(view) {
    if (chime()) this.section.dataset.sounds = String(Number(this.section.dataset.sounds || 0) + 1);
    const where = view.checkIn ? ` at ${formatAddress(view.checkIn.address)}` : '';
    announce(`Alert: ${title(view)}, ${view.severity}${where}.`, true);
  }

  render(view, fresh) {
    let card = this.list.querySelector(`[data-alert-id="${CSS.escape(view.id)}"]`);
    if (!OPEN.has(view.state)) {
      if (card) card.remove();
      this.counts();
      return;
    }
    // Keep the focus and what the clinician was typing across a re-render.
    const active = card && card.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    const cardFocused = card && document.activeElement === card;
    const values = card ? Object.fromEntries([...card.querySelectorAll('[data-key]')]
      .filter((e) => 'value' in e && e.tagName !== 'BUTTON').map((e) => [e.dataset.key, e.value])) : {};
    const next = this.card(view);
    for (const [k, v] of Object.entries(values)) {
      const e = next.querySelector(`[data-key="${k}"]`);
      if (e) e.value = v;
    }
    if (card) card.replaceWith(next);
    else this.list.prepend(next);
    if (fresh) next.classList.add('fresh');
    if (active) next.querySelector(`[data-key="${active}"]`)?.focus();
    else if (cardFocused) focus(next);
    this.counts();
  }

  counts() {
    const open = [...this.alerts.values()].filter((v) => OPEN.has(v.state));
    const waiting = open.filter((v) => v.state === 'raised').length;
    fill($('alert-count'), open.length ? `(${open.length} open)` : '');
    show($('no-alerts'), open.length === 0);
    document.title = waiting ? `(${waiting}) Alert — ${TITLE}` : TITLE;
  }

  card(v) {
    const headingId = `alert-h-${v.id}`;
    const mine = (who) => who === this.me;
    const c = v.checkIn;
    return h('article', { class: `alert-card sev-${v.severity} state-${v.state}${v.id === this.requested ? ' requested' : ''}`,
      dataset: { alertId: v.id, state: v.state },
      'aria-labelledby': headingId },
    h('h3', { id: headingId }, title(v), ' ',
      h('span', { class: `badge sev sev-${v.severity}` }, words(v.severity)), ' ',
      h('span', { class: 'badge state' }, words(v.state))),
    h('dl', { class: 'meta' },
      term('Kind', words(v.kind)),
      v.room ? term('Session', v.room) : term('Session', 'outside a session'),
      term('Raised', `${time(v.raisedAt)}${v.presses > 1 ? ` (pressed ${v.presses} times)` : ''}`),
      v.acknowledgedBy ? term('Taken by', nameOf(v.acknowledgedBy, this.me)) : null,
      v.engagedBy ? term('Engaged by', nameOf(v.engagedBy, this.me)) : null,
      v.undelivered ? term('Delivery', 'no responder was connected when raised') : null,
      v.risk ? term('Known risk', risk(v)) : null),
    h('section', { class: 'location', 'aria-label': 'Location' },
      h('h4', {}, 'Location'),
      c ? [
        h('p', { class: 'address' }, formatAddress(c.address)),
        c.coordinates ? h('p', {}, `Position shared: ${c.coordinates.latitude.toFixed(5)}, ${c.coordinates.longitude.toFixed(5)} (±${Math.round(c.coordinates.accuracyMeters)} m)`) : null,
        c.callbackPhone ? h('p', {}, 'Call back: ', h('a', { href: `tel:${c.callbackPhone.replace(/[^+0-9]/g, '')}` }, c.callbackPhone)) : null,
        h('p', {}, c.privateSetting ? 'In a private setting' : 'Not in a private setting'),
        h('p', { class: 'hint' }, `Confirmed ${dateTime(c.at)}`),
      ] : h('p', {}, 'No location confirmed for this session.')),
    h('section', { class: 'contacts', 'aria-label': 'Emergency contacts' },
      h('h4', {}, 'Emergency contacts'),
      v.emergencyContacts?.length ? h('ul', {}, v.emergencyContacts.map((e) => h('li', {},
        `${e.name} (${e.relation}) `, h('a', { href: `tel:${e.phone.replace(/[^+0-9]/g, '')}` }, e.phone),
        e.consentToContact ? '' : ' — no consent to contact'))) : h('p', {}, 'None on file.')),
    plan(v.safetyPlan),
    this.controls(v, mine),
    v.actions?.length ? h('section', { 'aria-label': 'Actions taken' }, h('h4', {}, 'Actions taken'),
      h('ul', {}, v.actions.map((a) => h('li', {}, `${words(a.type)} — ${nameOf(a.by, this.me)}, ${time(a.at)}`, a.note ? `: ${a.note}` : '')))) : null,
    v.history?.length ? h('details', { class: 'history' }, h('summary', {}, 'History'),
      h('ol', {}, v.history.map((e) => h('li', {}, `${time(e.at)} ${words(e.event)}${e.by ? ` — ${nameOf(e.by, this.me)}` : ''}`)))) : null,
    h('p', { class: 'error', role: 'alert', dataset: { role: 'error' } }));
  }

  controls(v, mine) {
    const run = (fn) => async (event) => {
      const card = event.target.closest('.alert-card');
      const err = card.querySelector('[data-role="error"]');
      err.textContent = '';
      try {
        await fn(card);
      } catch (e) {
        err.textContent = explain(e);
      }
    };
    const id = v.id;
    const box = h('div', { class: 'alert-actions' });
    if (v.state === 'raised') {
      box.append(h('button', { type: 'button', class: 'primary', dataset: { key: 'ack' },
        onclick: run(() => this.haven.acknowledgeAlert(id)) }, `Acknowledge — I'll take it`));
    } else if (v.state === 'acknowledged' && mine(v.acknowledgedBy)) {
      box.append(h('button', { type: 'button', class: 'primary', dataset: { key: 'engage' },
        onclick: run(() => this.haven.engageAlert(id)) }, `I've reached them (engage)`));
    }
    const engagedByMe = (v.state === 'engaged' || v.state === 'emergency_dispatched') && mine(v.engagedBy);
    if (v.room && (mine(v.acknowledgedBy) || engagedByMe)) {
      box.append(h('button', { type: 'button', dataset: { key: 'breakout' },
        onclick: run(() => this.haven.startBreakout(v.room, v.client, { alert: id })) }, 'Move to a private breakout'));
      box.append(h('button', { type: 'button', dataset: { key: 'pause' }, onclick: run(async () => {
        await this.haven.pause(v.room);
        await this.haven.recordAction(id, 'paused_group');
      }) }, 'Pause the group'));
    }
    if (engagedByMe) {
      const actionId = `alert-action-${id}`;
      const noteId = `alert-note-${id}`;
      const outcomeId = `alert-outcome-${id}`;
      const resolveNoteId = `alert-resolve-note-${id}`;
      box.append(
        h('div', { class: 'row' },
          h('div', { class: 'field' }, h('label', { for: actionId }, 'Action'),
            h('select', { id: actionId, dataset: { key: 'action' } }, ACTIONS.map((a) => h('option', { value: a }, words(a))))),
          h('div', { class: 'field' }, h('label', { for: noteId }, 'Note (optional)'),
            h('input', { id: noteId, dataset: { key: 'action-note' }, maxlength: '2000' }))),
        h('button', { type: 'button', dataset: { key: 'record' }, onclick: run(async (card) => {
          const action = card.querySelector('[data-key="action"]').value;
          const note = card.querySelector('[data-key="action-note"]').value.trim();
          const r = await this.haven.recordAction(id, action, { note, key: action === 'note' || action === 'grounding_exercise' ? `${action}-${Date.now()}` : undefined });
          if (!r.recorded) throw new Error(`Already recorded by ${nameOf(r.by, this.me)}.`);
          card.querySelector('[data-key="action-note"]').value = '';
        }) }, 'Record action'),
        h('div', { class: 'row' },
          h('div', { class: 'field' }, h('label', { for: outcomeId }, 'Outcome'),
            h('select', { id: outcomeId, dataset: { key: 'outcome' } }, OUTCOMES.map((o) => h('option', { value: o }, words(o))))),
          h('div', { class: 'field' }, h('label', { for: resolveNoteId }, 'Resolution note (optional)'),
            h('input', { id: resolveNoteId, dataset: { key: 'resolve-note' }, maxlength: '2000' }))),
        h('button', { type: 'button', class: 'primary', dataset: { key: 'resolve' }, onclick: run((card) => this.haven.resolveAlert(id,
          card.querySelector('[data-key="outcome"]').value, card.querySelector('[data-key="resolve-note"]').value.trim())) }, 'Resolve'));
    }
    if (v.state !== 'raised' && !mine(v.acknowledgedBy)) {
      box.append(h('p', { class: 'hint' }, `${nameOf(v.acknowledgedBy, this.me)} has this alert.`));
    }
    return box;
  }

  renderLists() {
    const all = [...this.alerts.values()];
    const due = all.filter((v) => v.state === 'follow_up_due');
    const resolved = all.filter((v) => v.state === 'resolved');
    fill($('followup-list'), due.map((v) => {
      const noteId = `followup-note-${v.id}`;
      const err = h('p', { class: 'error', role: 'alert' });
      const input = h('input', { id: noteId, maxlength: '2000' });
      return h('li', { class: v.id === this.requested ? 'requested' : null, dataset: { alertId: v.id } },
        h('p', {}, `${nameOf(v.client)} — due ${dateTime(v.followUpDueAt)}`),
        h('label', { for: noteId }, 'Follow-up note'), input,
        h('button', { type: 'button', onclick: async () => {
          try {
            await this.haven.followUpAlert(v.id, input.value.trim() || 'followed up');
            this.alerts.set(v.id, { ...v, state: 'closed' });
            this.renderLists();
          } catch (e) {
            err.textContent = explain(e);
          }
        } }, 'Record follow-up and close'), err);
    }));
    show($('no-followups'), due.length === 0);
    fill($('resolved-list'), resolved.map((v) => h('li', { class: v.id === this.requested ? 'requested' : null, dataset: { alertId: v.id } },
      `${nameOf(v.client)} — ${words(v.kind)}, resolved; follow-up ${v.followUpDueAt ? `due ${dateTime(v.followUpDueAt)}` : 'to be scheduled'}`)));
  }
}

function title(v) {
  const who = v.clientName || v.client || 'A client';
  switch (v.source) {
    case 'help_button': return `${who} pressed help`;
    case 'clinician_flag': return `${who}: distress flagged`;
    case 'check_in_missing': return `${who}: no check-in`;
    case 'check_in_declined': return `${who}: declined check-in`;
    case 'coverage': return `No facilitator in ${v.room || 'a session'}`;
    case 'external': return `${who}: raised by the program's systems`;
    default: return `${who} needs attention`;
  }
}

/** "12 Elm Street, Apt 3, Springfield, IL 62701, US" */
export function formatAddress(a) {
  if (!a) return '';
  return [a.street, a.unit, a.city, [a.region, a.postalCode].filter(Boolean).join(' '), a.country].filter(Boolean).join(', ');
}

function term(name, value) {
  return [h('dt', {}, name), h('dd', {}, value)];
}

const RISK_SOURCES = { c_ssrs: 'C-SSRS', asq: 'ASQ', clinical_judgement: 'clinical judgement', ehr: 'EHR', other: 'other' };

/** "High (C-SSRS, 3 Dec 2026); pressed moderate, raised to high": the client's risk and what it did to the press. */
function risk(v) {
  const r = v.risk;
  const about = [RISK_SOURCES[r.source], r.assessedAt ? `assessed ${dateTime(r.assessedAt)}` : null].filter(Boolean);
  const floor = (v.history || []).find((e) => e.event === 'risk_floor');
  const pressed = floor?.detail?.split(' -> ')[0];
  return `${words(r.level)}${about.length ? ` (${about.join(', ')})` : ''}${pressed ? `; pressed ${pressed}, raised to ${v.severity}` : ''}`;
}

function plan(p) {
  const sections = [['warningSigns', 'Warning signs'], ['copingStrategies', 'Coping strategies'], ['distractions', 'Distractions'],
    ['peopleToAsk', 'People to ask'], ['professionals', 'Professionals'], ['safeEnvironment', 'Making the environment safe']];
  const filled = p ? sections.filter(([k]) => p[k]?.length) : [];
  return h('details', { class: 'plan', open: true },
    h('summary', {}, 'Safety plan'),
    filled.length ? filled.map(([k, label]) => [h('h5', {}, label), h('ul', {}, p[k].map((e) => h('li', {}, e)))])
      : h('p', {}, 'No safety plan on file.'));
}
