// Small DOM helpers shared by the console's views. Text always goes in through textContent, never as
// HTML, so nothing a user typed can become markup.

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/**
 * Creates an element: h('button', {type: 'button', class: 'x', onclick: f, dataset: {id: 1}}, 'Text', child).
 * Attributes named on* become listeners; strings become text nodes; null/false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  for (const c of children.flat(Infinity)) {
    if (c != null && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Shows or hides an element (the hidden attribute). */
export function show(el, visible) {
  el.hidden = !visible;
}

/** Says `text` to screen readers: politely, or at once for alerts. */
export function announce(text, assertive = false) {
  const region = $(assertive ? 'announce-assertive' : 'announce-polite');
  // Clearing first makes the same text be announced again.
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 30);
}

/** Moves focus to `el` (making it focusable if it is not). */
export function focus(el) {
  if (!el) return;
  if (!el.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) el.setAttribute('tabindex', '-1');
  el.focus();
}

/** Local time of an ISO instant, e.g. "14:05". */
export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Local date and time of an ISO instant. */
export function dateTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

/** "suicidal_ideation" -> "Suicidal ideation". */
export function words(code) {
  if (!code) return '';
  const s = String(code).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A human message for a refused request. */
export function explain(error) {
  const messages = {
    forbidden: 'You are not allowed to do that.',
    not_a_member: 'You are not in that room.',
    check_in_required: 'Please confirm where you are first.',
    session_paused: 'The session is paused; your message was not sent.',
    session_ended: 'The session has ended.',
    rate_limited: 'Too fast: please wait a moment and try again.',
    too_large: 'That is too long.',
    illegal_transition: 'Someone else already did that, or it is not possible now.',
    not_found: 'Not found (or no longer visible to you).',
    disconnected: 'Not connected right now: trying again…',
    timeout: 'No answer from the server in time.',
    invalid_message: 'Please check the form: something is missing or not valid.',
    limit_reached: 'A limit was reached.',
    push_not_configured: 'This Haven server does not send notifications.',
    push_endpoint_not_allowed: 'This browser\'s push service is not one this Haven server sends to. Please ask your administrator, or use another browser.',
  };
  return messages[error?.code] || error?.message || 'Something went wrong.';
}

let audio = null;

/** Prepares sound; call from a user gesture (the sign-in click) so browsers allow it later. */
export function unlockSound() {
  try {
    const Ctx = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!audio && Ctx) audio = new Ctx();
    if (audio && audio.state === 'suspended') audio.resume();
  } catch {
    audio = null;
  }
}

/** A short, distinct two-tone chime, three times (WebAudio, no file). Returns whether it played. */
export function chime() {
  if (!audio) return false;
  const now = audio.currentTime;
  for (let i = 0; i < 3; i++) {
    for (const [j, freq] of [[0, 880], [1, 660]].values()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      const start = now + i * 0.6 + j * 0.18;
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(start);
      osc.stop(start + 0.17);
    }
  }
  return true;
}

/** Names of users seen so far (user id -> display name); ids are never shown when a name is known. */
export const names = new Map();

/** Remembers the names in members, chat messages and alerts. */
export function learnName(user, name) {
  if (user && name) names.set(user, name);
}

/** The display name of `user`, or "you". */
export function nameOf(user, me) {
  if (user && user === me) return 'you';
  return names.get(user) || user || 'someone';
}
