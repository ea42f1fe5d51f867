/**
 * Registers the service worker (public/sw.js: the app shell offline, Web Push) and
 * follows what it asks: a notification click on an open window navigates it in place
 * (no reload, the app's state stays).
 *
 * Updates: the worker activates as soon as a new version is installed (skipWaiting +
 * clients.claim) and the new shell is used from the next load on; the open page is never
 * reloaded under the user (no lost drafts). The page runs on the files it already loaded.
 */
import { navigate } from '../state/router';

export const SW_URL = '/sw.js';
/** What sw.js posts to a window when a notification is clicked (see notificationTarget in sw.js). */
export const NAVIGATE_MESSAGE = 'parley:navigate';

/** Whether a message from the worker asks this page to go to a same-origin URL; the path to go to, else null. */
export function navigationFrom(data: unknown, origin: string): string | null {
  const d = data as { type?: unknown; url?: unknown } | null;
  if (!d || d.type !== NAVIGATE_MESSAGE || typeof d.url !== 'string') return null;
  try {
    const u = new URL(d.url, origin);
    return u.origin === origin ? u.pathname + u.search : null;
  } catch {
    return null;
  }
}

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent) => {
    const to = navigationFrom(e.data, location.origin);
    if (to) {
      navigate(to);
      window.focus();
    }
  });
  // Messages wait in a queue until the page says it listens.
  navigator.serviceWorker.startMessages();
  const register = () => navigator.serviceWorker.register(SW_URL).catch(() => {
    // Blocked (private mode, a policy): the app works online as before.
  });
  if (document.readyState === 'complete') void register();
  else window.addEventListener('load', () => void register(), { once: true });
}
