/**
 * The one rate-limit step every operation goes through, on whichever transport: its
 * calls count against its rule (RateSpec) under the one key scheme (rate-limit/keys.ts).
 * Refused: RATE_LIMITED with retryAfterMs (HTTP adds Retry-After).
 */
import type { UserId } from '@parley/protocol';
import type { RateRuleConfig } from '../config';
import type { Deps } from '../domain/deps';
import { AppError } from '../domain/errors';
import { rateKey, type RateRuleName, type RateSubject } from '../rate-limit/keys';
import type { RateVerdict } from '../rate-limit/port';
import type { RateSpec } from './kit';

/** The defaults of rules a hand-built config may leave out (loadConfig always sets them). */
const OPTIONAL_RULES: Partial<Record<RateRuleName, RateRuleConfig>> = {
  export: { limit: 3, windowMs: 60 * 60_000 },
  erase: { limit: 5, windowMs: 60 * 60_000 },
};

export interface RateIdentity {
  /** Absent for operations without a session. */
  userId?: UserId;
  /** The client's address (HTTP). */
  ip?: string;
}

export async function takeRateStep<I>(deps: Pick<Deps, 'limiter' | 'config' | 'clock'>, spec: RateSpec<I>, input: I, who: RateIdentity): Promise<void> {
  if (spec.rule === null) return;
  const name = spec.rule;
  const rule = deps.config.rateLimits[name] ?? OPTIONAL_RULES[name];
  if (!rule) throw new Error(`no rate rule ${name}`);
  const hits: [RateSubject, RateRuleConfig][] = [];
  if (spec.per === 'user') {
    if (who.userId === undefined) throw new Error(`rate rule ${name} is per user but the operation has no user`);
    hits.push([{ user: who.userId }, rule]);
  } else {
    if (who.ip === undefined) throw new Error(`rate rule ${name} counts per address but the call has none`);
    if (spec.per === 'account-and-ip') {
      // Per account (one password guessed from many addresses) and per address (many
      // accounts sprayed from one): both count, in one round trip to a shared limiter.
      hits.push([{ account: spec.account(input) }, rule], [{ ip: who.ip }, { ...rule, limit: rule.limit * spec.ipTimes }]);
    } else {
      hits.push([{ ip: who.ip }, rule]);
    }
  }
  const now = deps.clock();
  const verdicts: RateVerdict[] = await Promise.all(hits.map(([subject, r]) => deps.limiter.hit(rateKey(name, subject), r, now)));
  let retryAfterMs = 0;
  for (const v of verdicts) if (!v.ok) retryAfterMs = Math.max(retryAfterMs, v.retryAfterMs);
  if (verdicts.some((v) => !v.ok)) throw new AppError('RATE_LIMITED', 'too many requests, wait and retry', { retryAfterMs });
}
