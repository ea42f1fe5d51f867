/**
 * The session: access token, refresh token, expiry and user, kept in storage so a
 * returning user skips the login.
 *
 * Guarantees:
 * - At most one refresh is in flight per client: concurrent callers share it. Refresh
 *   tokens rotate and reusing a spent one revokes the whole session family, so this is
 *   a correctness rule, not an optimisation.
 * - Tabs sharing a storage do not spend the same refresh token twice: the refresh runs
 *   under a Web Lock when the platform has one, and a token another tab already rotated
 *   is adopted from storage instead of being spent again.
 * - A refresh the server refuses (INVALID_REFRESH_TOKEN) ends the session: storage is
 *   cleared and `onEnded` is called once.
 * - Every new access token (login, refresh, or one another tab refreshed) is announced
 *   through `onAccessToken`, so the client can renew its open socket with it.
 */
import type { Me, SessionResponse } from '@parley/protocol';
import { ParleyError } from './parley-error';
import { readJson, removeKey, writeJson, type KeyValueStorage } from './storage';

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms at which the access token expires (by this client's clock; up to a second early, see EXP_ROUNDING_MS). */
  accessExpiresAt: number;
  /** Epoch ms after which the token is refreshed before use: shortly before expiry. */
  refreshAt: number;
  user: Me;
}

export interface SessionDeps {
  storage: KeyValueStorage;
  key: string;
  /** Trades a refresh token for a new session (the refresh route). */
  refresh(refreshToken: string): Promise<SessionResponse>;
  onEnded(reason: string): void;
  /** The session holds a new access token (after login, a refresh, or adopting another tab's). */
  onAccessToken?(session: Session): void;
  now?: () => number;
}

/** Refresh this long before expiry, or halfway through the lifetime of short-lived tokens. */
const REFRESH_AHEAD_MS = 60_000;
/**
 * The server writes a token's exp in whole seconds (its issue time rounded down, plus
 * the lifetime), so the token may expire up to this much sooner than `expiresIn` says.
 */
const EXP_ROUNDING_MS = 1000;

interface LockManager {
  request<T>(name: string, cb: () => Promise<T>): Promise<T>;
}

export class SessionManager {
  private session: Session | null = null;
  private inFlight: Promise<string> | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: SessionDeps) {
    this.now = deps.now ?? Date.now;
  }

  get current(): Session | null {
    return this.session;
  }

  /** Loads a saved session; true when there is one. */
  restore(): boolean {
    const saved = readJson<Session>(this.deps.storage, this.deps.key);
    if (!isSession(saved)) return false;
    this.session = saved;
    return true;
  }

  set(res: SessionResponse): Session {
    const lifetimeMs = Math.max(0, res.expiresIn * 1000 - EXP_ROUNDING_MS);
    const now = this.now();
    this.session = {
      accessToken: res.accessToken,
      refreshToken: res.refreshToken,
      accessExpiresAt: now + lifetimeMs,
      refreshAt: now + lifetimeMs - Math.min(REFRESH_AHEAD_MS, lifetimeMs / 2),
      user: res.user,
    };
    this.save();
    this.announce();
    return this.session;
  }

  /**
   * When the access token should be refreshed (epoch ms, this client's clock), so a
   * client that makes no request still refreshes in time; null when logged out.
   */
  refreshDueAt(): number | null {
    return this.session ? this.refreshAt(this.session) : null;
  }

  setUser(user: Me): void {
    if (!this.session) return;
    this.session = { ...this.session, user };
    this.save();
  }

  /** Forgets the session here and in storage (no server call). */
  clear(): void {
    this.session = null;
    removeKey(this.deps.storage, this.deps.key);
  }

  /** A usable access token, refreshed first when it is about to expire. */
  async accessToken(): Promise<string> {
    const s = this.session;
    if (!s) throw new ParleyError('UNAUTHENTICATED', 'not logged in');
    if (this.now() < this.refreshAt(s)) return s.accessToken;
    return this.refresh(s.accessToken);
  }

  /**
   * A fresh access token. `stale` is the token the caller saw fail: when the session
   * already moved past it (another caller refreshed), the current one is returned
   * without spending the refresh token again.
   */
  refresh(stale?: string): Promise<string> {
    const s = this.session;
    if (!s) return Promise.reject(new ParleyError('UNAUTHENTICATED', 'not logged in'));
    if (stale !== undefined && s.accessToken !== stale && this.now() < this.refreshAt(s)) return Promise.resolve(s.accessToken);
    if (this.inFlight) return this.inFlight;
    const p = this.withLock(() => this.doRefresh(s)).finally(() => {
      if (this.inFlight === p) this.inFlight = null;
    });
    this.inFlight = p;
    return p;
  }

  private async doRefresh(held: Session): Promise<string> {
    // Another tab may have rotated the token while we waited for the lock.
    const stored = readJson<Session>(this.deps.storage, this.deps.key);
    if (isSession(stored) && stored.refreshToken !== held.refreshToken && stored.user.id === held.user.id) {
      this.session = stored;
      if (stored.accessToken !== held.accessToken) this.announce();
      if (this.now() < this.refreshAt(stored)) return stored.accessToken;
    }
    const current = this.session;
    if (!current) throw new ParleyError('UNAUTHENTICATED', 'logged out');
    try {
      const res = await this.deps.refresh(current.refreshToken);
      if (this.session?.refreshToken !== current.refreshToken) {
        // Logged out (or replaced) while the refresh was in flight: do not resurrect it.
        throw new ParleyError('UNAUTHENTICATED', 'logged out');
      }
      return this.set(res).accessToken;
    } catch (err) {
      if (err instanceof ParleyError && (err.code === 'INVALID_REFRESH_TOKEN' || err.code === 'ACCOUNT_SUSPENDED')) {
        if (this.session?.refreshToken === current.refreshToken) {
          this.clear();
          this.deps.onEnded(err.code === 'ACCOUNT_SUSPENDED' ? 'suspended' : 'refresh_failed');
        }
      }
      throw err;
    }
  }

  private refreshAt(s: Session): number {
    return typeof s.refreshAt === 'number' ? Math.min(s.refreshAt, s.accessExpiresAt) : s.accessExpiresAt - REFRESH_AHEAD_MS;
  }

  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (!locks || typeof locks.request !== 'function') return fn();
    return locks.request(`${this.deps.key}:refresh`, fn);
  }

  private announce(): void {
    if (this.session) this.deps.onAccessToken?.(this.session);
  }

  private save(): void {
    if (this.session) writeJson(this.deps.storage, this.deps.key, this.session);
  }
}

function isSession(v: unknown): v is Session {
  const s = v as Session | null;
  return (
    !!s &&
    typeof s.accessToken === 'string' &&
    typeof s.refreshToken === 'string' &&
    typeof s.accessExpiresAt === 'number' &&
    !!s.user &&
    typeof s.user.id === 'string'
  );
}
