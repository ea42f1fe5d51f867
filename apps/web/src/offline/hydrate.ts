/**
 * Between the SDK's offline cache and the store: at start, the cached copy becomes the
 * store's first state (the app opens with its list and last messages, even with no
 * network); while it runs, what the store shows is saved back, with the SDK's cursors.
 */
import type { CachedConversation, ParleyClient, SavedView } from '@parley/client';
import type { Conversation } from '@parley/protocol';
import type { ChatState, ChatStore } from '../state/chat-store';
import type { MessageWindow } from '../state/conversation-events';
import type { Notice } from '../state/notices';

/** The store's windows from cached rows: only conversations with messages get one (an empty one would hide the "load history" step). */
export function windowsFromCache(rows: readonly CachedConversation[]): Record<string, MessageWindow> {
  const windows: Record<string, MessageWindow> = {};
  for (const r of rows) {
    if (r.messages.length === 0) continue;
    const notices = Array.isArray(r.extra) ? (r.extra as Notice[]) : [];
    windows[r.id] = { messages: r.messages, notices, hasOlder: r.hasOlder, loading: false, loadingOlder: false };
  }
  return windows;
}

export async function hydrateFromCache(store: ChatStore): Promise<void> {
  let rows: CachedConversation[];
  try {
    rows = await store.client.cache.snapshot();
  } catch {
    return; // no cache: the app loads from the server as before
  }
  const conversations: Conversation[] = rows.map((r) => r.conversation);
  store.hydrate(conversations, windowsFromCache(rows));
}

/**
 * What to save from the store's state: every conversation, with its loaded window.
 * The window's arrays are passed as they are (not copied), so the cache can tell by
 * reference what did not change since the last save.
 */
export function viewsOf(state: ChatState): SavedView[] {
  return Object.values(state.conversations).map((conversation) => {
    const w = state.windows[conversation.id];
    if (!w || w.loading) return { conversation };
    return { conversation, messages: w.messages, hasOlder: w.hasOlder, extra: w.notices };
  });
}

/** Saves this long after the last change (a burst of events costs one write). */
const SAVE_DELAY_MS = 500;

/**
 * Keeps the cache in step with the store while a user is logged in. Saves only a
 * settled state (see ChatStore.settled), after changes settle, and at once when the
 * page is hidden (it may be closed next). Returns a function that stops it.
 */
export function persistStore(client: ParleyClient, store: ChatStore): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last: ChatState | null = null;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const state = store.getState();
    if (!state.me || !client.user || state.me.id !== client.user.id || state.listState !== 'loaded' || !store.settled) return;
    if (last && last.conversations === state.conversations && last.windows === state.windows) return;
    last = state;
    void client.cache.save(viewsOf(state));
  };
  const unsubscribe = store.subscribe(() => {
    if (!timer) timer = setTimeout(save, SAVE_DELAY_MS);
  });
  const onHide = () => {
    if (document.visibilityState === 'hidden') save();
  };
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', save);
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    document.removeEventListener('visibilitychange', onHide);
    window.removeEventListener('pagehide', save);
  };
}
