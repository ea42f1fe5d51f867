/**
 * UI state that is not server state: toasts (with an optional Undo), text handed to a
 * composer (a failed message taken back to edit), and which overlays are open. A tiny
 * external store read with useSyncExternalStore, like the chat store.
 */
import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  text: string;
  /** Label and action of the button, e.g. Undo. */
  action?: { label: string; run: () => void };
}

interface UiState {
  toasts: readonly Toast[];
  /** conversation → text to put in its composer (taken once). */
  drafts: Readonly<Record<string, string>>;
  shortcutsOpen: boolean;
  switcherOpen: boolean;
  /** conversation → the message being edited in place. */
  editing: Readonly<Record<string, string>>;
  /** Set while erasing my account, so the session's end reads "account deleted". */
  erasing: boolean;
}

/** A toast stays this long unless closed (long enough to reach its Undo). */
const TOAST_MS = 8000;

export class UiStore {
  private state: UiState = { toasts: [], drafts: {}, shortcutsOpen: false, switcherOpen: false, erasing: false, editing: {} };
  private readonly listeners = new Set<() => void>();
  private nextId = 1;

  readonly getState = (): UiState => this.state;
  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  private set(patch: Partial<UiState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  toast(text: string, action?: Toast['action']): void {
    const id = this.nextId++;
    this.set({ toasts: [...this.state.toasts, { id, text, ...(action ? { action } : {}) }].slice(-3) });
    setTimeout(() => this.dismiss(id), TOAST_MS);
  }

  dismiss(id: number): void {
    if (this.state.toasts.some((t) => t.id === id)) this.set({ toasts: this.state.toasts.filter((t) => t.id !== id) });
  }

  putDraft(conversationId: string, text: string): void {
    this.set({ drafts: { ...this.state.drafts, [conversationId]: text } });
  }

  takeDraft(conversationId: string): string | undefined {
    const text = this.state.drafts[conversationId];
    if (text !== undefined) {
      const rest = { ...this.state.drafts };
      delete rest[conversationId];
      this.set({ drafts: rest });
    }
    return text;
  }

  setShortcutsOpen(open: boolean): void {
    this.set({ shortcutsOpen: open });
  }

  setEditing(conversationId: string, messageId: string | null): void {
    const editing = { ...this.state.editing };
    if (messageId) editing[conversationId] = messageId;
    else delete editing[conversationId];
    this.set({ editing });
  }

  setErasing(erasing: boolean): void {
    this.set({ erasing });
  }

  setSwitcherOpen(open: boolean): void {
    this.set({ switcherOpen: open });
  }
}

export function useUi<T>(ui: UiStore, select: (s: UiState) => T): T {
  return useSyncExternalStore(ui.subscribe, () => select(ui.getState()));
}
