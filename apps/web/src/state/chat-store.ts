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
import type { ClientStatus, FileToSend, ParleyClient } from '@parley/client';
import { textMessage, TYPING_TTL_MS, type AttachmentId, type Conversation, type ConversationEvent, type ConversationId, type HistoryVisibility, type Me, type Message, type Receipt, type Role, type UserEvent, type UserId } from '@parley/protocol';
import { applyToConversation, applyToWindow, mergeMessages, type MessageWindow } from './conversation-events';
import { initialState, without, withNotices, withoutTyping, withProfile, type ChatState, type FailedSend } from './chat-state';
import { History } from './history';
import { PeopleAsks } from './people-asks';
import { messageTitle } from './message-text';
import { hydrateFromCache } from '../offline/hydrate';

export type { ChatState, FailedSend } from './chat-state';

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
  private readonly history: History;
  private readonly asks: PeopleAsks;

  constructor(readonly client: ParleyClient) {
    this.state = initialState(client);
    this.history = new History({ client, get: () => this.state, set: (p) => this.set(p) });
    this.asks = new PeopleAsks({ client, get: () => this.state, set: (p) => this.set(p), me: () => this.me });
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
      c.on('user', (u) => this.set(withProfile(this.state, u))),
      c.on('userEvent', (e) => this.onUserEvent(e)),
      c.on('outbox', (items) => this.set({ outbox: items })),
    ];
    this.typingTimer = setInterval(() => this.expireTyping(), 1000);
    void c.connect().catch(() => {});
    // The offline copy shows at once (and with no network) until the server's list replaces it.
    void hydrateFromCache(this);
    void this.loadList();
  }

  /**
   * Shows cached conversations and message windows (the SDK's offline cache) while the
   * list has not loaded: what the state already holds wins, and the events held back
   * meanwhile are replayed over the server's list as usual (see loadList).
   */
  hydrate(conversations: readonly Conversation[], windows: Readonly<Record<string, MessageWindow>>): void {
    if (this.state.listState === 'loaded' || (conversations.length === 0 && Object.keys(windows).length === 0)) return;
    const byId: Record<string, Conversation> = {};
    for (const c of conversations) byId[c.id] = c;
    this.set({ conversations: { ...byId, ...this.state.conversations }, windows: { ...windows, ...this.state.windows } });
  }

  /**
   * True when the state reflects every event the SDK released (none held back while the
   * list or a conversation loads): only then may it be saved with the SDK's cursors.
   */
  get settled(): boolean {
    return this.early === null && this.fetching.size === 0;
  }

  stop(): void {
    for (const d of this.detach) d();
    this.detach = [];
    if (this.typingTimer) clearInterval(this.typingTimer);
    this.typingTimer = null;
    this.fetching.clear();
    this.asks.forgetPresence();
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
      this.asks.presenceOfPeers();
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
    this.asks.forgetPresence();
    this.set({ presence: {} });
    this.asks.presenceOfPeers();
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
    if (this.state.departed[e.conversationId] && e.type === 'member.added' && e.userId === this.me) {
      // Added back after a removal: what was kept has a gap, so it is loaded afresh.
      this.forget(e.conversationId);
      void this.fetchConversation(e.conversationId);
      return;
    }
    if (!c) {
      // New to me (created, or I was added): the snapshot includes this event.
      void this.fetchConversation(e.conversationId);
      return;
    }
    const looking = this.isLooking(c.id);
    if (e.type === 'member.removed' && e.userId === this.me && e.seq > c.lastSeq) return this.depart(c, e);
    // At or below lastSeq the summary already has it; the window may not (it merges idempotently).
    const next = e.seq <= c.lastSeq ? c : applyToConversation(c, e, this.me, !looking);
    const conversations = { ...this.state.conversations };
    if (next) conversations[c.id] = next;
    else delete conversations[c.id];
    const w = this.state.windows[c.id];
    // Notices are named from the conversation before the event (a removed member is still in it).
    let windows = w && next ? { ...this.state.windows, [c.id]: withNotices(applyToWindow(w, e), [e], c) } : this.state.windows;
    if (!next && w) windows = without(windows, c.id); // left: if added back, the history is loaded afresh
    let typing = this.state.typing;
    if (e.type === 'message.created' && typing[c.id]?.[e.message.senderId]) typing = withoutTyping(typing, c.id, e.message.senderId);
    const incoming = e.type === 'message.created' && e.message.senderId !== this.me && e.seq > c.lastSeq;
    this.set({ conversations, windows, typing, ...(incoming ? { announcement: { id: e.message.id, conversationId: c.id } } : {}) });
    if (looking) this.markReadIfLooking();
  }

  /** Removed by someone else: the conversation stays, read-only, with its history and the notice. */
  private depart(c: Conversation, e: ConversationEvent): void {
    const next = { ...c, lastSeq: e.seq, updatedAt: Math.max(c.updatedAt, e.at), unreadCount: 0 };
    const w = this.state.windows[c.id];
    this.set({
      conversations: { ...this.state.conversations, [c.id]: next },
      windows: w ? { ...this.state.windows, [c.id]: withNotices(w, [e], c) } : this.state.windows,
      departed: { ...this.state.departed, [c.id]: { reason: 'removed', at: e.at } },
      typing: without(this.state.typing, c.id),
    });
  }

  private forget(id: string): void {
    this.set({ conversations: without(this.state.conversations, id), windows: without(this.state.windows, id), departed: without(this.state.departed, id) });
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

  /** Presence pushes keep it current afterwards; this asks once for the starting value. */
  askPresence(c: Conversation): void {
    this.asks.presence(c);
  }

  askPresenceOfMembers(c: Conversation): void {
    this.asks.presenceOfMembers(c);
  }

  askFormerMember(userId: string): void {
    this.asks.formerMember(userId);
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
    if (!id || !this.visible || this.state.departed[id]) return;
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
    if (this.state.departed[id]) return; // read-only: only what was loaded
    if (!this.state.conversations[id] && this.state.listState === 'loaded') await this.fetchConversation(id);
    const c = this.state.conversations[id];
    if (c) this.askPresence(c);
    await this.history.open(id);
  }

  openAt(id: string, seq: number): Promise<void> {
    return this.history.openAt(id, seq);
  }

  loadOlder(id: string): Promise<boolean> {
    return this.history.loadOlder(id);
  }

  private insertMessage(m: Message): void {
    const w = this.state.windows[m.conversationId];
    if (w) this.set({ windows: { ...this.state.windows, [m.conversationId]: { ...w, messages: mergeMessages(w.messages, [m]) } } });
  }

  // ---- actions

  /**
   * Queues a message in the SDK outbox: it shows as pending (a clock) until the server
   * has it, waits while offline, and a refusal stays as a failed send (`failed`). Attachments
   * are uploads already made (ids) or files picked offline, which the SDK uploads first.
   */
  send(conversationId: string, body: string, attachmentIds: readonly AttachmentId[] = [], files: readonly FileToSend[] = [], title: string | null = null): void {
    const createdAt = Date.now();
    // Files not uploaded yet (picked offline) wait in the SDK's cache and upload with the send.
    const { done, clientMessageId } = this.client.send(conversationId as ConversationId, { ...textMessage(body, title), ...(attachmentIds.length > 0 ? { attachmentIds } : {}), ...(files.length > 0 ? { files } : {}) });
    done.then(
      // The event usually arrives first; this covers the moment in between.
      (m) => this.insertMessage(m),
      // Refused for good: the text stays, as a failed bubble to retry, edit or copy.
      (error: unknown) => {
        const item: FailedSend = { clientMessageId, conversationId, title, body, attachmentIds, files, createdAt, error };
        this.set({ failed: { ...this.state.failed, [conversationId]: [...(this.state.failed[conversationId] ?? []), item] } });
      },
    );
  }

  /** Forgets a failed send (discarded, or taken back into the composer). */
  dropFailed(f: FailedSend): void {
    const rest = (this.state.failed[f.conversationId] ?? []).filter((x) => x.clientMessageId !== f.clientMessageId);
    this.set({ failed: { ...this.state.failed, [f.conversationId]: rest } });
  }

  /** Sends a failed message again, as a new send (the refused one is over). */
  retryFailed(f: FailedSend): void {
    this.dropFailed(f);
    this.send(f.conversationId, f.body, f.attachmentIds, f.files, f.title);
  }

  /**
   * The first message to someone I have no conversation with: the direct conversation is
   * made only now, so the other person sees it together with the message, never empty.
   */
  async sendToUser(userId: UserId, body: string, title: string | null = null): Promise<Conversation> {
    const c = await this.openDirect(userId);
    this.send(c.id, body, [], [], title);
    return c;
  }

  /** My direct conversation with this user, if I already have one. */
  directWith(userId: string): Conversation | undefined {
    return Object.values(this.state.conversations).find((c) => c.kind === 'direct' && c.members.some((m) => m.user.id === userId) && (userId !== this.me || c.members.length === 1));
  }

  /** The app edits text messages: the body changes, the title stays. */
  async edit(m: Message, body: string): Promise<void> {
    const res = await this.client.request('editMessage', { params: { id: m.conversationId, messageId: m.id }, body: textMessage(body, messageTitle(m)) });
    this.insertMessage(res.message);
  }

  async deleteMessage(m: Message, scope: 'me' | 'everyone'): Promise<void> {
    await this.client.request('deleteMessage', { params: { id: m.conversationId, messageId: m.id }, query: { for: scope } });
    const c = this.state.conversations[m.conversationId];
    if (scope === 'me' && c) this.hideLocally(c, m.id);
    if (scope === 'everyone') this.insertMessage({ ...m, content: null, deletedAt: m.deletedAt ?? Date.now() } as Message);
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

  /** Who reads what was said before they joined, for people added from now on. */
  async setHistoryVisibility(c: Conversation, historyVisibility: HistoryVisibility): Promise<void> {
    const { conversation } = await this.client.request('updateConversationSettings', { params: { id: c.id }, body: { historyVisibility } });
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

  async setRole(c: Conversation, userId: UserId, role: Exclude<Role, 'owner'>): Promise<void> {
    const { conversation } = await this.client.request('setMemberRole', { params: { id: c.id, userId }, body: { role } });
    this.upsertConversation(conversation);
  }

  async leave(c: Conversation): Promise<void> {
    if (!this.state.departed[c.id]) await this.client.request('leaveConversation', { params: { id: c.id } });
    this.forget(c.id);
  }

  typing(conversationId: string, state: 'start' | 'stop'): void {
    this.client.typing(conversationId as ConversationId, state);
  }
}
