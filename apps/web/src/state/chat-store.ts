/**
 * The app's state: conversations, loaded messages, receipts, typing, presence and the
 * outbox, kept current by applying the SDK's event stream. Components read it through
 * useChat (useSyncExternalStore) and change it only through the actions here.
 *
 * Consistency: REST snapshots (the conversation list, one conversation, a history page)
 * are merged with the stream by seq. An event at or below a conversation's lastSeq is
 * already in the snapshot and is skipped; events for a conversation being fetched are
 * held and replayed past the fetched lastSeq, so nothing is lost or applied twice.
 */
import type { ClientStatus, OutboxItem, ParleyClient } from '@parley/client';
import { LIMITS, TYPING_TTL_MS, type AttachmentId, type Conversation, type ConversationEvent, type ConversationId, type HistoryVisibility, type Me, type Message, type Presence, type PublicUser, type Receipt, type UserEvent, type UserId } from '@parley/protocol';
import { applyToConversation, applyToWindow, emptyWindow, mergeMessages, type MessageWindow } from './conversation-events';
import { isNoticeEvent, mergeNotices, noticesFrom } from './notices';

export interface ChatState {
  me: Me | null;
  status: ClientStatus;
  listState: 'loading' | 'loaded' | 'error';
  conversations: Readonly<Record<string, Conversation>>;
  windows: Readonly<Record<string, MessageWindow>>;
  /** conversation → user → when the indicator expires. */
  typing: Readonly<Record<string, Readonly<Record<string, number>>>>;
  presence: Readonly<Record<string, Presence>>;
  /** Authors of loaded messages who are no longer members (asked once each with getUser). */
  formerMembers: Readonly<Record<string, PublicUser>>;
  outbox: readonly OutboxItem[];
  /** Per conversation: why the last send was refused (not retryable). */
  sendErrors: Readonly<Record<string, unknown>>;
}

const HISTORY_PAGE = 50;
/** Event pages read for one history page's notices (LIMITS.syncEventsMax each): 10,000 events. */
const NOTICE_PAGES_MAX = 20;
const LIST_PAGE = 200;

export class ChatStore {
  private state: ChatState;
  private readonly listeners = new Set<() => void>();
  private detach: (() => void)[] = [];
  /** Events that arrived before the conversation list: replayed once it is loaded. */
  private early: ConversationEvent[] | null = [];
  /** Conversations being fetched, with the events that arrived meanwhile. */
  private readonly fetching = new Map<string, ConversationEvent[]>();
  private activeId: string | null = null;
  private visible = true;
  private typingTimer: ReturnType<typeof setInterval> | null = null;
  private readonly presenceAsked = new Set<string>();
  private readonly formerAsked = new Set<string>();

  constructor(readonly client: ParleyClient) {
    this.state = initialState(client);
  }

  readonly getState = (): ChatState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  private get me(): UserId {
    return (this.state.me?.id ?? '') as UserId;
  }

  // ---- lifecycle

  /** Called once a session exists (login, register or restored). */
  start(): void {
    this.stop();
    const c = this.client;
    this.early = [];
    this.set({ ...initialState(c), me: c.user, status: c.status, outbox: c.outbox });
    this.detach = [
      c.on('status', (s) => this.onStatus(s)),
      c.on('event', (e) => this.onEvent(e)),
      c.on('receipt', (r) => this.onReceipt(r)),
      c.on('typing', (t) => this.onTyping(t.conversationId, t.userId, t.state)),
      c.on('presence', (p) => this.set({ presence: { ...this.state.presence, [p.userId]: p } })),
      c.on('userEvent', (e) => this.onUserEvent(e)),
      c.on('outbox', (items) => this.set({ outbox: items })),
    ];
    this.typingTimer = setInterval(() => this.expireTyping(), 1000);
    void c.connect().catch(() => {});
    void this.loadList();
  }

  stop(): void {
    for (const d of this.detach) d();
    this.detach = [];
    if (this.typingTimer) clearInterval(this.typingTimer);
    this.typingTimer = null;
    this.fetching.clear();
    this.presenceAsked.clear();
  }

  /** The browser says the network is gone: drop the socket now rather than wait for heartbeats to time out. */
  networkLost(): void {
    if (this.state.me) this.client.disconnect();
  }

  networkBack(): void {
    if (this.state.me) void this.client.connect().catch(() => {});
  }

  setMe(me: Me): void {
    this.set({ me });
  }

  // ---- conversation list

  async loadList(): Promise<void> {
    this.set({ listState: 'loading' });
    try {
      const [active, archived] = await Promise.all([this.fetchAll(false), this.fetchAll(true)]);
      const conversations: Record<string, Conversation> = {};
      for (const c of [...active, ...archived]) conversations[c.id] = c;
      this.set({ conversations, listState: 'loaded' });
      const early = this.early ?? [];
      this.early = null;
      for (const e of early) this.onEvent(e);
      this.askPresenceOfPeers();
      this.markReadIfLooking();
    } catch {
      this.set({ listState: 'error' });
    }
  }

  private async fetchAll(archived: boolean): Promise<Conversation[]> {
    const out: Conversation[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await this.client.request('listConversations', { query: { archived: archived ? 'true' : 'false', limit: LIST_PAGE, ...(cursor ? { cursor } : {}) } });
      out.push(...res.conversations);
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    return out;
  }

  /** Puts a conversation from a REST answer into the state, unless we already hold a newer copy. */
  upsertConversation(c: Conversation): void {
    const old = this.state.conversations[c.id];
    if (old && old.lastSeq > c.lastSeq) return;
    this.set({ conversations: { ...this.state.conversations, [c.id]: old ? { ...c, receiptsVersion: Math.max(c.receiptsVersion, old.receiptsVersion) } : c } });
  }

  async fetchConversation(id: string): Promise<void> {
    if (this.fetching.has(id)) return;
    this.fetching.set(id, []);
    try {
      const { conversation } = await this.client.request('getConversation', { params: { id: id as ConversationId } });
      this.upsertConversation(conversation);
      this.askPresence(conversation);
    } catch {
      // Not a member (any more) or offline: the stream or the next open will tell.
    } finally {
      const held = this.fetching.get(id) ?? [];
      this.fetching.delete(id);
      if (this.state.conversations[id]) for (const e of held) this.onEvent(e);
    }
  }

  // ---- stream

  private onStatus(status: ClientStatus): void {
    this.set({ status });
    if (status !== 'online') return;
    if (this.state.listState === 'error') void this.loadList();
    // Presence pushes sent while I was away are lost: ask again for a fresh picture.
    this.presenceAsked.clear();
    this.set({ presence: {} });
    this.askPresenceOfPeers();
    const active = this.activeId ? this.state.conversations[this.activeId] : undefined;
    if (active) this.askPresence(active);
    this.markReadIfLooking();
  }

  private onEvent(e: ConversationEvent): void {
    if (this.early) {
      this.early.push(e);
      return;
    }
    const held = this.fetching.get(e.conversationId);
    if (held) {
      held.push(e);
      return;
    }
    const c = this.state.conversations[e.conversationId];
    if (!c) {
      // New to me (created, or I was added): the snapshot includes this event.
      void this.fetchConversation(e.conversationId);
      return;
    }
    const looking = this.isLooking(c.id);
    // At or below lastSeq the summary already has it; the window may not (it merges idempotently).
    const next = e.seq <= c.lastSeq ? c : applyToConversation(c, e, this.me, !looking);
    const conversations = { ...this.state.conversations };
    if (next) conversations[c.id] = next;
    else delete conversations[c.id];
    const w = this.state.windows[c.id];
    // Notices are named from the conversation before the event (a removed member is still in it).
    let windows = w && next ? { ...this.state.windows, [c.id]: withNotices(applyToWindow(w, e), [e], c) } : this.state.windows;
    if (!next && w) {
      // Out of the conversation: if I am added back, its history is loaded afresh.
      const rest: Record<string, MessageWindow> = { ...windows };
      delete rest[c.id];
      windows = rest;
    }
    let typing = this.state.typing;
    if (e.type === 'message.created' && typing[c.id]?.[e.message.senderId]) typing = withoutTyping(typing, c.id, e.message.senderId);
    this.set({ conversations, windows, typing });
    if (looking) this.markReadIfLooking();
  }

  private onReceipt(r: Receipt): void {
    const c = this.state.conversations[r.conversationId];
    if (!c) return;
    const members = c.members.map((m) => (m.user.id === r.userId ? { ...m, deliveredSeq: r.deliveredSeq, readSeq: r.readSeq } : m));
    let next: Conversation = { ...c, members, receiptsVersion: Math.max(c.receiptsVersion, r.receiptsVersion) };
    if (r.userId === this.me && r.readSeq !== null) {
      // My read mark moved (maybe on another device): what it covers is no longer unread.
      const caughtUp = r.readSeq >= (c.lastMessage?.seq ?? 0);
      next = { ...next, me: { ...c.me, readSeq: Math.max(c.me.readSeq, r.readSeq), deliveredSeq: Math.max(c.me.deliveredSeq, r.deliveredSeq) }, unreadCount: caughtUp ? 0 : c.unreadCount };
    }
    this.set({ conversations: { ...this.state.conversations, [c.id]: next } });
  }

  private onUserEvent(e: UserEvent): void {
    const c = this.state.conversations[e.conversationId];
    if (!c) {
      if (e.type === 'conversation.unarchived') void this.fetchConversation(e.conversationId);
      return;
    }
    if (e.type === 'message.hidden') this.hideLocally(c, e.messageId);
    else this.set({ conversations: { ...this.state.conversations, [c.id]: { ...c, me: { ...c.me, archived: e.type === 'conversation.archived' } } } });
  }

  private hideLocally(c: Conversation, messageId: string): void {
    const w = this.state.windows[c.id];
    const messages = w ? w.messages.filter((m) => m.id !== messageId) : null;
    const lastMessage = c.lastMessage?.id === messageId ? (messages?.[messages.length - 1] ?? null) : c.lastMessage;
    this.set({
      conversations: { ...this.state.conversations, [c.id]: { ...c, lastMessage } },
      windows: w && messages ? { ...this.state.windows, [c.id]: { ...w, messages } } : this.state.windows,
    });
  }

  // ---- typing and presence

  private onTyping(conversationId: string, userId: string, state: 'start' | 'stop'): void {
    if (userId === this.me) return;
    if (state === 'stop') {
      if (this.state.typing[conversationId]?.[userId]) this.set({ typing: withoutTyping(this.state.typing, conversationId, userId) });
      return;
    }
    const inConv = { ...this.state.typing[conversationId], [userId]: Date.now() + TYPING_TTL_MS };
    this.set({ typing: { ...this.state.typing, [conversationId]: inConv } });
  }

  private expireTyping(): void {
    const now = Date.now();
    let typing = this.state.typing;
    for (const [cid, users] of Object.entries(typing)) for (const [uid, until] of Object.entries(users)) if (until <= now) typing = withoutTyping(typing, cid, uid);
    if (typing !== this.state.typing) this.set({ typing });
  }

  private askPresenceOfPeers(): void {
    const direct = Object.values(this.state.conversations)
      .filter((c) => c.kind === 'direct')
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, 30);
    for (const c of direct) this.askPresence(c);
  }

  /** Presence pushes keep it current afterwards; this asks once for the starting value. */
  askPresence(c: Conversation): void {
    if (c.kind !== 'direct') return;
    const peer = c.members.find((m) => m.user.id !== this.me);
    if (!peer || this.presenceAsked.has(peer.user.id)) return;
    this.presenceAsked.add(peer.user.id);
    this.client.request('getUser', { params: { userId: peer.user.id } }).then(
      ({ presence }) => {
        // A push that arrived meanwhile is newer than this answer.
        if (!this.state.presence[presence.userId]) this.set({ presence: { ...this.state.presence, [presence.userId]: presence } });
      },
      () => this.presenceAsked.delete(peer.user.id),
    );
  }

  /**
   * A message's author who left (or was removed) is not in the member list any more:
   * ask for their profile once, so the timeline names them instead of "Someone".
   */
  askFormerMember(userId: string): void {
    if (this.formerAsked.has(userId) || this.state.formerMembers[userId]) return;
    this.formerAsked.add(userId);
    this.client.request('getUser', { params: { userId: userId as UserId } }).then(
      ({ user }) => this.set({ formerMembers: { ...this.state.formerMembers, [user.id]: user } }),
      () => this.formerAsked.delete(userId),
    );
  }

  // ---- the open conversation

  setActive(id: string | null): void {
    this.activeId = id;
    this.markReadIfLooking();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.markReadIfLooking();
  }

  private isLooking(id: string): boolean {
    return this.activeId === id && this.visible;
  }

  private markReadIfLooking(): void {
    const id = this.activeId;
    if (!id || !this.visible) return;
    const c = this.state.conversations[id];
    if (!c) return;
    const seq = c.lastSeq;
    if (c.me.readSeq >= seq && c.unreadCount === 0) return;
    if (this.state.status !== 'online') {
      // readSeq stays behind so the mark is sent when the connection is back (onStatus runs this again).
      if (c.unreadCount !== 0) this.set({ conversations: { ...this.state.conversations, [id]: { ...c, unreadCount: 0 } } });
      return;
    }
    this.set({ conversations: { ...this.state.conversations, [id]: { ...c, unreadCount: 0, me: { ...c.me, readSeq: Math.max(c.me.readSeq, seq) } } } });
    this.client.markRead(c.id, seq).catch(() => {
      const now = this.state.conversations[id];
      if (now) this.set({ conversations: { ...this.state.conversations, [id]: { ...now, me: { ...now.me, readSeq: c.me.readSeq } } } });
    });
  }

  async openConversation(id: string): Promise<void> {
    if (!this.state.conversations[id] && this.state.listState === 'loaded') await this.fetchConversation(id);
    const c = this.state.conversations[id];
    if (c) this.askPresence(c);
    if (this.state.windows[id]) return;
    this.set({ windows: { ...this.state.windows, [id]: emptyWindow() } });
    try {
      const res = await this.client.request('history', { params: { id: id as ConversationId }, query: { limit: HISTORY_PAGE } });
      // The newest page reaches to now: its notices are everything from its oldest message on.
      const events = await this.noticeEvents(id, res.hasMore ? (res.messages[0]?.seq ?? 1) : 1, null);
      this.patchWindow(id, (w) => ({ ...withNotices(w, events, this.state.conversations[id]), messages: mergeMessages(w.messages, res.messages), hasOlder: res.hasMore, loading: false }));
    } catch {
      // Offline: drop the empty window so the next open (or reconnect) loads it.
      const windows = { ...this.state.windows };
      delete windows[id];
      this.set({ windows });
    }
  }

  /**
   * Loads a conversation at an older message (a search hit): a little context before it
   * (`before`), then everything from it to the newest (`after`, page by page), so the
   * window stays contiguous up to the newest message as MessageWindow requires.
   */
  async openAt(id: string, seq: number): Promise<void> {
    const loaded = this.state.windows[id];
    if (loaded && !loaded.loading && (loaded.messages[0]?.seq ?? Infinity) <= seq) return;
    const params = { id: id as ConversationId };
    const before = await this.client.request('history', { params, query: { before: Math.max(1, seq), limit: 10 } });
    let messages = before.messages;
    for (let after = Math.max(0, seq - 1), more = true; more; ) {
      const page = await this.client.request('history', { params, query: { after, limit: 200 } });
      messages = mergeMessages(messages, page.messages);
      more = page.hasMore && page.messages.length > 0;
      after = page.messages[page.messages.length - 1]?.seq ?? after;
    }
    const events = await this.noticeEvents(id, before.hasMore ? (messages[0]?.seq ?? seq) : 1, null);
    const w = this.state.windows[id] ?? emptyWindow();
    this.set({ windows: { ...this.state.windows, [id]: { ...withNotices(w, events, this.state.conversations[id]), messages: mergeMessages(w.messages, messages), hasOlder: before.hasMore, loading: false } } });
  }

  /** Loads the page before the oldest loaded message; true when something was added. */
  async loadOlder(id: string): Promise<boolean> {
    const w = this.state.windows[id];
    if (!w || w.loading || w.loadingOlder || !w.hasOlder) return false;
    const before = w.messages[0]?.seq;
    if (before === undefined || before <= 1) {
      this.patchWindow(id, (x) => ({ ...x, hasOlder: false }));
      return false;
    }
    this.patchWindow(id, (x) => ({ ...x, loadingOlder: true }));
    try {
      const res = await this.client.request('history', { params: { id: id as ConversationId }, query: { before, limit: HISTORY_PAGE } });
      // Fetched before the page is shown, so the notices do not shift it a second time.
      const events = await this.noticeEvents(id, res.hasMore ? (res.messages[0]?.seq ?? before) : 1, before - 1);
      this.patchWindow(id, (x) => ({ ...withNotices(x, events, this.state.conversations[id]), messages: mergeMessages(x.messages, res.messages), hasOlder: res.hasMore, loadingOlder: false }));
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
        const res = await this.client.request('events', { params: { id: id as ConversationId }, query: { after, limit } });
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

  private patchWindow(id: string, fn: (w: MessageWindow) => MessageWindow): void {
    const w = this.state.windows[id];
    if (w) this.set({ windows: { ...this.state.windows, [id]: fn(w) } });
  }

  private insertMessage(m: Message): void {
    this.patchWindow(m.conversationId, (w) => ({ ...w, messages: mergeMessages(w.messages, [m]) }));
  }

  // ---- actions

  /**
   * Queues a message in the SDK outbox: it shows as pending (a clock) until the server
   * has it, waits while offline, and a refusal ends up in sendErrors. Attachments are
   * uploads already made; the outbox carries their ids like the text.
   */
  send(conversationId: string, body: string, attachmentIds: readonly AttachmentId[] = []): void {
    const errors = { ...this.state.sendErrors };
    delete errors[conversationId];
    this.set({ sendErrors: errors });
    const { done } = this.client.send(conversationId as ConversationId, { body, ...(attachmentIds.length > 0 ? { attachmentIds } : {}) });
    done.then(
      // The event usually arrives first; this covers the moment in between.
      (m) => this.insertMessage(m),
      (err: unknown) => this.set({ sendErrors: { ...this.state.sendErrors, [conversationId]: err } }),
    );
  }

  async compose(input: { recipient: string; title: string; body: string; clientMessageId: string }): Promise<Conversation> {
    const res = await this.client.request('compose', { body: input });
    this.upsertConversation(res.conversation);
    this.insertMessage(res.message);
    return res.conversation;
  }

  async edit(m: Message, body: string): Promise<void> {
    const res = await this.client.request('editMessage', { params: { id: m.conversationId, messageId: m.id }, body: { body, title: m.title } });
    this.insertMessage(res.message);
  }

  async deleteMessage(m: Message, scope: 'me' | 'everyone'): Promise<void> {
    await this.client.request('deleteMessage', { params: { id: m.conversationId, messageId: m.id }, query: { for: scope } });
    const c = this.state.conversations[m.conversationId];
    if (scope === 'me' && c) this.hideLocally(c, m.id);
    if (scope === 'everyone') this.insertMessage({ ...m, body: '', deletedAt: m.deletedAt ?? Date.now() });
  }

  async setArchived(c: Conversation, archived: boolean): Promise<void> {
    await this.client.request(archived ? 'archiveConversation' : 'unarchiveConversation', { params: { id: c.id } });
    const now = this.state.conversations[c.id];
    if (now) this.set({ conversations: { ...this.state.conversations, [c.id]: { ...now, me: { ...now.me, archived } } } });
  }

  async openDirect(userId: UserId): Promise<Conversation> {
    const { conversation } = await this.client.request('createDirect', { body: { userId } });
    this.upsertConversation(conversation);
    return conversation;
  }

  async createGroup(title: string, memberIds: UserId[], historyVisibility?: HistoryVisibility): Promise<Conversation> {
    const { conversation } = await this.client.request('createGroup', { body: { title, memberIds, ...(historyVisibility ? { historyVisibility } : {}) } });
    this.upsertConversation(conversation);
    return conversation;
  }

  async rename(c: Conversation, title: string): Promise<void> {
    const { conversation } = await this.client.request('renameConversation', { params: { id: c.id }, body: { title } });
    this.upsertConversation(conversation);
  }

  async addMembers(c: Conversation, userIds: UserId[]): Promise<void> {
    const { conversation } = await this.client.request('addMembers', { params: { id: c.id }, body: { userIds } });
    this.upsertConversation(conversation);
  }

  async removeMember(c: Conversation, userId: UserId): Promise<void> {
    await this.client.request('removeMember', { params: { id: c.id, userId } });
    const now = this.state.conversations[c.id];
    if (now) this.set({ conversations: { ...this.state.conversations, [c.id]: { ...now, members: now.members.filter((m) => m.user.id !== userId) } } });
  }

  async leave(c: Conversation): Promise<void> {
    await this.client.request('leaveConversation', { params: { id: c.id } });
    const conversations = { ...this.state.conversations };
    delete conversations[c.id];
    this.set({ conversations });
  }

  typing(conversationId: string, state: 'start' | 'stop'): void {
    this.client.typing(conversationId as ConversationId, state);
  }

  dismissSendError(conversationId: string): void {
    const errors = { ...this.state.sendErrors };
    delete errors[conversationId];
    this.set({ sendErrors: errors });
  }
}

function initialState(client: ParleyClient): ChatState {
  return {
    me: client.user,
    status: client.status,
    listState: 'loading',
    conversations: {},
    windows: {},
    typing: {},
    presence: {},
    formerMembers: {},
    outbox: client.outbox,
    sendErrors: {},
  };
}

/** The window with the notices among `events` added (none when the conversation is unknown). */
export function withNotices(w: MessageWindow, events: readonly ConversationEvent[], c: Conversation | undefined): MessageWindow {
  if (!c || events.length === 0) return w;
  const incoming = noticesFrom(events, c, w.notices);
  return incoming.length === 0 ? w : { ...w, notices: mergeNotices(w.notices, incoming) };
}

function withoutTyping(typing: ChatState['typing'], conversationId: string, userId: string): ChatState['typing'] {
  const inConv = { ...typing[conversationId] };
  delete inConv[userId];
  return { ...typing, [conversationId]: inConv };
}
