/*
 * Parley's service worker: shows a notification for a Web Push sent by the server while
 * none of the user's devices is online (payload: see PushPayloadSchema in
 * packages/protocol/src/notifications.ts), and opens the conversation when clicked.
 * It caches nothing.
 */
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
      icon: '/favicon.svg',
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
      for (const w of windows) {
        if (new URL(w.url).origin === self.location.origin && 'focus' in w) {
          await w.focus();
          if ('navigate' in w) await w.navigate(url);
          return;
        }
      }
      await self.clients.openWindow(url);
    })(),
  );
});
