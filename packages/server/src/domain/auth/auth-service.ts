import type { Me, SessionResponse, UserId } from '@parley/protocol';
import { AppError } from '../errors';
import type { Deps } from '../deps';
import { newId, newUserId } from '../ids';
import { me } from '../views';
import { StoreError, type UserRecord } from '../../store/port';
import type { Fanout } from '../fanout';
import { dummyHash, hashPassword, verifyPassword } from './passwords';
import { AccessTokens, hashRefreshToken, newRefreshToken } from './tokens';
import type { DeviceTokens } from './device-token';
import { LoginGuard } from './login-guard';

export interface AuthContext {
  userId: UserId;
  user: UserRecord;
  /** Epoch ms (server clock) at which the presented access token expires: the gateway closes a socket then. */
  expiresAt: number;
}

/**
 * Accounts and sessions. A session is a family of refresh tokens: each refresh spends
 * the presented token and issues the next one in the family. Presenting a spent token
 * again means it was stolen (or replayed), so the whole family is revoked.
 */
export class AuthService {
  private readonly guard: LoginGuard;

  constructor(
    private readonly deps: Deps,
    private readonly tokens: AccessTokens,
    private readonly fanout: Fanout,
    private readonly devices: DeviceTokens,
  ) {
    this.guard = new LoginGuard(deps);
  }

  /** A known-device token for this user (the HTTP binding sets it as a cookie after a login or registration). */
  deviceToken(userId: UserId): string {
    return this.devices.issue(userId, this.deps.clock());
  }

  async register(input: { username: string; password: string; displayName?: string | undefined }, ip: string): Promise<SessionResponse> {
    await this.limit(`register:${ip}`, this.deps.config.rateLimits.register);
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
    const username = input.username.toLowerCase();
    const user = await this.deps.store.getUserByUsername(username);
    await this.guard.before(username, ip, user !== null && this.devices.verify(deviceToken, user.id, this.deps.clock()));
    const ok = user ? await verifyPassword(user.passwordHash, input.password) : (await verifyPassword(await dummyHash(), input.password), false);
    if (!user || !ok) throw new AppError('INVALID_CREDENTIALS', 'wrong username or password');
    if (user.suspendedAt !== null) throw new AppError('ACCOUNT_SUSPENDED', 'this account is suspended');
    await this.guard.succeeded(username, ip);
    return this.startSession(user, newId());
  }

  async refresh(refreshToken: string, ip: string): Promise<SessionResponse> {
    await this.limit(`refresh:${ip}`, this.deps.config.rateLimits.request);
    const now = this.deps.clock();
    const record = await this.deps.store.getRefreshTokenByHash(hashRefreshToken(refreshToken));
    const invalid = new AppError('INVALID_REFRESH_TOKEN', 'the refresh token is not valid');
    if (!record || record.revokedAt !== null || record.expiresAt <= now) throw invalid;
    if (record.usedAt !== null || !(await this.deps.store.markRefreshTokenUsed(record.id, now))) {
      await this.deps.store.revokeRefreshFamily(record.familyId, now);
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
    if (record) await this.deps.store.revokeRefreshFamily(record.familyId, this.deps.clock());
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
    const user = await this.deps.store.getUser(claims.userId);
    if (!user || user.sessionVersion !== claims.sessionVersion) throw unauthenticated();
    if (user.suspendedAt !== null) throw new AppError('ACCOUNT_SUSPENDED', 'this account is suspended');
    return { userId: user.id, user, expiresAt: claims.expiresAt };
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
      accessToken: await this.tokens.issue(user.id, user.sessionVersion, now),
      expiresIn: this.tokens.ttlSeconds,
      refreshToken: refresh.token,
    };
  }

  private async limit(key: string, rule: { limit: number; windowMs: number }): Promise<void> {
    const verdict = await this.deps.limiter.hit(key, rule, this.deps.clock());
    if (!verdict.ok) throw new AppError('RATE_LIMITED', 'too many attempts, wait and retry', { retryAfterMs: verdict.retryAfterMs });
  }
}
