/**
 * The revoked-session check on a real (embedded) store: how long a "not revoked" answer
 * is trusted, that a revocation heard here counts at once and for good, and that
 * concurrent questions share a read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '@parley/protocol';
import { openSqliteStore } from '../../store/sqlite';
import type { Store } from '../../store/port';
import { movableClock } from '../../test-support/users';
import { NOT_REVOKED_TTL_MS, SessionRevocations } from './session-revocations';

describe('SessionRevocations', () => {
  let store: Store;
  let n = 0;
  beforeAll(() => {
    store = openSqliteStore({ path: ':memory:' });
  });
  afterAll(() => store.close());

  async function session(): Promise<string> {
    const id = `u${++n}` as UserId;
    await store.createUser({ id, username: `user${n}`, displayName: 'U', passwordHash: 'h', createdAt: 1 });
    const familyId = `fam${n}`;
    await store.insertRefreshToken({ id: `t${n}`, userId: id, familyId, tokenHash: `h${n}`, expiresAt: 1e15, usedAt: null, revokedAt: null, createdAt: 1 });
    return familyId;
  }

  /** The store, counting revokedSessions reads. */
  function counted() {
    const reads = { n: 0 };
    return { reads, store: { revokedSessions: (ids: readonly string[]) => (reads.n++, store.revokedSessions(ids)) } };
  }

  it('trusts "not revoked" for at most the TTL: a revocation made elsewhere counts once it has passed', async () => {
    const clock = movableClock();
    const { reads, store: s } = counted();
    const sessions = new SessionRevocations(s, clock.now);
    const sid = await session();
    expect(await sessions.isRevoked(sid)).toBe(false);
    await store.revokeRefreshFamily(sid, 2); // another node, no bus
    clock.advance(NOT_REVOKED_TTL_MS - 1);
    expect(await sessions.isRevoked(sid)).toBe(false);
    expect(reads.n).toBe(1);
    clock.advance(2);
    expect(await sessions.isRevoked(sid)).toBe(true);
    expect(reads.n).toBe(2);
    // Revoked for good: never read again.
    clock.advance(10 * NOT_REVOKED_TTL_MS);
    expect(await sessions.isRevoked(sid)).toBe(true);
    expect(reads.n).toBe(2);
  });

  it('a revocation heard here counts at once, even over a cached "not revoked" and a read in flight', async () => {
    const clock = movableClock();
    const sessions = new SessionRevocations(store, clock.now);
    const [a, b] = [await session(), await session()];
    expect(await sessions.isRevoked(a)).toBe(false);
    sessions.revoked(a);
    expect(await sessions.isRevoked(a)).toBe(true);
    const reading = sessions.isRevoked(b);
    sessions.revoked(b);
    expect(await reading).toBe(true);
    expect(await sessions.isRevoked(b)).toBe(true);
  });

  it('shares one read among concurrent questions about a session', async () => {
    const { reads, store: s } = counted();
    const sessions = new SessionRevocations(s, Date.now);
    const sid = await session();
    expect(await Promise.all(Array.from({ length: 20 }, () => sessions.isRevoked(sid)))).toEqual(Array(20).fill(false));
    expect(reads.n).toBe(1);
  });
});
