/**
 * Brute-force protection for password logins, without a lockout an attacker controls.
 *
 * A limit per account from anywhere lets anyone lock the owner out by failing on
 * purpose. Here (OWASP's "device cookies" scheme) the limits are:
 * - per address and account (`login` rule, e.g. 10 / 15 min): one address guessing one
 *   password is stopped, and only that address is;
 * - per address (5× the rule): one address spraying many accounts is stopped;
 * - per account from unknown devices (the `login` rule again): many addresses guessing
 *   one password are stopped, but a device the owner logged in from before presents a
 *   known-device token (a signed cookie, see device-token.ts) and is never counted nor
 *   refused here. The owner on a new device waits like the attacker while an attack
 *   goes on; on any device they logged in from before, they get in.
 * When the per-account limit first refuses in a window the owner is told (a warning
 * in the log with the user id and a metric; see docs/security.md).
 *
 * Every key is hit by every attempt it covers, so the keys of an active attacker stay
 * the most recently used: a bounded in-memory limiter (rate-limit/memory.ts) evicts idle
 * keys first and never forgets the counters of an attack under way.
 */
import { AppError } from '../errors';
import type { Deps } from '../deps';
import { rateKey } from '../../rate-limit/keys';

type GuardDeps = Pick<Deps, 'limiter' | 'config' | 'clock' | 'log' | 'metrics'>;

export class LoginGuard {
  constructor(private readonly deps: GuardDeps) {}

  /**
   * Counts the attempt against its limits, before the password is checked; throws
   * RATE_LIMITED when one refuses. `knownDevice` is true when the request carried a
   * valid known-device token for this account.
   */
  async before(username: string, ip: string, knownDevice: boolean): Promise<void> {
    const rule = this.deps.config.rateLimits.login;
    const { limiter, clock } = this.deps;
    const now = clock();
    // The address first: once it is refused it creates no further keys, so one address
    // cannot flood a bounded limiter with fresh usernames.
    refuseIfLimited(await limiter.hit(rateKey('login', { ip }), { ...rule, limit: rule.limit * 5 }, now));
    refuseIfLimited(await limiter.hit(rateKey('login', { account: username, ip }), rule, now));
    if (knownDevice) return;
    const account = await limiter.hit(rateKey('login', { account: username }), rule, now);
    if (!account.ok) {
      await this.notice(username);
      refuseIfLimited(account);
    }
  }

  /** A successful login forgets this address's failures for the account. */
  async succeeded(username: string, ip: string): Promise<void> {
    await this.deps.limiter.reset(rateKey('login', { account: username, ip }));
  }

  /** Once per window per account: the owner hears that someone is guessing their password. */
  private async notice(username: string): Promise<void> {
    const rule = this.deps.config.rateLimits.login;
    const once = await this.deps.limiter.hit(`${rateKey('login', { account: username })}:notice`, { limit: 1, windowMs: rule.windowMs }, this.deps.clock());
    if (!once.ok) return;
    this.deps.metrics.loginNotices.inc();
    this.deps.log.warn({ username }, 'many failed logins for one account from unknown devices: unknown devices are slowed to the login limit');
  }
}

function refuseIfLimited(verdict: { ok: true } | { ok: false; retryAfterMs: number }): void {
  if (!verdict.ok) throw new AppError('RATE_LIMITED', 'too many attempts, wait and retry', { retryAfterMs: verdict.retryAfterMs });
}
