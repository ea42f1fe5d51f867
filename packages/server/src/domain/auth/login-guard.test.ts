/**
 * The login guard over a bounded in-memory limiter: memory stays bounded however many
 * usernames arrive (issue 16.8), and a flood of fresh keys does not reset the counters
 * of an attack under way.
 */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createMetrics } from '../../metrics';
import { testConfig } from '../../testing';
import { MemoryRateLimiter } from '../../rate-limit/memory';
import { AppError } from '../errors';
import { LoginGuard } from './login-guard';

const rule = { limit: 10, windowMs: 15 * 60_000 };

function guardWith(limiter: MemoryRateLimiter) {
  const config = testConfig({ rateLimits: { ...testConfig().rateLimits, login: rule } });
  return new LoginGuard({ limiter, config, clock: () => 1_000_000, log: pino({ level: 'silent' }), metrics: createMetrics() });
}

const refused = (p: Promise<void>) =>
  p.then(
    () => false,
    (err: unknown) => err instanceof AppError && err.code === 'RATE_LIMITED',
  );

describe('LoginGuard memory', () => {
  it('200,000 distinct usernames from many addresses keep the key count under the cap', { timeout: 120_000 }, async () => {
    const limiter = new MemoryRateLimiter({ maxKeys: 50_000 });
    const guard = guardWith(limiter);
    for (let i = 0; i < 200_000; i++) {
      await guard.before(`user${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, false).catch(() => {});
    }
    expect(limiter.size).toBeLessThanOrEqual(50_000);
  });

  it('a full table does not open the gate: an attack under way keeps its counters', { timeout: 120_000 }, async () => {
    const limiter = new MemoryRateLimiter({ maxKeys: 1000 });
    const guard = guardWith(limiter);
    for (let i = 0; i < rule.limit; i++) await guard.before('victim', '198.51.100.7', false);
    expect(await refused(guard.before('victim', '198.51.100.7', false))).toBe(true);
    // One address sprays 100,000 fresh usernames: it is refused after 5 × limit and
    // creates no keys after that, so the table never fills over the attacker's counters.
    for (let i = 0; i < 100_000; i++) await guard.before(`spray${i}`, '203.0.113.9', false).catch(() => {});
    expect(limiter.size).toBeLessThanOrEqual(1000);
    expect(await refused(guard.before('victim', '198.51.100.7', false))).toBe(true);
    expect(await refused(guard.before('anyone', '203.0.113.9', false))).toBe(true);
  });
});
