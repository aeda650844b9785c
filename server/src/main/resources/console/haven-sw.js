// The console's service worker (scope /console/): shows Haven's pages as notifications and brings
// the clinician to the alert when they click one. A classic script, not a module, so that every
// browser with Web Push can run it.
//
// A page is the JSON text {"alert", "severity", "title", "body", "url"} of docs/protocol.md, "Paging
// (Web Push)": an opaque alert id and fixed words, never health data. Nothing here adds any: no
// client, no room, no location reaches the push service or a locked screen. Nothing here logs.

const SCOPE = new URL(self.registration.scope);
const FALLBACK = { title: 'Haven', body: 'Someone may need you. Open Haven to see.' };
const TAG = 'haven-page'; // one notification for pages that cannot be read, replaced by the next

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => event.waitUntil(showPage(event.data)));

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openAlert(event.notification.data));
});

// The browser renewed the subscription (its push service asked it to): subscribe again with the same
// key. Nothing can reach the node from here (no token, no connection); the console sends the new
// subscription with push.subscribe the next time it connects, since the node still lists this device.
self.addEventListener('pushsubscriptionchange', (event) => {
  const key = event.oldSubscription?.options?.applicationServerKey;
  if (!key) return;
  event.waitUntil(self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
    .catch(() => {})); // without a subscription the node drops this device at its next page (410)
});

/** Reads a page; any part it cannot read becomes the generic words (a page is always shown). */
function readPage(data) {
  let page = {};
  try {
    page = data ? data.json() : {};
  } catch {
    page = {};
  }
  const text = (value, max) => (typeof value === 'string' && value.trim() && value.length <= max ? value : null);
  const alert = text(page?.alert, 128);
  return {
    alert,
    title: text(page?.title, 100) || FALLBACK.title,
    body: text(page?.body, 300) || FALLBACK.body,
    url: consoleUrl(page?.url, alert),
  };
}

/** Shows a page; the same alert paged again replaces its notification and alerts again. */
function showPage(data) {
  const page = readPage(data);
  return self.registration.showNotification(page.title, {
    body: page.body,
    tag: page.alert || TAG,
    renotify: true,
    requireInteraction: true,
    data: { alert: page.alert, url: page.url },
  });
}

/**
 * Where a click may lead: `url` when it is a page of this console (same origin, under the scope), else
 * the console itself (asking for `alert` when there is one). Never anywhere else.
 */
function consoleUrl(url, alert) {
  if (typeof url === 'string') {
    try {
      const target = new URL(url, SCOPE);
      if (target.origin === SCOPE.origin && target.pathname.startsWith(SCOPE.pathname)) return target.href;
    } catch {
      // not a URL: the console instead
    }
  }
  const home = new URL(SCOPE);
  if (alert) home.searchParams.set('alert', alert);
  return home.href;
}

/**
 * Brings the clinician to the alert: an open console window is told which alert (it shows that one)
 * and focused; without one, the page's console URL opens.
 */
async function openAlert(data) {
  const alert = typeof data?.alert === 'string' ? data.alert : null;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((w) => new URL(w.url).pathname.startsWith(SCOPE.pathname));
  if (open) {
    if (alert) open.postMessage({ type: 'haven.alert', alert });
    await open.focus().catch(() => {}); // allowed only inside the click; the message is there anyway
    return;
  }
  await self.clients.openWindow(consoleUrl(data?.url, alert)).catch(() => {});
}
