import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { UserId } from '@parley/protocol';

/**
 * Access tokens follow RFC 8725: one explicitly allowed algorithm (HS256 with a 256-bit
 * server secret), explicit token type (at+jwt, RFC 9068) so no other JWT can pass as
 * one, and iss / aud / exp / iat always checked.
 */
const ALG = 'HS256';
const TYP = 'at+jwt';
export const ISSUER = 'parley';
export const AUDIENCE = 'parley-api';

export interface AccessClaims {
  userId: UserId;
  /** The user's sessionVersion when the token was made; "log out everywhere" bumps it. */
  sessionVersion: number;
  /**
   * The session (refresh-token family) the token was issued in, the `sid` claim: revoking
   * that session (logout, refresh-token reuse) ends the token at once. Null only for
   * tokens issued before the claim existed, which expire within one token lifetime.
   */
  sessionId: string | null;
  expiresAt: number;
}

/**
 * Verified tokens remembered, by their exact text. A client presents the same access
 * token on every request for its lifetime; verifying it again is an HMAC on WebCrypto,
 * whose answer comes back on a later turn of the event loop, behind whatever the loop
 * is doing (a request waited for that turn twice). A token's signature and claims never
 * change, so its verification holds until it expires; the session is still checked on
 * every request by the caller (AuthService). Only valid tokens are kept, at most this
 * many (the oldest go first).
 */
const VERIFIED_MAX = 4096;

export class AccessTokens {
  private readonly verified = new Map<string, AccessClaims>();

  /**
   * The secret as a WebCrypto HMAC key, imported once: handed the raw bytes, jose imports
   * them again on every sign and verify, which was most of the 166 µs a verification
   * took (every REST request and every socket hello verifies a token).
   */
  private readonly key: Promise<CryptoKey>;

  constructor(
    private readonly secret: Uint8Array,
    private readonly ttlSec: number,
  ) {
    if (secret.length < 32) throw new Error('JWT secret must be at least 32 bytes');
    this.key = crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async issue(userId: UserId, sessionVersion: number, sessionId: string, now: number): Promise<string> {
    const iat = Math.floor(now / 1000);
    return new SignJWT({ sv: sessionVersion, sid: sessionId })
      .setProtectedHeader({ alg: ALG, typ: TYP })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSec)
      .setJti(randomBytes(9).toString('base64url'))
      .sign(await this.key);
  }

  /** Returns null for any token that is not a valid, unexpired Parley access token. */
  async verify(token: string, now: number): Promise<AccessClaims | null> {
    const known = this.verified.get(token);
    if (known) {
      // jose's rule: expired once now >= exp.
      if (now < known.expiresAt) return known;
      this.verified.delete(token);
      return null;
    }
    const claims = await this.verifyAnew(token, now);
    if (claims) {
      if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, claims);
    }
    return claims;
  }

  private async verifyAnew(token: string, now: number): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: [ALG],
        typ: TYP,
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: new Date(now),
      });
      if (typeof payload.sub !== 'string' || typeof payload.sv !== 'number' || typeof payload.exp !== 'number') return null;
      if (payload.sid !== undefined && (typeof payload.sid !== 'string' || payload.sid.length === 0)) return null;
      return { userId: payload.sub as UserId, sessionVersion: payload.sv, sessionId: payload.sid ?? null, expiresAt: payload.exp * 1000 };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError || err instanceof TypeError) return null;
      throw err;
    }
  }

  get ttlSeconds(): number {
    return this.ttlSec;
  }
}

/** Refresh tokens are opaque random strings; only their SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
