/**
 * An in-memory stand-in for the Parley server, enough to drive the client through its
 * whole lifecycle without a network: REST auth (login, refresh, GET /api/me) behind a
 * fake fetch, and WebSocket hello/welcome, send (idempotent by clientMessageId), sync,
 * ping, auth (token renewal) and pushes behind a fake WebSocket. Faults are switches: drop pushes, ignore pings, close with a
 * code, swallow a send's reply, refuse renewals, answer refreshes with 503.
 */
import { PROTOCOL_VERSION, type ConversationEvent, type ConversationId, type ErrorCode, type Me, type Message, type SyncRequest, type SyncResponse, type UserId } from '@parley/protocol';
import type { WebSocketCtor, WebSocketLike } from '../connection';

type Listener = (ev: unknown) => void;

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  userId: UserId | null = null;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(
    readonly url: string,
    private readonly hub: FakeHub,
  ) {
    hub.sockets.add(this);
    setTimeout(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.fire('open', {});
    }, 0);
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    const frame = JSON.parse(data);
    setTimeout(() => this.hub.onFrame(this, frame), 0);
  }

  /** Client-initiated close. */
  close(code = 1000, reason = ''): void {
    this.end(code, reason);
  }

  /** Server → client frame. */
  deliver(frame: unknown): void {
    if (this.readyState !== 1) return;
    const data = JSON.stringify(frame);
    setTimeout(() => this.readyState === 1 && this.fire('message', { data }), 0);
  }

  /** Server-initiated close (or the network dying, with 1006). */
  end(code: number, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.hub.sockets.delete(this);
    setTimeout(() => this.fire('close', { code, reason }), 0);
  }

  private fire(type: string, ev: unknown): void {
    for (const l of this.listeners.get(type) ?? []) l(ev);
  }
}

export class FakeHub {
  readonly sockets = new Set<FakeSocket>();
  readonly users = new Map<string, Me>();
  private readonly tokens = new Map<string, UserId>();
  private readonly refreshTokens = new Map<string, UserId>();
  readonly conversations = new Map<ConversationId, { members: UserId[]; events: ConversationEvent[] }>();
  private readonly byClientId = new Map<string, Message>();
  private n = 0;
  /** Every sync request received, for assertions. */
  readonly syncRequests: SyncRequest[] = [];
  readonly sendAttempts: string[] = [];
  /** The token of every `auth` request received, in order. */
  readonly authTokens: string[] = [];
  refreshCount = 0;

  // fault switches
  dropPushes = false;
  /** Keep conversation pushes back until releaseHeld() (to deliver them out of order). */
  holdPushes = false;
  private held: (() => void)[] = [];
  ignorePings = false;
  heartbeatMs = 25_000;
  /** Close the next hello with this code instead of welcoming it. */
  rejectNextHello: number | null = null;
  /** Commit the next send, then kill the socket before replying. */
  loseNextSendReply = false;
  /** Answer every `auth` with this error (the token is recorded, the socket not renewed). */
  refuseAuth: ErrorCode | null = null;
  /** Answer every refresh with 503, spending nothing (counted in refreshCount). */
  refreshUnavailable = false;

  readonly WebSocket: WebSocketCtor;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const hub = this;
    this.WebSocket = class extends FakeSocket {
      constructor(url: string) {
        super(url, hub);
      }
    };
  }

  addUser(username: string): { user: Me; accessToken: string; refreshToken: string; expiresIn: number } {
    const user: Me = {
      id: `u_${username}` as UserId,
      username,
      displayName: username,
      avatarUrl: null,
      privacy: { lastSeen: 'everyone', readReceipts: true },
      role: 'user',
      createdAt: 0,
    };
    this.users.set(username, user);
    return this.issue(user.id);
  }

  issue(userId: UserId) {
    const accessToken = `at${++this.n}`;
    const refreshToken = `rt${this.n}`;
    this.tokens.set(accessToken, userId);
    this.refreshTokens.set(refreshToken, userId);
    return { user: [...this.users.values()].find((u) => u.id === userId)!, accessToken, refreshToken, expiresIn: 900 };
  }

  revokeAccessTokens(): void {
    this.tokens.clear();
  }

  readonly fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const json = (status: number, b: unknown) => new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
    if (url.pathname === '/api/auth/refresh') {
      this.refreshCount++;
      if (this.refreshUnavailable) return json(503, { code: 'UNAVAILABLE', message: 'down' });
      const userId = this.refreshTokens.get(body.refreshToken);
      if (!userId) return json(401, { code: 'INVALID_REFRESH_TOKEN', message: 'no' });
      this.refreshTokens.delete(body.refreshToken);
      return json(200, this.issue(userId));
    }
    if (url.pathname === '/api/me') {
      const bearer = (init?.headers as Record<string, string> | undefined)?.authorization?.replace(/^Bearer /, '') ?? '';
      const userId = this.tokens.get(bearer);
      if (!userId) return json(401, { code: 'UNAUTHENTICATED', message: 'no' });
      return json(200, { user: [...this.users.values()].find((u) => u.id === userId) });
    }
    return json(404, { code: 'ROUTE_NOT_FOUND', message: 'no' });
  }) as typeof fetch;

  createConversation(id: string, members: UserId[]): ConversationId {
    const cid = id as ConversationId;
    this.conversations.set(cid, { members, events: [] });
    this.append(cid, members[0]!, { type: 'conversation.created', kind: 'direct', title: null });
    return cid;
  }

  /** Commits a message as `sender` and fans it out (unless pushes are being dropped). */
  post(cid: ConversationId, sender: UserId, body: string, clientMessageId = `srv${++this.n}`): Message {
    const existing = this.byClientId.get(`${sender}:${clientMessageId}`);
    if (existing) return existing;
    const conv = this.conversations.get(cid)!;
    const message: Message = {
      id: `m${++this.n}` as Message['id'],
      conversationId: cid,
      seq: conv.events.length + 1,
      senderId: sender,
      clientMessageId: clientMessageId as Message['clientMessageId'],
      kind: 'text',
      content: { title: null, body },
      replyTo: null,
      threadRootId: null,
      targetId: null,
      createdAt: Date.now(),
      editedAt: null,
      deletedAt: null,
    };
    this.byClientId.set(`${sender}:${clientMessageId}`, message);
    this.append(cid, sender, { type: 'message.created', message });
    return message;
  }

  private append(cid: ConversationId, actorId: UserId, rest: Record<string, unknown>): void {
    const conv = this.conversations.get(cid)!;
    const event = { ...rest, conversationId: cid, seq: conv.events.length + 1, actorId, at: Date.now() } as ConversationEvent;
    conv.events.push(event);
    if (this.dropPushes) return;
    const push = () => {
      for (const s of this.sockets) if (s.userId && conv.members.includes(s.userId)) s.deliver({ type: 'event', event });
    };
    if (this.holdPushes) this.held.push(push);
    else push();
  }

  /** Delivers the held pushes, newest first (as two nodes' publishes can arrive), and stops holding. */
  releaseHeldNewestFirst(): void {
    this.holdPushes = false;
    for (const push of this.held.splice(0).reverse()) push();
  }

  onFrame(socket: FakeSocket, frame: { type: string; id?: number; op?: string; data?: unknown; token?: string }): void {
    if (!socket.userId) {
      if (frame.type !== 'hello') return socket.end(4400);
      if (this.rejectNextHello !== null) {
        const code = this.rejectNextHello;
        this.rejectNextHello = null;
        return socket.end(code);
      }
      const userId = this.tokens.get(frame.token ?? '');
      if (!userId) return socket.end(4401);
      socket.userId = userId;
      return socket.deliver({ type: 'welcome', protocol: PROTOCOL_VERSION, userId, heartbeatMs: this.heartbeatMs, serverTime: Date.now() });
    }
    const reply = (data: unknown) => socket.deliver({ type: 'res', id: frame.id, ok: true, data });
    switch (frame.op) {
      case 'ping':
        if (!this.ignorePings) reply({ serverTime: Date.now() });
        return;
      case 'sync':
        this.syncRequests.push(frame.data as SyncRequest);
        return reply(this.sync(socket.userId, frame.data as SyncRequest));
      case 'send': {
        const d = frame.data as { conversationId: ConversationId; clientMessageId: string; content: { body: string } };
        this.sendAttempts.push(d.clientMessageId);
        const duplicate = this.byClientId.has(`${socket.userId}:${d.clientMessageId}`);
        const message = this.post(d.conversationId, socket.userId, d.content.body, d.clientMessageId);
        if (this.loseNextSendReply) {
          this.loseNextSendReply = false;
          return socket.end(1006);
        }
        return reply({ message, duplicate });
      }
      case 'delivered':
        return reply({ deliveredSeq: (frame.data as { seq: number }).seq });
      case 'read':
        return reply({ readSeq: (frame.data as { seq: number }).seq });
      case 'typing':
        return reply({});
      case 'auth': {
        const token = (frame.data as { token: string }).token;
        this.authTokens.push(token);
        if (this.refuseAuth) return socket.deliver({ type: 'res', id: frame.id, ok: false, error: { code: this.refuseAuth, message: 'no' } });
        if (this.tokens.get(token) !== socket.userId) return socket.deliver({ type: 'res', id: frame.id, ok: false, error: { code: 'UNAUTHENTICATED', message: 'no' } });
        return reply({ expiresAt: Date.now() + 900_000 });
      }
    }
  }

  private sync(userId: UserId, req: SyncRequest): SyncResponse {
    const named = new Map((req.conversations ?? []).map((c) => [c.id as ConversationId, c.seq]));
    const out: SyncResponse = { conversations: [], userEvents: [], userSeq: 0, hasMore: false };
    for (const [id, conv] of this.conversations) {
      if (!conv.members.includes(userId)) continue;
      const from = named.get(id);
      const head = { id, receiptsVersion: 0, lastSeq: conv.events.length, removed: false, hasMore: false };
      if (from === undefined && req.unknown === 'heads') out.conversations.push({ ...head, events: [] });
      else out.conversations.push({ ...head, events: conv.events.slice(from ?? 0) });
    }
    for (const id of named.keys()) {
      if (!this.conversations.get(id)?.members.includes(userId)) out.conversations.push({ id, events: [], receiptsVersion: 0, lastSeq: 0, hasMore: false, removed: true });
    }
    return out;
  }

  /** Ends every socket of a user with a close code (e.g. 1006 for a dead network). */
  drop(userId: UserId, code = 1006): void {
    for (const s of [...this.sockets]) if (s.userId === userId) s.end(code);
  }
}
