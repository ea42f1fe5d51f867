import type { Me, SessionResponse, UserId } from '@parley/protocol';
import { AppError } from '../errors';
import type { Deps } from '../deps';
import { newId, newUserId } from '../ids';
import { me } from '../views';
import { StoreError, type UserRecord } from '../../store/port';
import type { Fanout } from '../fanout';
import { dummyHash, hashPassword, verifyPassword } from './passwords';
import { AccessTokens, hashRefreshToken, newRefreshToken } from './tokens';
import { SessionRevocations } from './session-revocations';
import type { DeviceTokens } from './device-token';
import { LoginGuard } from './login-guard';

export interface AuthContext {
  userId: UserId;
  user: UserRecord;
  /** Epoch ms (server clock) at which the presented access token expires: the gateway closes a socket then. */
  expiresAt: number;
  /** The session the token belongs to (null for tokens older than the sid claim): a socket closes when it is revoked. */
  sessionId: string | null;
}

/**
 * Accounts and sessions. A session is a family of refresh tokens: each refresh spends
 * the presented token and issues the next one in the family. Presenting a spent token
 * again means it was stolen (or replayed), so the whole family is revoked.
 *
 * Revoking a session ends it at once: its access tokens carry it (`sid`) and are refused
 * from the revocation on (on other nodes within NOT_REVOKED_TTL_MS, see
 * session-revocations.ts), and its sockets are closed with 4403 on every node (the bus,
 * and realtime/session-recheck.ts for a bus that lost the message). Rate limits are the
 * operations table's (operations/auth.ts), except the login's, which login-guard.ts
 * decides because it depends on the device and on the outcome.
 */
export class AuthService {
  private readonly sessions: SessionRevocations;
  private readonly guard: LoginGuard;

  constructor(
    private readonly deps: Deps,
    private readonly tokens: AccessTokens,
    private readonly fanout: Fanout,
    private readonly devices: DeviceTokens,
  ) {
    this.sessions = new SessionRevocations(deps.store, deps.clock);
    this.guard = new LoginGuard(deps);
  }

  /** A known-device token for this user (the HTTP binding sets it as a cookie after a login or registration). */
  deviceToken(userId: UserId): string {
    return this.devices.issue(userId, this.deps.clock());
  }

  async register(input: { username: string; password: string; displayName?: string | undefined }): Promise<SessionResponse> {
    const now = this.deps.clock();
    const passwordHash = await hashPassword(input.password);
    let user: UserRecord;
    try {
      user = await this.deps.store.createUser({
        id: newUserId(),
        username: input.username,
        displayName: input.displayName?.trim() || input.username,
        passwordHash,
        createdAt: now,
      });
    } catch (err) {
      if (err instanceof StoreError && err.code === 'CONFLICT') throw new AppError('USERNAME_TAKEN', 'that username is taken');
      throw err;
    }
    this.deps.log.info({ userId: user.id }, 'user registered');
    return this.startSession(user, newId(now));
  }

  /** `deviceToken`: the known-device token the client holds, if any (login-guard.ts says what it exempts). */
  async login(input: { username: string; password: string }, ip: string, deviceToken?: string): Promise<SessionResponse> {
    const username = loginAccount(input.username);
    const user = await this.deps.store.getUserByUsername(username);
    await this.guard.before(username, ip, user !== null && this.devices.verify(deviceToken, user.id, this.deps.clock()));
    const ok = user ? await verifyPassword(user.passwordHash, input.password) : (await verifyPassword(await dummyHash(), input.password), false);
    if (!user || !ok) throw new AppError('INVALID_CREDENTIALS', 'wrong username or password');
    if (user.suspendedAt !== null) throw new AppError('ACCOUNT_SUSPENDED', 'this account is suspended');
    await this.guard.succeeded(username, ip);
    return this.startSession(user, newId());
  }

  async refresh(refreshToken: string): Promise<SessionResponse> {
    const now = this.deps.clock();
    const record = await this.deps.store.getRefreshTokenByHash(hashRefreshToken(refreshToken));
    const invalid = new AppError('INVALID_REFRESH_TOKEN', 'the refresh token is not valid');
    if (!record || record.revokedAt !== null || record.expiresAt <= now) throw invalid;
    if (record.usedAt !== null || !(await this.deps.store.markRefreshTokenUsed(record.id, now))) {
      await this.revokeSession(record.userId, record.familyId);
      this.deps.log.warn({ userId: record.userId }, 'refresh token reuse: session family revoked');
      throw invalid;
    }
    const user = await this.deps.store.getUser(record.userId);
    if (!user) throw invalid;
    if (user.suspendedAt !== null) throw new AppError('ACCOUNT_SUSPENDED', 'this account is suspended');
    return this.startSession(user, record.familyId);
  }

  async logout(refreshToken: string): Promise<void> {
    const record = await this.deps.store.getRefreshTokenByHash(hashRefreshToken(refreshToken));
    if (record) await this.revokeSession(record.userId, record.familyId);
  }

  async logoutAll(userId: UserId): Promise<void> {
    await this.deps.store.revokeAllSessions(userId, this.deps.clock());
    this.fanout.sessionRevoked(userId);
  }

  /** Resolves the bearer of an access token, or throws UNAUTHENTICATED / ACCOUNT_SUSPENDED. */
  async authenticate(token: string | undefined): Promise<AuthContext> {
    const unauthenticated = () => new AppError('UNAUTHENTICATED', 'a valid access token is required');
    if (!token) throw unauthenticated();
    const claims = await this.tokens.verify(token, this.deps.clock());
    if (!claims) throw unauthenticated();
    const [user, revoked] = await Promise.all([
      this.deps.store.getUser(claims.userId),
      claims.sessionId === null ? false : this.sessions.isRevoked(claims.sessionId),
    ]);
    if (!user || user.sessionVersion !== claims.sessionVersion || revoked) throw unauthenticated();
    if (user.suspendedAt !== null) throw new AppError('ACCOUNT_SUSPENDED', 'this account is suspended');
    return { userId: user.id, user, expiresAt: claims.expiresAt, sessionId: claims.sessionId };
  }

  /**
   * `auth` on an open socket: a newer access token, verified exactly as at hello. Throws
   * UNAUTHENTICATED (invalid, expired, revoked) or ACCOUNT_SUSPENDED, and FORBIDDEN for a
   * valid token of another user: a socket's routing, presence and subscriptions are its
   * hello's user's. None of these closes the socket (the token may not even be its
   * user's): a suspension closes the user's sockets by itself, and an unrenewed socket
   * is closed at its old expiry.
   */
  async renewSocket(socketUserId: UserId, token: string): Promise<AuthContext> {
    const auth = await this.authenticate(token);
    if (auth.userId !== socketUserId) throw new AppError('FORBIDDEN', 'the token belongs to another user; a socket cannot change users');
    return auth;
  }

  /** A node heard on the bus that a session was revoked: refuse its tokens here at once. */
  sessionRevoked(sessionId: string): void {
    this.sessions.revoked(sessionId);
  }

  private async revokeSession(userId: UserId, familyId: string): Promise<void> {
    await this.deps.store.revokeRefreshFamily(familyId, this.deps.clock());
    this.sessions.revoked(familyId);
    this.fanout.sessionRevoked(userId, familyId);
  }

  view(user: UserRecord): Me {
    return me(user);
  }

  private async startSession(user: UserRecord, familyId: string): Promise<SessionResponse> {
    const now = this.deps.clock();
    const refresh = newRefreshToken();
    await this.deps.store.insertRefreshToken({
      id: newId(now),
      userId: user.id,
      familyId,
      tokenHash: refresh.hash,
      expiresAt: now + this.deps.config.refreshTokenTtlSec * 1000,
      usedAt: null,
      revokedAt: null,
      createdAt: now,
    });
    return {
      user: me(user),
      accessToken: await this.tokens.issue(user.id, user.sessionVersion, familyId, now),
      expiresIn: this.tokens.ttlSeconds,
      refreshToken: refresh.token,
    };
  }
}

/** The account a login names, as its rate limit counts it (usernames are case-insensitive). */
export function loginAccount(username: string): string {
  return username.toLowerCase();
}
