/**
 * The RateLimiter contract: every adapter runs this suite, through the port only.
 * `now` is the wall clock, which every adapter accepts (the Redis one uses the server's
 * clock instead); the one window reset waits for the window the limiter itself reports.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RateLimiter, RateRule } from './port';

export interface RateLimiterFixture {
  limiter: RateLimiter;
  cleanup: () => Promise<void>;
}

const freshKey = (action = 'message.send') => `${action}:${randomBytes(6).toString('hex')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function rateLimiterContract(name: string, factory: () => Promise<RateLimiterFixture>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let fixture: RateLimiterFixture;
    let limiter: RateLimiter;
    const hit = (key: string, rule: RateRule) => limiter.hit(key, rule, Date.now());

    beforeEach(async () => {
      fixture = await factory();
      limiter = fixture.limiter;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('allows exactly `limit` hits per window', async () => {
      const key = freshKey();
      const rule = { limit: 3, windowMs: 60_000 };
      for (let i = 0; i < 3; i++) expect(await hit(key, rule)).toEqual({ ok: true });
      expect((await hit(key, rule)).ok).toBe(false);
      expect((await hit(key, rule)).ok).toBe(false);
    });

    it('says how long until the window resets, within the window', async () => {
      const key = freshKey();
      const rule = { limit: 1, windowMs: 60_000 };
      await hit(key, rule);
      const verdict = await hit(key, rule);
      expect(verdict.ok).toBe(false);
      if (verdict.ok) return;
      expect(verdict.retryAfterMs).toBeGreaterThan(0);
      expect(verdict.retryAfterMs).toBeLessThanOrEqual(rule.windowMs);
    });

    it('allows hits again once the window has passed', async () => {
      const key = freshKey();
      const rule = { limit: 1, windowMs: 300 };
      expect(await hit(key, rule)).toEqual({ ok: true });
      const refused = await hit(key, rule);
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      await sleep(refused.retryAfterMs + 30);
      expect(await hit(key, rule)).toEqual({ ok: true });
    });

    it('forgets a key on reset', async () => {
      const key = freshKey('auth.login');
      const rule = { limit: 2, windowMs: 60_000 };
      await hit(key, rule);
      await hit(key, rule);
      expect((await hit(key, rule)).ok).toBe(false);
      await limiter.reset(key);
      expect(await hit(key, rule)).toEqual({ ok: true });
      expect(await hit(key, rule)).toEqual({ ok: true });
      expect((await hit(key, rule)).ok).toBe(false);
      await expect(limiter.reset(freshKey())).resolves.toBeUndefined();
    });

    it('counts every key on its own', async () => {
      const [k1, k2] = [freshKey(), freshKey()];
      const rule = { limit: 1, windowMs: 60_000 };
      expect(await hit(k1, rule)).toEqual({ ok: true });
      expect((await hit(k1, rule)).ok).toBe(false);
      expect(await hit(k2, rule)).toEqual({ ok: true });
      await limiter.reset(k2);
      expect((await hit(k1, rule)).ok).toBe(false);
    });

    it('never allows more than `limit` of many concurrent hits', async () => {
      const key = freshKey();
      const rule = { limit: 10, windowMs: 60_000 };
      const verdicts = await Promise.all(Array.from({ length: 50 }, () => hit(key, rule)));
      expect(verdicts.filter((v) => v.ok)).toHaveLength(10);
      // The first ten asked are the ten allowed, and every refusal says how long to wait.
      expect(verdicts.slice(0, 10).every((v) => v.ok)).toBe(true);
      for (const v of verdicts.slice(10)) {
        expect(v.ok).toBe(false);
        if (!v.ok) expect(v.retryAfterMs).toBeGreaterThan(0);
        if (!v.ok) expect(v.retryAfterMs).toBeLessThanOrEqual(rule.windowMs);
      }
    });
  });
}
