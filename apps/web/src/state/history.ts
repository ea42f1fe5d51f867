/**
 * Loading a conversation's history into its window: the newest page, older pages, and
 * the page around a search hit, each with its timeline notices (membership and title
 * changes from the events route over the page's seq range).
 */
import type { ParleyClient } from '@parley/client';
import { LIMITS, type ConversationEvent, type ConversationId } from '@parley/protocol';
import { emptyWindow, mergeMessages, type MessageWindow } from './conversation-events';
import { withNotices, type ChatState } from './chat-state';
import { isNoticeEvent } from './notices';

const HISTORY_PAGE = 50;
/** Event pages read for one history page's notices (LIMITS.syncEventsMax each): 10,000 events. */
const NOTICE_PAGES_MAX = 20;

export interface StoreAccess {
  client: ParleyClient;
  get(): ChatState;
  set(patch: Partial<ChatState>): void;
}

export class History {
  constructor(private readonly s: StoreAccess) {}

  private patchWindow(id: string, fn: (w: MessageWindow) => MessageWindow): void {
    const w = this.s.get().windows[id];
    if (w) this.s.set({ windows: { ...this.s.get().windows, [id]: fn(w) } });
  }

  /** The newest page, once per conversation (a window already there is kept). */
  async open(id: string): Promise<void> {
    if (this.s.get().windows[id]) return;
    this.s.set({ windows: { ...this.s.get().windows, [id]: emptyWindow() } });
    try {
      const res = await this.s.client.request('history', { params: { id: id as ConversationId }, query: { limit: HISTORY_PAGE } });
      // The newest page reaches to now: its notices are everything from its oldest message on.
      const events = await this.noticeEvents(id, res.hasMore ? (res.messages[0]?.seq ?? 1) : 1, null);
      this.patchWindow(id, (w) => ({ ...withNotices(w, events, this.s.get().conversations[id]), messages: mergeMessages(w.messages, res.messages), hasOlder: res.hasMore, loading: false }));
    } catch {
      // Offline: drop the empty window so the next open (or reconnect) loads it.
      const windows = { ...this.s.get().windows };
      delete windows[id];
      this.s.set({ windows });
    }
  }

  /**
   * Loads a conversation at an older message (a search hit): a little context before it
   * (`before`), then everything from it to the newest (`after`, page by page), so the
   * window stays contiguous up to the newest message as MessageWindow requires.
   */
  async openAt(id: string, seq: number): Promise<void> {
    const loaded = this.s.get().windows[id];
    if (loaded && !loaded.loading && (loaded.messages[0]?.seq ?? Infinity) <= seq) return;
    const params = { id: id as ConversationId };
    const before = await this.s.client.request('history', { params, query: { before: Math.max(1, seq), limit: 10 } });
    let messages = before.messages;
    for (let after = Math.max(0, seq - 1), more = true; more; ) {
      const page = await this.s.client.request('history', { params, query: { after, limit: 200 } });
      messages = mergeMessages(messages, page.messages);
      more = page.hasMore && page.messages.length > 0;
      after = page.messages[page.messages.length - 1]?.seq ?? after;
    }
    const events = await this.noticeEvents(id, before.hasMore ? (messages[0]?.seq ?? seq) : 1, null);
    const s = this.s.get();
    const w = s.windows[id] ?? emptyWindow();
    this.s.set({ windows: { ...s.windows, [id]: { ...withNotices(w, events, s.conversations[id]), messages: mergeMessages(w.messages, messages), hasOlder: before.hasMore, loading: false } } });
  }

  /** Loads the page before the oldest loaded message; true when something was added. */
  async loadOlder(id: string): Promise<boolean> {
    const w = this.s.get().windows[id];
    if (!w || w.loading || w.loadingOlder || !w.hasOlder) return false;
    const before = w.messages[0]?.seq;
    if (before === undefined || before <= 1) {
      this.patchWindow(id, (x) => ({ ...x, hasOlder: false }));
      return false;
    }
    this.patchWindow(id, (x) => ({ ...x, loadingOlder: true }));
    try {
      const res = await this.s.client.request('history', { params: { id: id as ConversationId }, query: { before, limit: HISTORY_PAGE } });
      // Fetched before the page is shown, so the notices do not shift it a second time.
      const events = await this.noticeEvents(id, res.hasMore ? (res.messages[0]?.seq ?? before) : 1, before - 1);
      this.patchWindow(id, (x) => ({ ...withNotices(x, events, this.s.get().conversations[id]), messages: mergeMessages(x.messages, res.messages), hasOlder: res.hasMore, loadingOlder: false }));
      return res.messages.length > 0;
    } catch {
      this.patchWindow(id, (x) => ({ ...x, loadingOlder: false }));
      return false;
    }
  }

  /**
   * The membership and title events with seq in [from, to] (to null: up to now), for the
   * notices of a history page: requests to the events route, page after page (a page
   * holds at most LIMITS.syncEventsMax events of every kind, and edits or deletes can
   * fill it), bounded by NOTICE_PAGES_MAX. A failure costs only the notices not yet
   * fetched (the messages still show).
   */
  private async noticeEvents(id: string, from: number, to: number | null): Promise<ConversationEvent[]> {
    const notices: ConversationEvent[] = [];
    let after = Math.max(0, from - 1);
    try {
      for (let page = 0; page < NOTICE_PAGES_MAX; page++) {
        const limit = Math.min(LIMITS.syncEventsMax, to === null ? LIMITS.syncEventsMax : to - after);
        if (limit < 1) break;
        const res = await this.s.client.request('events', { params: { id: id as ConversationId }, query: { after, limit } });
        notices.push(...res.events.filter((e) => isNoticeEvent(e) && (to === null || e.seq <= to)));
        const last = res.events[res.events.length - 1];
        if (!res.hasMore || !last) break;
        after = last.seq;
      }
    } catch {
      // Keep what arrived.
    }
    return notices;
  }
}
