/**
 * One socket at a time (connection), kept alive across failures (reconnect with
 * back-off), with its token kept current (token-keeper).
 *
 * Lifecycle: idle → connect() → connecting → online ⇄ offline (reconnecting with
 * back-off) → stopped (stop(): disconnect, logout, a revoked session, an unsupported
 * protocol). `online` means welcomed AND caught up: the app has everything up to now.
 * A socket closed with 4401 (its token expired before a renewal got through) refreshes
 * and reconnects at once; a second refusal in a row backs off.
 */
import { CLOSE, shouldReconnect, type PushFrame } from '@parley/protocol';
import type { ClientStatus } from './client-events';
import { newReady, wsUrlOf, type Ready } from './client-support';
import { Connection, type CloseInfo, type WebSocketCtor } from './connection';
import { ParleyError } from './parley-error';
import { Backoff, type BackoffOptions } from './reconnect';
import type { SessionManager } from './session';
import { TokenKeeper } from './token-keeper';

export interface ConnectionManagerDeps {
  baseUrl: string;
  WebSocket: WebSocketCtor | undefined;
  session: SessionManager;
  backoff: BackoffOptions;
  /** Every push of the live socket. */
  onPush(frame: PushFrame): void;
  /** Runs before the first attempt of a connect() (e.g. loading saved catch-up state). */
  beforeConnect(): Promise<void>;
  /** The socket was welcomed: bring the client up to date (sync); throws when it could not. */
  catchUp(): Promise<void>;
  onStatus(s: ClientStatus): void;
  /** Welcomed and caught up. */
  onOnline(conn: Connection): void;
  /** The live socket went away (a reconnect follows unless stopped). */
  onOffline(): void;
  /** stop(): the run ended; cancel what waits for a connection. */
  onStopped(): void;
  /** The server closed the socket because the session was revoked (logged out everywhere, suspended). */
  onRevoked(): void;
}

export class ConnectionManager {
  private currentStatus: ClientStatus = 'idle';
  private conn: Connection | null = null;
  /** Bumped on every start and stop, so callbacks of an older run do nothing. */
  private runId = 0;
  private running = false;
  private ready: Ready | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private unauthorizedStreak = 0;
  private detachOnline: (() => void) | null = null;
  private readonly backoff: Backoff;
  readonly tokens: TokenKeeper;

  constructor(private readonly deps: ConnectionManagerDeps) {
    this.backoff = new Backoff(deps.backoff);
    this.tokens = new TokenKeeper({
      session: deps.session,
      conn: () => this.conn,
      isLive: (run) => run === this.runId && this.running,
      backoff: deps.backoff,
    });
  }

  get status(): ClientStatus {
    return this.currentStatus;
  }

  /** The live run's id while connect()ed, else null. */
  get liveRun(): number | null {
    return this.running ? this.runId : null;
  }

  /** Resolves once welcomed and caught up; keeps the connection up (reconnecting) until stop(). */
  connect(): Promise<void> {
    if (!this.deps.session.current) return Promise.reject(new ParleyError('UNAUTHENTICATED', 'not logged in', { retryable: false }));
    if (this.running && this.ready) return this.ready.promise;
    if (!this.deps.WebSocket) return Promise.reject(new ParleyError('UNAVAILABLE', 'no WebSocket implementation: pass options.WebSocket', { retryable: false }));
    try {
      wsUrlOf(this.deps.baseUrl);
    } catch {
      return Promise.reject(new ParleyError('BAD_REQUEST', 'baseUrl must be an absolute http(s) URL outside a browser', { retryable: false }));
    }
    this.running = true;
    const run = ++this.runId;
    this.ready = newReady();
    this.listenForNetwork(run);
    this.tokens.schedule(run);
    this.setStatus('connecting');
    void this.deps.beforeConnect().then(
      () => this.attempt(run),
      () => this.attempt(run),
    );
    return this.ready.promise;
  }

  /** The socket when online (welcomed and caught up), else null. */
  onlineConn(): Connection | null {
    return this.currentStatus === 'online' && this.conn?.isWelcomed ? this.conn : null;
  }

  /** The welcomed socket (maybe still catching up); throws a retryable UNAVAILABLE without one. */
  requireConn(): Connection {
    if (!this.conn?.isWelcomed) throw new ParleyError('UNAVAILABLE', 'not connected', { retryable: true });
    return this.conn;
  }

  get isWelcomed(): boolean {
    return this.conn?.isWelcomed ?? false;
  }

  stop(reason: ParleyError): void {
    this.running = false;
    this.runId++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.tokens.stop();
    this.detachOnline?.();
    this.detachOnline = null;
    this.deps.onStopped();
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

  private async attempt(run: number): Promise<void> {
    if (run !== this.runId) return;
    this.setStatus('connecting');
    let token: string;
    try {
      token = await this.deps.session.accessToken();
    } catch {
      // A refused refresh ended the session (and stopped this run); anything else is transient.
      if (run === this.runId) this.retryLater(run);
      return;
    }
    if (run !== this.runId) return;
    let conn: Connection;
    try {
      conn = new Connection({
        url: wsUrlOf(this.deps.baseUrl),
        WebSocket: this.deps.WebSocket!,
        accessToken: token,
        onPush: (frame) => {
          if (this.conn === conn) this.deps.onPush(frame);
        },
        onClose: (info) => this.onClose(run, conn, token, info),
      });
    } catch {
      // The WebSocket constructor itself refused (a browser blocking the URL, for example).
      return this.retryLater(run);
    }
    this.conn = conn;
    this.tokens.socketOpened(token);
    try {
      await conn.opened;
    } catch {
      return; // onClose decides what comes next
    }
    if (run !== this.runId || this.conn !== conn) return conn.close();
    this.unauthorizedStreak = 0;
    // A refresh that finished while this socket said hello left it on the older token.
    this.tokens.renewSocket();
    try {
      await this.deps.catchUp();
    } catch {
      // Not caught up means not online: start over (onClose schedules the retry).
      if (this.conn === conn) conn.close(CLOSE.TRY_AGAIN_LATER, 'sync failed');
      return;
    }
    if (run !== this.runId || this.conn !== conn) return;
    this.backoff.reset();
    this.setStatus('online');
    this.deps.onOnline(conn);
    if (this.ready && !this.ready.settled) {
      this.ready.settled = true;
      this.ready.resolve();
    }
  }

  private onClose(run: number, conn: Connection, token: string, info: CloseInfo): void {
    if (this.conn !== conn) return;
    this.conn = null;
    this.deps.onOffline();
    if (run !== this.runId) return;
    if (info.code === CLOSE.UNAUTHENTICATED) {
      this.setStatus('offline');
      // Refresh, then reconnect at once; a second refusal in a row backs off.
      const streak = ++this.unauthorizedStreak;
      this.deps.session.refresh(token).then(
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
    if (info.code === CLOSE.SESSION_REVOKED) return this.deps.onRevoked();
    if (!shouldReconnect(info.code)) {
      const code = info.code === CLOSE.PROTOCOL_UNSUPPORTED ? 'PROTOCOL_VERSION_UNSUPPORTED' : 'BAD_REQUEST';
      return this.stop(new ParleyError(code, `connection closed by the server (${info.code})`, { retryable: false }));
    }
    this.retryLater(run);
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

  private setStatus(s: ClientStatus): void {
    if (s === this.currentStatus) return;
    this.currentStatus = s;
    this.deps.onStatus(s);
  }
}
