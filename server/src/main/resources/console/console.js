// The Haven console: sign in (the dev sign-in mints a demo token in dev mode; otherwise a token from
// the organisation), connect with haven-client.js, create this device's keys for the private chat
// (haven-crypto.js), and open the view of the signed-in role.
//
// Nothing here logs: messages carry health data, and guarantee 6 (no health data in logs) holds in
// the browser's console too.

import { HavenClient, HavenError, devToken } from './haven-client.js';
import { generateDeviceKeys, preferredSuite, toHex } from './haven-crypto.js';
import { $, fill, show, focus, unlockSound, announce } from './ui.js';
import { startClientView } from './client-view.js';
import { startClinicianView } from './clinician-view.js';
import { takeRequestedAlert, onPageClicked } from './paging.js';

const CLOSE_REASONS = {
  4003: 'Your sign-in was refused. Please sign in again.',
  4004: 'Your sign-in expired. Please sign in again.',
  4006: 'Your access was withdrawn by an administrator.',
  4011: 'You are signed in from too many places at once. Close another window and reload.',
  4012: 'Your organisation signed you out of this session. Sign in again to continue.',
  4005: 'This console is too old for the server. Please reload.',
};

function fields() {
  const f = $('signin-form').elements;
  return {
    name: f.name.value.trim(),
    sub: f.sub.value.trim(),
    role: f.role.value,
    org: f.org.value.trim(),
    rooms: f.rooms.value.split(',').map((s) => s.trim()).filter(Boolean),
  };
}

function validate(d) {
  const id = /^[A-Za-z0-9._~-]{1,64}$/;
  if (!d.name) return ['name', 'Please enter your name.'];
  if (!id.test(d.sub)) return ['sub', 'User id: 1 to 64 letters, digits, dots, dashes or underscores.'];
  if (!id.test(d.org)) return ['org', 'Organisation: letters, digits, dots, dashes or underscores.'];
  if (!d.rooms.every((r) => id.test(r))) return ['rooms', 'Sessions: ids separated by commas.'];
  return null;
}

// A clicked page (haven-sw.js) asks for one alert: by the address of a new window, or by a message
// to this one; before sign-in it waits, and the alert panel shows it once listed.
let pagedAlert = takeRequestedAlert();
let clinicianView = null;
onPageClicked((id) => {
  if (clinicianView) clinicianView.alerts.reveal(id);
  else pagedAlert = id;
});

async function signInWithDevToken(event) {
  event.preventDefault();
  unlockSound(); // inside the click: browsers allow sound later only after a gesture
  const error = $('signin-error');
  error.textContent = '';
  const d = fields();
  const problem = validate(d);
  if (problem) {
    error.textContent = problem[1];
    $('signin-form').elements[problem[0]].focus();
    return;
  }
  try {
    const minted = await devToken(d);
    await start(minted.token, async () => (await devToken(d)).token);
  } catch (e) {
    error.textContent = e instanceof HavenError && e.code === 'dev_sign_in_unavailable' ? e.message
      : `Could not sign in: ${e.message || e}`;
  }
}

async function signInWithToken() {
  unlockSound();
  const error = $('signin-error');
  error.textContent = '';
  const token = $('signin-token').value.trim();
  if (!token) {
    error.textContent = 'Paste the token you were given.';
    $('signin-token').focus();
    return;
  }
  try {
    await start(token, null);
  } catch (e) {
    error.textContent = `Could not sign in: ${e.message || e}`;
  }
}

async function start(token, tokenProvider) {
  $('signin-submit').disabled = true;
  try {
    const keys = await generateDeviceKeys(`web-${toHex(crypto.getRandomValues(new Uint8Array(6)))}`, await preferredSuite(), 20);
    const haven = new HavenClient('/ws', { token, tokenProvider, device: keys.device });
    haven.on('state', ({ state, code }) => showConnection(state, code));
    let welcome;
    try {
      welcome = await haven.connect();
    } catch (e) {
      throw new Error(CLOSE_REASONS[e.closeCode] || (e.code === 'disconnected' ? 'the server could not be reached.' : e.message));
    }
    if (welcome.role !== 'support') await haven.publishKeys(keys.publishRequest());
    show($('signin-view'), false);
    fill($('who'), `${welcome.name || welcome.user} · ${{ client: 'client', clinician: 'therapist', supervisor: 'supervisor', support: 'support person' }[welcome.role]}`);
    show($('who'), true);
    show($('sign-out'), true);
    $('sign-out').addEventListener('click', () => {
      haven.close();
      location.reload();
    });
    if (welcome.role === 'clinician' || welcome.role === 'supervisor') {
      clinicianView = startClinicianView({ haven, welcome, keys, pagedAlert });
      focus($('clinician-heading'));
    } else {
      startClientView({ haven, welcome, keys });
    }
    announce(`Signed in as ${welcome.name || welcome.user}`);
  } finally {
    $('signin-submit').disabled = false;
  }
}

function showConnection(state, code) {
  const el = $('connection');
  const text = {
    connecting: 'Connecting…',
    open: 'Connected',
    reconnecting: 'Connection lost — reconnecting…',
    closed: CLOSE_REASONS[code] || 'Disconnected. Reload the page to connect again.',
  }[state] || '';
  el.textContent = text;
  el.dataset.state = state;
}

$('signin-form').addEventListener('submit', signInWithDevToken);
$('token-submit').addEventListener('click', signInWithToken);
focus($('signin-heading'));
