/**
 * The WebSocket gateway on the HTTP server's port, path /ws. A socket must say hello
 * (protocol version + access token) first; then it sends requests and receives
 * replies and pushes. Every inbound frame is validated against the protocol schemas;
 * a bad frame gets an error reply and changes nothing.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import {
  CLOSE,
  HEARTBEAT_INTERVAL_MS,
  findIllFormedString,
  HelloFrame,
  LIMITS,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type ConversationEvent,
  type ConversationId,
  type UserId,
  type WelcomeFrame,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import type { Services } from '../domain/services';
import { ClientConnection, type ConnectionSession } from './connection';
import { RequestDispatcher } from './dispatcher';
import { LocalRouting } from './routing';
import { DEFAULT_RECHECK_MS, SessionRecheck } from './session-recheck';
import { SocketCaps, type Release } from './socket-caps';
import { trustFunction } from '../edge-config';
import proxyAddr from '@fastify/proxy-addr';
import { BusWatchdog } from './bus-watchdog';

/** Frames a client may pipeline behind hello before welcome (each at most LIMITS.frameBytesMax). */
const MAX_FRAMES_BEFORE_WELCOME = 32;
/**
 * How often tick() sweeps the sockets: heartbeat timeouts, expired access tokens and
 * presence renewal. A socket is closed at most one tick after its token expires.
 */
const DEFAULT_TICK_MS = Math.min(10_000, HEARTBEAT_INTERVAL_MS / 2);

export class Gateway {
  private readonly wss: WebSocketServer;
  readonly routing: LocalRouting;
  private readonly dispatcher: RequestDispatcher;
  private readonly recheck: SessionRecheck;
  private readonly timer: NodeJS.Timeout;
  /** Bus gaps seen (each 'restored' starts one re-check; only the latest releases). */
  private gaps = 0;
  private closed = false;
  private accepting = true;
  /** Sockets elsewhere while the bus cannot deliver (bus-watchdog.ts). */
  private readonly busWatchdog: BusWatchdog;
  /** Connections whose routing and presence are being released after their socket closed. */
  private readonly releasing = new Set<Promise<void>>();
  private readonly caps: SocketCaps;
  private readonly trust: (address: string, hop: number) => boolean;

  constructor(private readonly services: Services) {
    const { deps } = services;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.frameBytesMax, perMessageDeflate: false, clientTracking: false });
    this.routing = new LocalRouting(deps.bus, {
      joined: (userId, id, frame) => void this.catchUpJoined(userId, id, frame),
      delivered: (n, sentAt) => {
        if (sentAt === null) return;
        deps.metrics.messagesDelivered.inc(n);
        if (n > 0) deps.metrics.sendDeliverSeconds.observe(Math.max(0, deps.clock() - sentAt) / 1000);
      },
      // Failing open (deliver typing/presence) beats refusing the socket when the store hiccups here.
      blockRelations: (userId) =>
        deps.store.moderation.blockRelations(userId).catch((err: unknown) => {
          deps.log.warn({ err }, 'block relations unavailable');
          return [];
        }),
      sessionRevoked: (sessionId) => services.auth.sessionRevoked(sessionId),
      dropped: (reason) => deps.metrics.busPayloadsDropped.inc({ reason }),
    });
    this.dispatcher = new RequestDispatcher(services);
    this.recheck = new SessionRecheck(deps, this.routing, (sessionId) => services.auth.sessionRevoked(sessionId));
    this.recheck.start(deps.config.recheckIntervalMs ?? DEFAULT_RECHECK_MS);
    deps.bus.watchDelivery((state) => {
      if (state === 'lost') this.routing.hold();
      else void this.afterGap(++this.gaps);
    });
    this.caps = new SocketCaps(deps.config.edge);
    this.trust = trustFunction(deps.config.trustProxy);
    this.timer = setInterval(() => void this.tick(), deps.config.gatewayTickMs ?? DEFAULT_TICK_MS);
    this.timer.unref();
    this.busWatchdog = new BusWatchdog({
      healthy: () => deps.bus.healthy(),
      graceMs: deps.config.busGraceMs ?? 10_000,
      onLost: () => {
        const open = [...this.routing.connections()];
        deps.log.warn({ sockets: open.length }, 'the bus cannot deliver: sockets sent to other nodes, upgrades refused until it can');
        for (const conn of open) conn.close(CLOSE.TRY_AGAIN_LATER, 'reconnect elsewhere');
      },
      onBack: () => deps.log.info('the bus delivers again: taking sockets'),
    });
  }

  /**
   * The bus lost messages (its subscriptions were down) and delivers again. Deliveries
   * have been held since the loss: re-check every socket and every route against the
   * database first, then deliver what was held. While the database cannot answer,
   * keep holding (invariant 6 over liveness; clients catch up by seq once released).
   */
  private async afterGap(gap: number): Promise<void> {
    const { log } = this.services.deps;
    for (let attempt = 0; ; attempt++) {
      if (gap !== this.gaps || this.closed) return;
      try {
        await this.recheck.run();
        break;
      } catch (err) {
        log.warn({ err, attempt }, 're-check after a bus gap failed; still holding deliveries');
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)).unref());
      }
    }
    // Another gap began meanwhile: its own re-check releases.
    if (gap !== this.gaps) return;
    this.routing.release();
    // What was held may have moved routes again (bus messages older than the pass): read those users once more.
    void this.recheck.run().catch((err: unknown) => log.warn({ err }, 'socket re-check failed'));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '';
    const unavailable = !this.accepting || this.busWatchdog.cutOff;
    if (unavailable || (url !== '/ws' && !url.startsWith('/ws?'))) {
      socket.write(`HTTP/1.1 ${unavailable ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return;
    }
    // The client's address as the trusted proxies report it (the TCP peer without one).
    const releaseUnauthenticated = this.caps.admitUnauthenticated(proxyAddr(req, this.trust));
    if (!releaseUnauthenticated) {
      this.services.deps.metrics.edgeRefusals.inc({ reason: 'ws_unauthenticated_per_address' });
      socket.write('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    socket.once('close', releaseUnauthenticated);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, releaseUnauthenticated));
  }

  private onSocket(ws: WebSocket, releaseUnauthenticated: Release): void {
    const { deps } = this.services;
    let conn: ClientConnection | null = null;
    let helloDone = false;
    const slots: { user: Release | null } = { user: null };
    const helloTimer = setTimeout(() => {
      deps.metrics.edgeRefusals.inc({ reason: 'ws_hello_timeout' });
      ws.close(CLOSE.PROTOCOL_ERROR, 'hello required');
    }, deps.config.edge.wsHelloTimeoutMs);
    helloTimer.unref();

    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearTimeout(helloTimer);
      releaseUnauthenticated();
      slots.user?.();
      if (conn) void this.onClose(conn);
    });
    // Requests pipelined behind hello wait for it (a client need not wait for welcome);
    // dropping them silently would leave a send unanswered.
    const early: { data: RawData; isBinary: boolean }[] = [];
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (conn) {
        conn.lastFrameAt = deps.clock();
        void this.dispatcher.handle(conn, data, isBinary);
        return;
      }
      if (helloDone) {
        if (early.length < MAX_FRAMES_BEFORE_WELCOME) early.push({ data, isBinary });
        else ws.close(CLOSE.PROTOCOL_ERROR, 'too many frames before welcome');
        return;
      }
      helloDone = true;
      clearTimeout(helloTimer);
      void this.hello(ws, data, isBinary, slots).then((c) => {
        releaseUnauthenticated();
        conn = c;
        const queued = early.splice(0);
        if (!c) return;
        if (ws.readyState !== ws.OPEN) return void this.onClose(c);
        for (const f of queued) void this.dispatcher.handle(c, f.data, f.isBinary);
      });
    });
  }

  private async hello(ws: WebSocket, data: RawData, isBinary: boolean, slots: { user: Release | null }): Promise<ClientConnection | null> {
    const { deps, auth, users } = this.services;
    let frame: HelloFrame;
    try {
      if (isBinary) throw new Error('binary');
      const raw: unknown = JSON.parse(data.toString());
      if (findIllFormedString(raw)) throw new Error('ill-formed text');
      frame = HelloFrame.parse(raw);
    } catch {
      ws.close(CLOSE.PROTOCOL_ERROR, 'first frame must be hello');
      return null;
    }
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(frame.protocol)) {
      ws.close(CLOSE.PROTOCOL_UNSUPPORTED, `protocol ${PROTOCOL_VERSION} required`);
      return null;
    }
    let userId: UserId;
    let session: ConnectionSession;
    let expiresAt: number;
    let conversationIds: ConversationId[];
    try {
      const who = await auth.authenticate(frame.token);
      ({ userId, expiresAt } = who);
      session = { id: who.sessionId, version: who.user.sessionVersion };
      conversationIds = await deps.store.listConversationIds(userId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'ACCOUNT_SUSPENDED') ws.close(CLOSE.SESSION_REVOKED, 'suspended');
      else if (err instanceof AppError && err.code === 'UNAUTHENTICATED') ws.close(CLOSE.UNAUTHENTICATED, 'unauthenticated');
      else {
        deps.log.error({ err }, 'hello failed');
        ws.close(CLOSE.TRY_AGAIN_LATER, 'try again later');
      }
      return null;
    }
    if (ws.readyState !== ws.OPEN) return null;
    // Released by the socket's close handler, which has not run: the socket is open.
    slots.user = this.caps.admitUser(userId);
    if (!slots.user) {
      deps.metrics.edgeRefusals.inc({ reason: 'ws_per_user' });
      ws.close(CLOSE.TOO_MANY_CONNECTIONS, 'too many open connections for this account');
      return null;
    }
    const conn = new ClientConnection(randomUUID(), userId, ws, deps.config.socketBufferMaxBytes, (c) => this.slow(c), deps.clock(), expiresAt, session);
    await this.routing.add(conn, conversationIds);
    // A revocation (logout, log out everywhere, suspension) that landed after
    // authenticate() but before the user-topic subscription published its close before
    // this socket could hear it. Now that it would, look again, so no revoked session
    // keeps a socket.
    if (!(await this.sessionStillValid(userId, session))) {
      await this.routing.remove(conn);
      ws.close(CLOSE.SESSION_REVOKED, 'session revoked');
      return null;
    }
    deps.metrics.connections.inc();
    try {
      if (await deps.presence.connected(userId, conn.id)) void users.cameOnline(userId).catch((err) => deps.log.warn({ err }, 'presence publish failed'));
    } catch (err) {
      deps.log.warn({ err }, 'presence unavailable');
    }
    const welcome: WelcomeFrame = { type: 'welcome', protocol: frame.protocol, userId, heartbeatMs: HEARTBEAT_INTERVAL_MS, serverTime: deps.clock() };
    conn.welcome(JSON.stringify(welcome));
    return conn;
  }

  private async sessionStillValid(userId: UserId, session: ConnectionSession): Promise<boolean> {
    const { store } = this.services.deps;
    try {
      const [[state], revoked] = await Promise.all([store.accessStates([userId]), session.id === null ? [] : store.revokedSessions([session.id])]);
      return state !== undefined && state.sessionVersion === session.version && !state.suspended && revoked.length === 0;
    } catch (err) {
      this.services.deps.log.warn({ err }, 'session re-check failed');
      return false;
    }
  }

  private onClose(conn: ClientConnection): Promise<void> {
    if (conn.released) return Promise.resolve();
    conn.released = true;
    const release = this.release(conn).finally(() => this.releasing.delete(release));
    this.releasing.add(release);
    return release;
  }

  private async release(conn: ClientConnection): Promise<void> {
    const { deps, users } = this.services;
    conn.closed = true;
    this.services.notifications.connectionClosed(conn.userId, conn.id);
    deps.metrics.connections.dec();
    await this.routing.remove(conn);
    try {
      if (await deps.presence.disconnected(conn.userId, conn.id)) await users.wentOffline(conn.userId);
    } catch (err) {
      deps.log.warn({ err }, 'presence update failed');
    }
  }

  private slow(conn: ClientConnection): void {
    this.services.deps.metrics.slowConsumers.inc();
    conn.close(CLOSE.SLOW_CONSUMER, 'too slow, reconnect and catch up');
  }

  /**
   * A user just routed into a conversation may have missed events published while the
   * node subscribed to it; send them what came after the join (the client drops
   * duplicates by seq).
   */
  private async catchUpJoined(userId: UserId, id: ConversationId, frame: string): Promise<void> {
    try {
      const joined = (JSON.parse(frame) as { event: ConversationEvent }).event.seq;
      const { events } = await this.services.deps.store.eventsAfter(id, joined, LIMITS.syncEventsMax);
      for (const event of events) {
        const buf = Buffer.from(JSON.stringify({ type: 'event', event }));
        for (const conn of this.routing.connectionsOf(userId) ?? []) conn.push(buf);
      }
    } catch (err) {
      this.services.deps.log.warn({ err }, 'join catch-up failed');
    }
  }

  /**
   * Closes silent sockets and sockets whose access token has expired, and renews this
   * node's presence entries.
   *
   * A socket is authenticated by its hello and must not outlive the token it showed,
   * unless it showed a newer one with an `auth` request (the dispatcher then moves
   * conn.accessExpiresAt). Expiry is checked here, in the sweep every socket already
   * gets, rather than with a timer per socket (idle sockets are meant to be cheap), so a
   * socket is closed up to one tick (DEFAULT_TICK_MS, 10 s) after its token expired.
   * 4401 tells the client to refresh the token, reconnect and catch up with `sync`.
   */
  private async tick(): Promise<void> {
    const { deps } = this.services;
    const now = deps.clock();
    const entries: { userId: UserId; connectionId: string }[] = [];
    for (const conn of this.routing.connections()) {
      if (now - conn.lastFrameAt > HEARTBEAT_INTERVAL_MS * 2) conn.close(CLOSE.HEARTBEAT_TIMEOUT, 'heartbeat timeout');
      else if (now >= conn.accessExpiresAt) conn.close(CLOSE.UNAUTHENTICATED, 'access token expired');
      else entries.push({ userId: conn.userId, connectionId: conn.id });
    }
    try {
      await deps.presence.heartbeat(entries);
    } catch (err) {
      deps.log.warn({ err }, 'presence heartbeat failed');
    }
  }

  get connectionCount(): number {
    return this.routing.connectionCount;
  }

  /** Stop taking sockets, let in-flight sends commit, then ask every client to reconnect elsewhere. */
  async drain(): Promise<void> {
    this.accepting = false;
    await this.services.messages.drained();
    await this.services.conversations.flushReceipts();
    // Notifications for what was just committed are decided after the commit: let them finish.
    await this.services.notifications.idle();
    const open = [...this.routing.connections()];
    for (const conn of open) conn.close(CLOSE.GOING_AWAY, 'server going away');
    // Wait for the sockets to close (a silent peer is terminated after 2 s) and for their
    // presence updates, so the node does not close Redis under them and leave users
    // "online" until their entries expire.
    const deadline = Date.now() + 3000;
    while (open.some((c) => !c.released) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.allSettled([...this.releasing]);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.recheck.stop();
    this.busWatchdog.stop();
    for (const conn of [...this.routing.connections()]) conn.ws.terminate();
    this.wss.close();
  }
}
