import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { UserId } from '@parley/protocol';
import { SignJWT } from 'jose';
import { AccessTokens, AUDIENCE, ISSUER } from './tokens';

const T0 = Date.UTC(2026, 0, 1);
const user = 'u-1' as UserId;

describe('AccessTokens', () => {
  it('a token verified once verifies again until its exp, and not from exp on (as jose decides)', async () => {
    const tokens = new AccessTokens(randomBytes(32), 60);
    const token = await tokens.issue(user, 3, 'fam-1', T0);
    const claims = { userId: user, sessionVersion: 3, sessionId: 'fam-1', expiresAt: T0 + 60_000 };
    expect(await tokens.verify(token, T0)).toEqual(claims);
    expect(await tokens.verify(token, T0 + 59_999)).toEqual(claims);
    expect(await tokens.verify(token, T0 + 60_000)).toBeNull();
    // Forgotten once expired: a fresh verification (jose) says the same.
    expect(await tokens.verify(token, T0 + 60_000)).toBeNull();
    expect(await new AccessTokens(randomBytes(32), 60).verify(token, T0)).toBeNull();
  });

  it('a token that differs from a verified one in any character is verified on its own, and refused', async () => {
    const tokens = new AccessTokens(randomBytes(32), 60);
    const token = await tokens.issue(user, 1, 'fam-1', T0);
    expect(await tokens.verify(token, T0)).not.toBeNull();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const raised = Buffer.from(JSON.stringify({ ...claims, sv: 2 })).toString('base64url');
    expect(await tokens.verify(`${header}.${raised}.${signature}`, T0)).toBeNull();
    // The first character: all six of its bits are signature (the last one's low bits are padding).
    const flipped = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
    expect(await tokens.verify(`${header}.${payload}.${flipped}`, T0)).toBeNull();
    // Signed with another secret: same shape, same claims.
    expect(await tokens.verify(await new AccessTokens(randomBytes(32), 60).issue(user, 1, 'fam-1', T0), T0)).toBeNull();
  });

  it('keeps verifying correctly past the number of tokens it remembers', async () => {
    const tokens = new AccessTokens(randomBytes(32), 60);
    const issued = await Promise.all(Array.from({ length: 5000 }, (_, i) => tokens.issue(`u-${i}` as UserId, i, `fam-${i}`, T0)));
    for (const t of issued) expect(await tokens.verify(t, T0)).not.toBeNull();
    const again = await Promise.all(issued.map((t) => tokens.verify(t, T0)));
    expect(again.map((c) => c?.sessionVersion)).toEqual(issued.map((_, i) => i));
  });

  it('carries the session in sid; a token without one (issued before the claim) has a null session, a malformed one is refused', async () => {
    const secret = randomBytes(32);
    const tokens = new AccessTokens(secret, 60);
    expect((await tokens.verify(await tokens.issue(user, 1, 'fam-9', T0), T0))?.sessionId).toBe('fam-9');
    const key = new Uint8Array(secret);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).setSubject(user).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt(T0 / 1000).setExpirationTime(T0 / 1000 + 60).sign(key);
    expect(await tokens.verify(await sign({ sv: 1 }), T0)).toEqual({ userId: user, sessionVersion: 1, sessionId: null, expiresAt: T0 + 60_000 });
    for (const sid of ['', 7, null, ['x']]) expect(await tokens.verify(await sign({ sv: 1, sid }), T0), JSON.stringify(sid)).toBeNull();
  });
});
