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
  expiresAt: number;
}

export class AccessTokens {
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

  async issue(userId: UserId, sessionVersion: number, now: number): Promise<string> {
    const iat = Math.floor(now / 1000);
    return new SignJWT({ sv: sessionVersion })
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
      return { userId: payload.sub as UserId, sessionVersion: payload.sv, expiresAt: payload.exp * 1000 };
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
