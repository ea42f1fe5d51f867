/**
 * ParleyClient wires the parts together: REST with token refresh (http, session), one
 * socket at a time kept alive across failures with its token kept current
 * (connection-manager, token-keeper), the ordered exactly-once event stream (sequencer,
 * catch-up, event-dispatch) and safe sends (outbox).
 *
 * Lifecycle: idle → connect() → connecting → online ⇄ offline (reconnecting with
 * back-off) → stopped (disconnect(), logout, a revoked session, an unsupported protocol).
 * `online` means welcomed AND caught up: the app has everything up to now.
 *
 * Offline-first: `cache` keeps what the app last showed with its catch-up cursors, and
 * the files of sends queued offline (cache/offline-cache.ts). A new client resumes catch-up
 * from those cursors, so an app that shows the cached copy at start receives exactly what
 * happened since. The session's end clears it.
 */
import { AVATAR_BINARY_ROUTES, type AttachmentId, type ClientMessageId, type ConversationId, type Me, type Message, type MessageDraft, type MessageId, type RouteBody, type RouteName, type RouteResponse, type SessionResponse } from '@parley/protocol';
import type { CacheStore } from './cache/cache-store';
import { memoryCacheStore } from './cache/memory';
import { OfflineCache, type CacheLimits } from './cache/offline-cache';
import { CatchUp } from './catch-up';
import type { ClientEvents, ClientStatus } from './client-events';
import { isConnectionLoss, newClientMessageId } from './client-support';
import { ConnectionManager } from './connection-manager';
import type { WebSocketCtor } from './connection';
import { Emitter } from './emitter';
import { EventDispatch } from './event-dispatch';
import { Http, type RequestArgsTuple } from './http';
import { draftOf, Outbox, type OutboxItem } from './outbox';
import { ParleyError } from './parley-error';
import { QueuedFiles, type FileToSend } from './queued-files';
import { Sequencer } from './sequencer';
import { SessionManager } from './session';
import { memoryStorage, type KeyValueStorage } from './storage';

export type { ClientEvents, ClientStatus } from './client-events';
export { wsUrlOf } from './client-support';

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
  /** Where the offline cache lives: indexedDbCacheStore() in browsers; defaults to memory (nothing survives). */
  cache?: CacheStore;
  cacheLimits?: Partial<CacheLimits>;
  /**
   * The client refuses to send a password (login, register, account erasure) over plain
   * http:// to a host other than this machine, where anyone on the path could read it
   * (INSECURE_TRANSPORT). True allows it, for a trusted network you have no TLS on.
   */
  allowInsecureTransport?: boolean;
}

export class ParleyClient {
  private readonly emitter = new Emitter<ClientEvents>();
  private readonly session: SessionManager;
  private readonly http: Http;
  private readonly sequencer = new Sequencer();
  private readonly catchUp: CatchUp;
  private readonly outboxQueue: Outbox;
  private readonly connection: ConnectionManager;
  private readonly dispatch: EventDispatch;
  private readonly offline: OfflineCache;
  private readonly files: QueuedFiles;
  /** What this client shows, for the server's notification decisions (see focus()). */
  private focused: ConversationId | null = null;

  constructor(private readonly opts: ParleyClientOptions) {
    const storage = opts.storage ?? memoryStorage();
    const key = opts.storageKey ?? 'parley';
    const fetchImpl = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
    this.session = new SessionManager({
      storage,
      key: `${key}.session`,
      refresh: (refreshToken) => this.http.request('refresh', { body: { refreshToken } }),
      onEnded: (reason) => this.endSession(reason),
      onAccessToken: () => this.connection.tokens.onAccessToken(this.connection.liveRun),
    });
    this.http = new Http({
      baseUrl: opts.baseUrl,
      fetch: fetchImpl,
      allowInsecureTransport: opts.allowInsecureTransport ?? false,
      tokens: { accessToken: () => this.session.accessToken(), refresh: (stale) => this.session.refresh(stale) },
    });
    this.connection = new ConnectionManager({
      baseUrl: opts.baseUrl,
      WebSocket: opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket,
      session: this.session,
      backoff: opts.reconnect ?? {},
      onPush: (frame) => {
        if (frame.type === 'notification') this.emitter.emit('notification', frame);
        else this.catchUp.onPush(frame);
      },
      // The cached copy's cursors, read before the first sync so catch-up resumes from them.
      beforeConnect: async () => {
        this.sequencer.restore(await this.offline.cursors());
      },
      catchUp: () => this.catchUp.run(),
      onStatus: (s) => this.emitter.emit('status', s),
      onOnline: (conn) => {
        this.outboxQueue.setOnline(true);
        this.dispatch.flushDelivered();
        // A new connection starts focused on nothing: tell it what this client shows.
        if (this.focused !== null) conn.request('focus', { conversationId: this.focused }).catch(() => {});
      },
      onOffline: () => this.outboxQueue.setOnline(false),
      onStopped: () => {
        this.dispatch.stop();
        this.catchUp.stop();
        this.outboxQueue.setOnline(false);
      },
      onRevoked: () => this.endSession('revoked'),
    });
    this.dispatch = new EventDispatch({
      emitter: this.emitter,
      autoDelivered: opts.autoDelivered ?? true,
      me: () => this.user?.id,
      onlineConn: () => this.connection.onlineConn(),
    });
    this.catchUp = new CatchUp({
      sequencer: this.sequencer,
      sync: (req) => this.connection.requireConn().request('sync', req),
      release: (r) => this.dispatch.release(r),
      passThrough: (f) => {
        if (f.type === 'typing') this.emitter.emit('typing', { conversationId: f.conversationId, userId: f.userId, state: f.state });
        else if (f.type === 'user') this.emitter.emit('user', f.user);
        else this.emitter.emit('presence', f.presence);
      },
      isOnline: () => this.connection.isWelcomed,
    });
    this.offline = new OfflineCache({
      store: opts.cache ?? memoryCacheStore(),
      ...(opts.cacheLimits ? { limits: opts.cacheLimits } : {}),
      cursor: (id) => ({ seq: this.sequencer.held(id), receiptsVersion: this.sequencer.receiptsVersion(id) }),
      userSeq: () => this.sequencer.userSeq,
    });
    this.files = new QueuedFiles({ cache: this.offline, upload: (name, data) => this.http.upload(name, data) });
    this.outboxQueue = new Outbox({
      storage,
      key: `${key}.outbox`,
      send: (item) =>
        this.connection.requireConn().request('send', {
          conversationId: item.conversationId,
          clientMessageId: item.clientMessageId,
          ...draftOf(item),
          ...(item.replyTo ? { replyTo: item.replyTo } : {}),
          ...(item.threadRootId ? { threadRootId: item.threadRootId } : {}),
          // Old saved items have no attachmentIds; a text-only send leaves the field out.
          ...(item.attachmentIds?.length ? { attachmentIds: [...item.attachmentIds] } : {}),
        }),
      prepare: (item, save) => this.files.prepare(item, save),
      onChange: (items) => this.emitter.emit('outbox', items),
    });
  }

  // ---- state

  get user(): Me | null {
    return this.session.current?.user ?? null;
  }

  get status(): ClientStatus {
    return this.connection.status;
  }

  get outbox(): readonly OutboxItem[] {
    return this.outboxQueue.items;
  }

  /** The offline cache of the logged-in user: what the app showed last, readable with no network. */
  get cache(): OfflineCache {
    return this.offline;
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
    this.offline.useUser(this.session.current!.user.id);
    this.outboxQueue.load(this.session.current!.user.id);
    return true;
  }

  /** Ends this device's session on the server (best effort), disconnects and clears storage. */
  async logout(): Promise<void> {
    const s = this.session.current;
    this.connection.stop(new ParleyError('UNAUTHENTICATED', 'logged out', { retryable: false }));
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

  /**
   * Makes this image (PNG, JPEG, GIF or WebP bytes, at most the server's avatar limit) my
   * avatar; Parley stores a square copy and serves it. Remove it with
   * request('updateProfile', { body: { avatarUrl: null } }).
   */
  async uploadAvatar(image: Blob | ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<Me> {
    const type = image instanceof Blob && image.type ? image.type : 'application/octet-stream';
    const { user } = await this.http.binary<{ user: Me }>(AVATAR_BINARY_ROUTES.upload.method, AVATAR_BINARY_ROUTES.upload.path, image, type);
    this.session.setUser(user);
    return user;
  }

  // ---- connection

  /** Resolves once welcomed and caught up; keeps the connection up (reconnecting) until disconnect(). */
  connect(): Promise<void> {
    return this.connection.connect();
  }

  disconnect(): void {
    this.connection.stop(new ParleyError('UNAVAILABLE', 'disconnected', { retryable: false }));
  }

  /** Asks the server for anything missed (normally automatic). */
  async syncNow(): Promise<void> {
    if (!this.connection.isWelcomed) throw new ParleyError('UNAVAILABLE', 'not connected', { retryable: true });
    await this.catchUp.run();
  }

  // ---- actions

  /**
   * Queues a message in the outbox (persisted, sent when online, retried with the same
   * clientMessageId until the server answers). `attachmentIds` are uploads already made
   * (POST /api/attachments or createUploadUrl): the upload needs the network, the send
   * does not. `files` are files not uploaded yet (picked offline, say): their bytes wait
   * in the offline cache and are uploaded when the send's turn comes, then sent after the
   * `attachmentIds`. `done` rejects on a refusal a retry cannot fix, e.g.
   * ATTACHMENT_INVALID, or PAYLOAD_TOO_LARGE for files past the cache's cap.
   */
  send(
    conversationId: ConversationId,
    input: MessageDraft & { replyTo?: MessageId; threadRootId?: MessageId; attachmentIds?: readonly AttachmentId[]; files?: readonly FileToSend[] },
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
      message: { kind: input.kind, content: input.content } as MessageDraft,
      ...(input.replyTo ? { replyTo: input.replyTo } : {}),
      ...(input.threadRootId ? { threadRootId: input.threadRootId } : {}),
      // A copy: the caller may reuse its array; the queued item must not change under it.
      ...(input.attachmentIds?.length ? { attachmentIds: [...input.attachmentIds] } : {}),
      ...(input.files?.length ? { files: this.files.keep(input.files) } : {}),
      createdAt: Date.now(),
    });
    return { clientMessageId, done };
  }

  /** Fire and forget; 'start' is sent at most every 3 s per conversation, 'stop' only after a 'start'. */
  typing(conversationId: ConversationId, state: 'start' | 'stop'): void {
    this.dispatch.typing(conversationId, state);
  }

  /**
   * Tells the server which conversation this client shows (null: none, or the page is
   * hidden), so it is not notified of messages there. Kept and re-sent after reconnects.
   */
  async focus(conversationId: ConversationId | null): Promise<void> {
    this.focused = conversationId;
    const conn = this.connection.onlineConn();
    if (!conn) return;
    try {
      await conn.request('focus', { conversationId });
    } catch (err) {
      if (!isConnectionLoss(err)) throw err;
    }
  }

  async markRead(conversationId: ConversationId, seq: number): Promise<void> {
    const conn = this.connection.onlineConn();
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
  markDelivered(conversationId: ConversationId, seq: number): Promise<void> {
    return this.dispatch.markDelivered(conversationId, seq);
  }

  // ---- internals

  /** The session is over (logout, revoked, refresh refused): forget everything this user had here. */
  private endSession(reason: string): void {
    const err = new ParleyError('UNAUTHENTICATED', 'session ended', { retryable: false });
    // A refused refresh has cleared the session already; the cache still knows whose it is.
    const userId = this.session.current?.user.id ?? this.offline.user;
    this.connection.stop(err);
    this.session.clear();
    // What this user had here goes with the session: cached conversations and queued files.
    if (userId) void this.offline.clear(userId).catch(() => {});
    this.outboxQueue.clear(err);
    this.sequencer.reset();
    this.dispatch.reset();
    this.emitter.emit('sessionEnded', reason);
  }

  private adopt(res: SessionResponse): Me {
    const previous = this.session.current?.user.id;
    if (previous !== undefined && previous !== res.user.id) {
      // Another account on the same client: nothing of the previous one may leak into it.
      const err = new ParleyError('UNAUTHENTICATED', 'another user logged in', { retryable: false });
      this.connection.stop(err);
      this.outboxQueue.clear(err);
      this.sequencer.reset();
      this.dispatch.reset();
      void this.offline.clear(previous).catch(() => {});
    }
    this.session.set(res);
    this.offline.useUser(res.user.id);
    this.outboxQueue.load(res.user.id);
    return res.user;
  }
}
