/**
 * Keeps the open socket's token current. Access tokens are short-lived and the server
 * closes a socket (4401) once the token it proved has expired. While connected, the
 * keeper refreshes the token shortly before expiry, and hands every new token (from
 * that, or a refresh a REST 401 caused) to the open socket with the `auth` request, so
 * the socket stays up. A refresh or an `auth` that fails for a reason a retry can fix
 * (network, 5xx, RATE_LIMITED, a timeout) is tried again with back-off while the token
 * lasts. A socket closed with 4401 anyway is the connection manager's to handle.
 */
import { isTransient, retryDelay } from './client-support';
import type { Connection } from './connection';
import { Backoff, type BackoffOptions } from './reconnect';
import type { SessionManager } from './session';

/** The scheduled refresh runs at most this often (a server handing out near-zero lifetimes must not cause a busy loop). */
const MIN_REFRESH_DELAY_MS = 250;
/** setTimeout fires at once past this delay; a later refresh is planned again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface TokenKeeperDeps {
  session: SessionManager;
  /** The socket now open, if any. */
  conn(): Connection | null;
  /** Whether `run` is the live connect() run (a stopped or restarted run's timers do nothing). */
  isLive(run: number): boolean;
  backoff: BackoffOptions;
}

export class TokenKeeper {
  /** Refreshes the access token before it expires, while connect()ed (see schedule). */
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** Back-off of the scheduled refresh retried after a transient failure; reset by a new token. */
  private readonly refreshBackoff: Backoff;
  /** Sends `auth` again after a transient failure (see renewSocket). */
  private renewTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly renewBackoff: Backoff;
  /** The access token the open socket last showed the server: its hello's, then its latest `auth`. */
  private connToken: string | null = null;

  constructor(private readonly deps: TokenKeeperDeps) {
    this.refreshBackoff = new Backoff(deps.backoff);
    this.renewBackoff = new Backoff(deps.backoff);
  }

  /** A new socket said hello with `token`. */
  socketOpened(token: string): void {
    this.connToken = token;
  }

  /** The session holds a new access token: give it to the open socket, and plan the next refresh of `run` (null: not connect()ed). */
  onAccessToken(run: number | null): void {
    this.refreshBackoff.reset();
    this.renewSocket();
    if (run !== null) this.schedule(run);
  }

  /**
   * Sends the session's access token to the open socket (`auth`) when the socket has not
   * shown it yet, so the server keeps the socket past the older token's expiry. A
   * transient failure is sent again with back-off, on the same socket only: the server
   * closes it at the older token's expiry, which ends the retries. A refusal (FORBIDDEN,
   * UNAUTHENTICATED) is not retried: the server's 4401 at expiry makes the connection
   * manager refresh and reconnect.
   */
  renewSocket(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
    const conn = this.deps.conn();
    const token = this.deps.session.current?.accessToken;
    if (!conn?.isWelcomed || !token || token === this.connToken) return;
    const held = this.connToken;
    this.connToken = token;
    conn.request('auth', { token }).then(
      () => this.renewBackoff.reset(),
      (err: unknown) => {
        // A closed socket, or a newer token sent meanwhile, makes this outcome moot.
        if (this.deps.conn() !== conn || this.connToken !== token || !isTransient(err)) return;
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
  schedule(run: number, delayMs?: number): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    const due = this.deps.session.refreshDueAt();
    if (!this.deps.isLive(run) || due === null) return;
    this.refreshTimer = setTimeout(
      () => {
        this.refreshTimer = null;
        if (!this.deps.isLive(run)) return;
        // Refreshes only when due (a REST call or another tab may have done it already).
        this.deps.session.accessToken().then(
          () => this.schedule(run),
          (err: unknown) => this.retryRefresh(run, err),
        );
      },
      delayMs ?? Math.min(MAX_TIMER_MS, Math.max(MIN_REFRESH_DELAY_MS, due - Date.now())),
    );
  }

  stop(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.refreshTimer = this.renewTimer = null;
  }

  /**
   * The scheduled refresh failed. A refused refresh token has ended the session (and this
   * run) already. A transient failure is tried again with back-off while the access token
   * is still valid; once a retry would come too late, or on any other refusal, the server's
   * 4401 at expiry (or the next connection attempt) refreshes instead.
   */
  private retryRefresh(run: number, err: unknown): void {
    const expiresAt = this.deps.session.current?.accessExpiresAt;
    if (!this.deps.isLive(run) || expiresAt === undefined || !isTransient(err)) return;
    const delay = retryDelay(this.refreshBackoff, err);
    if (Date.now() + delay < expiresAt) this.schedule(run, delay);
  }
}
