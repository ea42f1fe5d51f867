/** Hands the client and the store to components without module-level singletons. */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ParleyClient } from '@parley/client';
import type { Presence } from '@parley/protocol';
import type { ChatState, ChatStore } from './chat-store';
import { useUi as useUiOf, type UiStore } from './ui';

export interface AppServices {
  client: ParleyClient;
  store: ChatStore;
  ui: UiStore;
}

export const AppContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const s = useContext(AppContext);
  if (!s) throw new Error('AppContext missing');
  return s;
}

export function useStore(): ChatStore {
  return useServices().store;
}

/** Subscribes to one slice of the state; the selector must return state it already holds (no new objects). */
export function useChat<T>(select: (s: ChatState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

/** A user's presence, or nothing while I am offline myself (what I hold may be stale). */
export function usePresence(userId: string | undefined): Presence | undefined {
  return useChat((s) => (userId && s.status === 'online' ? s.presence[userId] : undefined));
}

/** One slice of the UI state (toasts, drafts, open overlays). */
export function useUiState<T>(select: Parameters<typeof useUiOf<T>>[1]): T {
  return useUiOf(useServices().ui, select);
}
