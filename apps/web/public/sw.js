/*
 * Parley's service worker.
 *
 * App shell offline: the build (vite.config.ts, sw-precache-plugin.ts) writes the list
 * of built files and a version into BUILD below; they are cached at install, under a
 * cache named after the version, and older versions' caches are deleted at activate.
 * Navigations go to the network first (a fresh index.html with the server's headers) and
 * fall back to the cached index.html when the network fails or is slow; the built files
 * come from the cache. Nothing else is cached: /api/*, /ws, attachments (downloads
 * carry a token or a signature) and anything not in the list always go to the network.
 * Without a list (the dev server) it caches nothing.
 *
 * Updates: a new version activates at once (skipWaiting + clients.claim); open pages keep
 * the files they loaded, and the next load uses the new shell.
 *
 * Web Push: shows a notification for a push sent while none of the user's devices is
 * online (payload: PushPayloadSchema in packages/protocol/src/notifications.ts); a click
 * brings an open window to the conversation (postMessage, so the app navigates in place)
 * or opens one there.
 */
const BUILD = /*__PARLEY_BUILD__*/ null;
const CACHE_PREFIX = 'parley-shell-';
const SHELL = '/index.html';
/** A navigation whose network answer takes longer than this is served the cached shell. */
const NAVIGATION_TIMEOUT_MS = 4000;

function cacheName() {
  return BUILD ? CACHE_PREFIX + BUILD.version : null;
}

/** Whether a request is one of the built files (same origin, GET, in the list). */
function isPrecached(url, origin, files) {
  const u = new URL(url);
  return u.origin === origin && files.includes(u.pathname);
}

/**
 * What a click on a notification should do, given the open windows: bring one of ours
 * (the focused one, else the first) to the URL, or open a new window there.
 */
function notificationTarget(windows, url, origin) {
  const ours = windows.filter((w) => new URL(w.url).origin === origin);
  const client = ours.find((w) => w.focused) || ours[0];
  return client ? { action: 'message', client, url } : { action: 'open', url };
}

self.addEventListener('install', (event) => {
  const name = cacheName();
  if (!name) return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(name);
      // `cache: 'reload'` skips the HTTP cache, so a new version never precaches an old file.
      await cache.addAll(BUILD.files.map((f) => new Request(f, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  const name = cacheName();
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith(CACHE_PREFIX) && key !== name) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

async function navigationResponse(request, name) {
  const cached = caches.open(name).then((c) => c.match(SHELL));
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve(null), NAVIGATION_TIMEOUT_MS);
  });
  try {
    const network = fetch(request).then((res) => (res.ok ? res : null), () => null);
    const first = await Promise.race([network, late]);
    if (first) return first;
    const shell = await cached;
    if (shell) return shell;
    // No shell cached (yet): wait for whatever the network says.
    return (await network) || Response.error();
  } finally {
    clearTimeout(timer);
  }
}

self.addEventListener('fetch', (event) => {
  const name = cacheName();
  const request = event.request;
  if (!name || request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/') || url.pathname === '/ws') return;
  if (request.mode === 'navigate') {
    event.respondWith(navigationResponse(request, name));
    return;
  }
  if (isPrecached(request.url, self.location.origin, BUILD.files)) {
    event.respondWith(caches.open(name).then((c) => c.match(url.pathname)).then((hit) => hit || fetch(request)));
  }
});

self.addEventListener('push', (event) => {
  let data = null;
  try {
    data = event.data ? event.data.json() : null;
  } catch {
    data = null;
  }
  if (!data || data.type !== 'message') return;
  const title = data.conversationTitle ? `${data.senderName} in ${data.conversationTitle}` : data.senderName || 'Parley';
  event.waitUntil(
    self.registration.showNotification(data.mention ? `${title} mentioned you` : title, {
      body: data.preview || 'New message',
      tag: data.conversationId,
      renotify: true,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      data: { url: `/c/${encodeURIComponent(data.conversationId)}?m=${encodeURIComponent(data.messageId)}` },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/';
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const target = notificationTarget(windows, url, self.location.origin);
      if (target.action === 'open') {
        await self.clients.openWindow(target.url);
        return;
      }
      await target.client.focus();
      // The app navigates in place (its router); a reload would lose what it holds.
      target.client.postMessage({ type: 'parley:navigate', url: target.url });
    })(),
  );
});
