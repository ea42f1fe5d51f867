/**
 * ParleyClient wires the parts together: REST with token refresh (http, session), one
 * socket at a time (connection) kept alive across failures (reconnect), the ordered
 * exactly-once event stream (sequencer, catch-up) and safe sends (outbox).
 *
 * Lifecycle: idle → connect() → connecting → online ⇄ offline (reconnecting with
 * back-off) → stopped (disconnect(), logout, a revoked session, an unsupported protocol).
 * `online` means welcomed AND caught up: the app has everything up to now.
 *
 * Access tokens are short-lived and the server closes a socket (4401) once the token it
 * proved has expired. While connected, the client refreshes the token shortly before
 * expiry, and hands every new token (from that, or a refresh a REST 401 caused) to the
 * open socket with the `auth` request, so the socket stays up. A refresh or an `auth` that
 * fails for a reason a retry can fix (network, 5xx, RATE_LIMITED, a timeout) is tried
 * again with back-off while the token lasts. A socket closed with 4401 anyway (the
 * renewal was refused, lost, or came too late) refreshes and reconnects.
 */
import {
  CLOSE,
  shouldReconnect,
  type AttachmentId,
  type ClientMessageId,
  type ConversationId,
  type ConversationEvent,
  type Me,
  type Message,
  type NotificationPush,
  type Presence,
  type PublicUser,
  type Receipt,
  type RouteName,
  type RouteResponse,
  type SessionResponse,
  type UserEvent,
  type UserId,
  type RouteBody,
} from '@parley/protocol';
import { CatchUp } from './catch-up';
import { Connection, type CloseInfo, type WebSocketCtor } from './connection';
import { Emitter } from './emitter';
import { Http, type RequestArgsTuple } from './http';
import { Outbox, type OutboxItem } from './outbox';
import { ParleyError } from './parley-error';
import { Backoff } from './reconnect';
import { Sequencer, type Released } from './sequencer';
import { SessionManager } from './session';
import { memoryStorage, type KeyValueStorage } from './storage';

export interface ParleyClientOptions {
  /** Where the server is, e.g. `https://chat.example.com` (an empty string means this page's origin). */
  baseUrl: string;
  /** Defaults to globalThis.WebSocket; in Node pass the `ws` package's WebSocket. */
  WebSocket?: WebSocketCtor;
  fetch?: typeof fetch;
  /** Defaults to memory: nothing survives a reload. Pass localStorage to keep the session and outbox. */
  storage?: KeyValueStorage;
  /** Prefix of the storage keys, so several clients can share one storage. Default 'parley'. */
  storageKey?: string;
  /** Send 'delivered' for received messages. Default true. */
  autoDelivered?: boolean;
  /** Back-off of reconnects, and of retried token refreshes and socket renewals. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number };
}

export type ClientStatus = 'idle' | 'connecting' | 'online' | 'offline' | 'stopped';

export interface ClientEvents {
  status(s: ClientStatus): void;
  event(e: ConversationEvent): void;
  receipt(r: Receipt): void;
  typing(t: { conversationId: ConversationId; userId: UserId; state: 'start' | 'stop' }): void;
  presence(p: Presence): void;
  /** A member of one of my conversations changed their profile (display name, avatar). */
  user(u: PublicUser): void;
  userEvent(e: UserEvent): void;
  /** A new notification, or read marks made on another device, with my unread count. */
  notification(n: NotificationPush): void;
  outbox(items: readonly OutboxItem[]): void;
  /** 'logout', 'revoked' (logged out everywhere, or suspended), 'refresh_failed', 'suspended'. */
  sessionEnded(reason: string): void;
}

/** A 'start' typing frame is sent at most this often per conversation. */
const TYPING_THROTTLE_MS = 3000;
/** Received messages are acknowledged as delivered in batches, at most this often. */
const DELIVERED_BATCH_MS = 100;
/** The scheduled refresh runs at most this often (a server handing out near-zero lifetimes must not cause a busy loop). */
const MIN_REFRESH_DELAY_MS = 250;
/** setTimeout fires at once past this delay; a later refresh is planned again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Ready {
  promise: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
  settled: boolean;
}

export class ParleyClient {
  private readonly emitter = new Emitter<ClientEvents>();
  private readonly session: SessionManager;
  private readonly http: Http;
  private readonly sequencer = new Sequencer();
  private readonly catchUp: CatchUp;
  private readonly outboxQueue: Outbox;
  private readonly backoff: Backoff;
  private readonly autoDelivered: boolean;
  private readonly WebSocketImpl: WebSocketCtor | undefined;

  private currentStatus: ClientStatus = 'idle';
  private conn: Connection | null = null;
  /** Bumped on every start and stop, so callbacks of an older run do nothing. */
  private runId = 0;
  private running = false;
  private ready: Ready | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private unauthorizedStreak = 0;
  private detachOnline: (() => void) | null = null;
  /** Refreshes the access token before it expires, while connect()ed (see scheduleRefresh). */
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** The access token `conn` last showed the server: its hello's, then its latest `auth`. */
  private connToken: string | null = null;
  /** Back-off of the scheduled refresh retried after a transient failure; reset by a new token. */
  private readonly refreshBackoff: Backoff;
  /** Sends `auth` again after a transient failure (see renewSocket). */
  private renewTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly renewBackoff: Backoff;

  private readonly typingSentAt = new Map<ConversationId, number>();
  private readonly deliveredPending = new Map<ConversationId, number>();
  private readonly deliveredSent = new Map<ConversationId, number>();
  private deliveredTimer: ReturnType<typeof setTimeout> | null = null;
  /** What this client shows, for the server's notification decisions (see focus()). */
  private focused: ConversationId | null = null;

  constructor(private readonly opts: ParleyClientOptions) {
    const storage = opts.storage ?? memoryStorage();
    const key = opts.storageKey ?? 'parley';
    this.autoDelivered = opts.autoDelivered ?? true;
    this.WebSocketImpl = opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    this.backoff = new Backoff(opts.reconnect ?? {});
    this.refreshBackoff = new Backoff(opts.reconnect ?? {});
    this.renewBackoff = new Backoff(opts.reconnect ?? {});
    const fetchImpl = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
    this.session = new SessionManager({
      storage,
      key: `${key}.session`,
      refresh: (refreshToken) => this.http.request('refresh', { body: { refreshToken } }),
      onEnded: (reason) => this.endSession(reason),
      onAccessToken: () => this.onAccessToken(),
    });
    this.http = new Http({
      baseUrl: opts.baseUrl,
      fetch: fetchImpl,
      tokens: { accessToken: () => this.session.accessToken(), refresh: (stale) => this.session.refresh(stale) },
    });
    this.catchUp = new CatchUp({
      sequencer: this.sequencer,
      sync: (req) => this.requireConn().request('sync', req),
      release: (r) => this.release(r),
      passThrough: (f) => {
        if (f.type === 'typing') this.emitter.emit('typing', { conversationId: f.conversationId, userId: f.userId, state: f.state });
        else if (f.type === 'user') this.emitter.emit('user', f.user);
        else this.emitter.emit('presence', f.presence);
      },
      isOnline: () => this.conn?.isWelcomed ?? false,
    });
    this.outboxQueue = new Outbox({
      storage,
      key: `${key}.outbox`,
      send: (item) =>
        this.requireConn().request('send', {
          conversationId: item.conversationId,
          clientMessageId: item.clientMessageId,
          body: item.body,
          title: item.title,
          // Old saved items have no attachmentIds; a text-only send leaves the field out.
          ...(item.attachmentIds?.length ? { attachmentIds: [...item.attachmentIds] } : {}),
        }),
      onChange: (items) => this.emitter.emit('outbox', items),
    });
  }

  // ---- state

  get user(): Me | null {
    return this.session.current?.user ?? null;
  }

  get status(): ClientStatus {
    return this.currentStatus;
  }

  get outbox(): readonly OutboxItem[] {
    return this.outboxQueue.items;
  }

  heldSeq(conversationId: ConversationId): number {
    return this.sequencer.held(conversationId);
  }

  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  // ---- auth

  async register(input: RouteBody<'register'>): Promise<Me> {
    return this.adopt(await this.http.request('register', { body: input }));
  }

  async login(input: RouteBody<'login'>): Promise<Me> {
    return this.adopt(await this.http.request('login', { body: input }));
  }

  /** Picks up the session saved in storage; true when there was one (no server call). */
  restoreSession(): boolean {
    if (!this.session.restore()) return false;
    this.outboxQueue.load(this.session.current!.user.id);
    return true;
  }

  /** Ends this device's session on the server (best effort), disconnects and clears storage. */
  async logout(): Promise<void> {
    const s = this.session.current;
    this.stop(new ParleyError('UNAUTHENTICATED', 'logged out', { retryable: false }));
    if (s) {
      try {
        await this.http.request('logout', { body: { refreshToken: s.refreshToken } });
      } catch {
        // Offline or already revoked: the local session is gone either way.
      }
    }
    this.endSession('logout');
  }

  /** Ends every session of this user on every device. Throws (and keeps this session) when the server cannot be told. */
  async logoutAll(): Promise<void> {
    await this.http.request('logoutAll');
    this.endSession('logout');
  }

  // ---- REST

  async request<N extends RouteName>(name: N, ...args: RequestArgsTuple<N>): Promise<RouteResponse<N>> {
    const res = await this.http.request(name, ...args);
    if (name === 'me' || name === 'updateProfile' || name === 'updatePrivacy') {
      this.session.setUser((res as unknown as RouteResponse<'me'>).user);
    }
    return res;
  }

  // ---- connection

  /** Resolves once welcomed and caught up; keeps the connection up (reconnecting) until disconnect(). */
  connect(): Promise<void> {
    if (!this.session.current) return Promise.reject(new ParleyError('UNAUTHENTICATED', 'not logged in', { retryable: false }));
    if (this.running && this.ready) return this.ready.promise;
    if (!this.WebSocketImpl) return Promise.reject(new ParleyError('UNAVAILABLE', 'no WebSocket implementation: pass options.WebSocket', { retryable: false }));
    try {
      wsUrlOf(this.opts.baseUrl);
    } catch {
      return Promise.reject(new ParleyError('BAD_REQUEST', 'baseUrl must be an absolute http(s) URL outside a browser', { retryable: false }));
    }
    this.running = true;
    const run = ++this.runId;
    this.ready = newReady();
    this.listenForNetwork(run);
    this.scheduleRefresh(run);
    void this.attempt(run);
    return this.ready.promise;
  }

  disconnect(): void {
    this.stop(new ParleyError('UNAVAILABLE', 'disconnected', { retryable: false }));
  }

  /** Asks the server for anything missed (normally automatic). */
  async syncNow(): Promise<void> {
    if (!this.conn?.isWelcomed) throw new ParleyError('UNAVAILABLE', 'not connected', { retryable: true });
    await this.catchUp.run();
  }

  // ---- actions

  /**
   * Queues a message in the outbox (persisted, sent when online, retried with the same
   * clientMessageId until the server answers). `attachmentIds` are uploads already made
   * (POST /api/attachments or createUploadUrl): the upload needs the network, the send
   * does not. `done` rejects on a refusal a retry cannot fix, e.g. ATTACHMENT_INVALID.
   */
  send(
    conversationId: ConversationId,
    input: { body: string; title?: string | null; attachmentIds?: readonly AttachmentId[] },
  ): { clientMessageId: ClientMessageId; done: Promise<Message> } {
    const clientMessageId = newClientMessageId();
    if (!this.session.current) {
      const done = Promise.reject(new ParleyError('UNAUTHENTICATED', 'not logged in', { retryable: false }));
      done.catch(() => {});
      return { clientMessageId, done };
    }
    const done = this.outboxQueue.add({
      clientMessageId,
      conversationId,
      body: input.body,
      title: input.title ?? null,
      // A copy: the caller may reuse its array; the queued item must not change under it.
      ...(input.attachmentIds?.length ? { attachmentIds: [...input.attachmentIds] } : {}),
      createdAt: Date.now(),
    });
    return { clientMessageId, done };
  }

  /** Fire and forget; 'start' is sent at most every 3 s per conversation, 'stop' only after a 'start'. */
  typing(conversationId: ConversationId, state: 'start' | 'stop'): void {
    const conn = this.onlineConn();
    if (!conn) return;
    const now = Date.now();
    if (state === 'start') {
      if (now - (this.typingSentAt.get(conversationId) ?? -Infinity) < TYPING_THROTTLE_MS) return;
      this.typingSentAt.set(conversationId, now);
    } else {
      if (!this.typingSentAt.delete(conversationId)) return;
    }
    conn.request('typing', { conversationId, state }).catch(() => {});
  }

  /**
   * Tells the server which conversation this client shows (null: none, or the page is
   * hidden), so it is not notified of messages there. Kept and re-sent after reconnects.
   */
  async focus(conversationId: ConversationId | null): Promise<void> {
    this.focused = conversationId;
    const conn = this.onlineConn();
    if (!conn) return;
    try {
      await conn.request('focus', { conversationId });
    } catch (err) {
      if (!isConnectionLoss(err)) throw err;
    }
  }

  async markRead(conversationId: ConversationId, seq: number): Promise<void> {
    const conn = this.onlineConn();
    if (conn) {
      try {
        await conn.request('read', { conversationId, seq });
        return;
      } catch (err) {
        if (!isConnectionLoss(err)) throw err;
      }
    }
    await this.http.request('markRead', { params: { id: conversationId }, body: { seq } });
  }

  /**
   * Moves my delivered watermark. Offline, the newest mark per conversation is kept
   * and sent when the connection is back (there is no REST route for it).
   */
  async markDelivered(conversationId: ConversationId, seq: number): Promise<void> {
    if (seq <= (this.deliveredSent.get(conversationId) ?? 0)) return;
    const conn = this.onlineConn();
    if (!conn) {
      this.deliveredPending.set(conversationId, Math.max(seq, this.deliveredPending.get(conversationId) ?? 0));
      return;
    }
    try {
      await conn.request('delivered', { conversationId, seq });
      this.deliveredSent.set(conversationId, Math.max(seq, this.deliveredSent.get(conversationId) ?? 0));
    } catch (err) {
      if (!isConnectionLoss(err)) throw err;
      this.deliveredPending.set(conversationId, Math.max(seq, this.deliveredPending.get(conversationId) ?? 0));
    }
  }

  // ---- internals: connection loop

  private async attempt(run: number): Promise<void> {
    if (run !== this.runId) return;
    this.setStatus('connecting');
    let token: string;
    try {
      token = await this.session.accessToken();
    } catch {
      // A refused refresh ended the session (and stopped this run); anything else is transient.
      if (run === this.runId) this.retryLater(run);
      return;
    }
    if (run !== this.runId) return;
    let conn: Connection;
    try {
      conn = new Connection({
        url: wsUrlOf(this.opts.baseUrl),
        WebSocket: this.WebSocketImpl!,
        accessToken: token,
        onPush: (frame) => {
          if (this.conn !== conn) return;
          if (frame.type === 'notification') this.emitter.emit('notification', frame);
          else this.catchUp.onPush(frame);
        },
        onClose: (info) => this.onClose(run, conn, token, info),
      });
    } catch {
      // The WebSocket constructor itself refused (a browser blocking the URL, for example).
      return this.retryLater(run);
    }
    this.conn = conn;
    this.connToken = token;
    try {
      await conn.opened;
    } catch {
      return; // onClose decides what comes next
    }
    if (run !== this.runId || this.conn !== conn) return conn.close();
    this.unauthorizedStreak = 0;
    // A refresh that finished while this socket said hello left it on the older token.
    this.renewSocket();
    try {
      await this.catchUp.run();
    } catch {
      // Not caught up means not online: start over (onClose schedules the retry).
      if (this.conn === conn) conn.close(CLOSE.TRY_AGAIN_LATER, 'sync failed');
      return;
    }
    if (run !== this.runId || this.conn !== conn) return;
    this.backoff.reset();
    this.setStatus('online');
    this.outboxQueue.setOnline(true);
    this.flushDelivered();
    // A new connection starts focused on nothing: tell it what this client shows.
    if (this.focused !== null) conn.request('focus', { conversationId: this.focused }).catch(() => {});
    if (this.ready && !this.ready.settled) {
      this.ready.settled = true;
      this.ready.resolve();
    }
  }

  private onClose(run: number, conn: Connection, token: string, info: CloseInfo): void {
    if (this.conn !== conn) return;
    this.conn = null;
    this.outboxQueue.setOnline(false);
    if (run !== this.runId) return;
    if (info.code === CLOSE.UNAUTHENTICATED) {
      this.setStatus('offline');
      // Refresh, then reconnect at once; a second refusal in a row backs off.
      const streak = ++this.unauthorizedStreak;
      this.session.refresh(token).then(
        () => {
          if (run !== this.runId) return;
          if (streak > 1) this.retryLater(run);
          else void this.attempt(run);
        },
        () => {
          if (run === this.runId) this.retryLater(run);
        },
      );
      return;
    }
    if (info.code === CLOSE.SESSION_REVOKED) return this.endSession('revoked');
    if (!shouldReconnect(info.code)) {
      const code = info.code === CLOSE.PROTOCOL_UNSUPPORTED ? 'PROTOCOL_VERSION_UNSUPPORTED' : 'BAD_REQUEST';
      return this.stop(new ParleyError(code, `connection closed by the server (${info.code})`, { retryable: false }));
    }
    this.retryLater(run);
  }

  /** The session holds a new access token: give it to the open socket, and plan the next refresh. */
  private onAccessToken(): void {
    this.refreshBackoff.reset();
    this.renewSocket();
    if (this.running) this.scheduleRefresh(this.runId);
  }

  /**
   * Sends the session's access token to the open socket (`auth`) when the socket has not
   * shown it yet, so the server keeps the socket past the older token's expiry. A
   * transient failure is sent again with back-off, on the same socket only: the server
   * closes it at the older token's expiry, which ends the retries. A refusal (FORBIDDEN,
   * UNAUTHENTICATED) is not retried: the server's 4401 at expiry makes onClose refresh
   * and reconnect.
   */
  private renewSocket(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
    const conn = this.conn;
    const token = this.session.current?.accessToken;
    if (!conn?.isWelcomed || !token || token === this.connToken) return;
    const held = this.connToken;
    this.connToken = token;
    conn.request('auth', { token }).then(
      () => this.renewBackoff.reset(),
      (err: unknown) => {
        // A closed socket, or a newer token sent meanwhile, makes this outcome moot.
        if (this.conn !== conn || this.connToken !== token || !isTransient(err)) return;
        // The socket still holds the older token: the retry's renewSocket sends this one again.
        this.connToken = held;
        this.renewTimer = setTimeout(() => {
          this.renewTimer = null;
          this.renewSocket();
        }, retryDelay(this.renewBackoff, err));
      },
    );
  }

  /**
   * While connect()ed, refreshes the access token shortly before it expires (the
   * session's refreshAt), even when the app makes no request: the new token then renews
   * the socket (onAccessToken), which the server would otherwise close at expiry.
   */
  private scheduleRefresh(run: number, delayMs?: number): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    const due = this.session.refreshDueAt();
    if (run !== this.runId || !this.running || due === null) return;
    this.refreshTimer = setTimeout(
      () => {
        this.refreshTimer = null;
        if (run !== this.runId) return;
        // Refreshes only when due (a REST call or another tab may have done it already).
        this.session.accessToken().then(
          () => this.scheduleRefresh(run),
          (err: unknown) => this.retryRefresh(run, err),
        );
      },
      delayMs ?? Math.min(MAX_TIMER_MS, Math.max(MIN_REFRESH_DELAY_MS, due - Date.now())),
    );
  }

  /**
   * The scheduled refresh failed. A refused refresh token has ended the session (and this
   * run) already. A transient failure is tried again with back-off while the access token
   * is still valid; once a retry would come too late, or on any other refusal, the server's
   * 4401 at expiry (or the next connection attempt) refreshes instead.
   */
  private retryRefresh(run: number, err: unknown): void {
    const expiresAt = this.session.current?.accessExpiresAt;
    if (run !== this.runId || expiresAt === undefined || !isTransient(err)) return;
    const delay = retryDelay(this.refreshBackoff, err);
    if (Date.now() + delay < expiresAt) this.scheduleRefresh(run, delay);
  }

  private retryLater(run: number): void {
    this.setStatus('offline');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.attempt(run);
    }, this.backoff.next());
  }

  /** In a browser, coming back online retries at once instead of waiting out the back-off. */
  private listenForNetwork(run: number): void {
    const target = globalThis as { addEventListener?: (t: string, l: () => void) => void; removeEventListener?: (t: string, l: () => void) => void };
    if (typeof target.addEventListener !== 'function') return;
    const onOnline = () => {
      if (run !== this.runId || !this.retryTimer) return;
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      void this.attempt(run);
    };
    // Browsers keep a WebSocket "open" for a while after the network goes away; waiting
    // for the heartbeat would leave the app claiming to be online for up to a minute.
    const onOffline = () => {
      if (run === this.runId) this.conn?.drop('network offline');
    };
    target.addEventListener('online', onOnline);
    target.addEventListener('offline', onOffline);
    this.detachOnline = () => {
      target.removeEventListener?.('online', onOnline);
      target.removeEventListener?.('offline', onOffline);
    };
  }

  private stop(reason: ParleyError): void {
    this.running = false;
    this.runId++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.deliveredTimer) clearTimeout(this.deliveredTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.retryTimer = this.deliveredTimer = this.refreshTimer = this.renewTimer = null;
    this.detachOnline?.();
    this.detachOnline = null;
    this.catchUp.stop();
    this.outboxQueue.setOnline(false);
    const conn = this.conn;
    this.conn = null;
    conn?.close(1000, 'client stopped');
    if (this.ready && !this.ready.settled) {
      this.ready.settled = true;
      this.ready.reject(reason);
    }
    this.ready = null;
    this.setStatus('stopped');
  }

  /** The session is over (logout, revoked, refresh refused): forget everything this user had here. */
  private endSession(reason: string): void {
    const err = new ParleyError('UNAUTHENTICATED', 'session ended', { retryable: false });
    this.stop(err);
    this.session.clear();
    this.outboxQueue.clear(err);
    this.sequencer.reset();
    this.typingSentAt.clear();
    this.deliveredPending.clear();
    this.deliveredSent.clear();
    this.setStatus('stopped');
    this.emitter.emit('sessionEnded', reason);
  }

  private adopt(res: SessionResponse): Me {
    const previous = this.session.current?.user.id;
    if (previous !== undefined && previous !== res.user.id) {
      // Another account on the same client: nothing of the previous one may leak into it.
      const err = new ParleyError('UNAUTHENTICATED', 'another user logged in', { retryable: false });
      this.stop(err);
      this.outboxQueue.clear(err);
      this.sequencer.reset();
    }
    this.session.set(res);
    this.outboxQueue.load(res.user.id);
    return res.user;
  }

  // ---- internals: released items

  private release(r: Released): void {
    for (const id of r.removed) {
      this.deliveredSent.delete(id);
      this.deliveredPending.delete(id);
      this.typingSentAt.delete(id);
    }
    const me = this.user?.id;
    for (const e of r.events) {
      this.emitter.emit('event', e);
      if (this.autoDelivered && e.type === 'message.created' && e.message.senderId !== me) {
        this.deliveredPending.set(e.conversationId, Math.max(e.seq, this.deliveredPending.get(e.conversationId) ?? 0));
      }
    }
    for (const receipt of r.receipts) this.emitter.emit('receipt', receipt);
    for (const e of r.userEvents) this.emitter.emit('userEvent', e);
    if (this.deliveredPending.size > 0 && !this.deliveredTimer && this.onlineConn()) {
      this.deliveredTimer = setTimeout(() => {
        this.deliveredTimer = null;
        this.flushDelivered();
      }, DELIVERED_BATCH_MS);
    }
  }

  private flushDelivered(): void {
    const pending = [...this.deliveredPending];
    this.deliveredPending.clear();
    for (const [id, seq] of pending) this.markDelivered(id, seq).catch(() => {});
  }

  private onlineConn(): Connection | null {
    return this.currentStatus === 'online' && this.conn?.isWelcomed ? this.conn : null;
  }

  private requireConn(): Connection {
    if (!this.conn?.isWelcomed) throw new ParleyError('UNAVAILABLE', 'not connected', { retryable: true });
    return this.conn;
  }

  private setStatus(s: ClientStatus): void {
    if (s === this.currentStatus) return;
    this.currentStatus = s;
    this.emitter.emit('status', s);
  }
}

function newReady(): Ready {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // connect() callers may not wait; a stop before the first welcome must not be an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject, settled: false };
}

/** Whether trying again can help: the catalogue's flag (a lost connection or timeout is retryable); unknown errors count as transient. */
function isTransient(err: unknown): boolean {
  return !(err instanceof ParleyError) || err.retryable;
}

/** The next back-off delay, but never sooner than a RATE_LIMITED reply asked. */
function retryDelay(backoff: Backoff, err: unknown): number {
  const asked = err instanceof ParleyError ? (err.retryAfterMs ?? 0) : 0;
  return Math.max(backoff.next(), asked);
}

function isConnectionLoss(err: unknown): boolean {
  return err instanceof ParleyError && err.code === 'UNAVAILABLE' && err.retryable && err.status === undefined;
}

function newClientMessageId(): ClientMessageId {
  const c = (globalThis as { crypto?: { randomUUID?: () => string; getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c?.randomUUID) return c.randomUUID() as ClientMessageId;
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') as ClientMessageId;
}

/** ws(s)://host[/prefix]/ws for an http(s) base URL; a relative base resolves against the page. */
export function wsUrlOf(baseUrl: string): string {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  const u = new URL(baseUrl || '/', page);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/ws`;
  u.search = '';
  u.hash = '';
  return u.toString();
}
