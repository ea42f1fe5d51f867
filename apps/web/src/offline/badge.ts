/**
 * The installed app's badge: the number of unread messages across conversations (not
 * archived ones), through the Badging API where the platform has it (installed PWAs on
 * desktop Chrome / Edge, iOS home-screen apps); elsewhere nothing happens.
 */
import type { ChatState, ChatStore } from '../state/chat-store';

interface BadgingNavigator {
  setAppBadge?: (count?: number) => Promise<void>;
  clearAppBadge?: () => Promise<void>;
}

export function unreadTotal(state: Pick<ChatState, 'conversations'>): number {
  let total = 0;
  for (const c of Object.values(state.conversations)) if (!c.me.archived) total += c.unreadCount;
  return total;
}

/** Sets the badge to `count` (clears it at 0); false where the platform has no badge. */
export function showBadge(count: number, nav: BadgingNavigator = navigator as BadgingNavigator): boolean {
  if (typeof nav.setAppBadge !== 'function' || typeof nav.clearAppBadge !== 'function') return false;
  // A refusal (no permission, not installed) only means no badge.
  const done = count > 0 ? nav.setAppBadge(count) : nav.clearAppBadge();
  void done?.catch(() => {});
  return true;
}

/** Keeps the badge equal to the store's unread total (cleared when the session ends). Returns a function that stops it. */
export function syncBadge(store: ChatStore): () => void {
  let shown = -1;
  const update = () => {
    const s = store.getState();
    const count = store.client.user && s.me ? unreadTotal(s) : 0;
    if (count === shown) return;
    shown = count;
    showBadge(count);
  };
  update();
  const offStore = store.subscribe(update);
  // The store keeps its last state after a logout; the badge must not.
  const offSession = store.client.on('sessionEnded', update);
  return () => {
    offStore();
    offSession();
  };
}
