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

export async function takeRateStep(deps: Pick<Deps, 'limiter' | 'config' | 'clock'>, spec: RateSpec, who: RateIdentity): Promise<void> {
  if (spec.rule === null) return;
  const name = spec.rule;
  const rule = deps.config.rateLimits[name] ?? OPTIONAL_RULES[name];
  if (!rule) throw new Error(`no rate rule ${name}`);
  let subject: RateSubject;
  if (spec.per === 'user') {
    if (who.userId === undefined) throw new Error(`rate rule ${name} is per user but the operation has no user`);
    subject = { user: who.userId };
  } else {
    if (who.ip === undefined) throw new Error(`rate rule ${name} counts per address but the call has none`);
    subject = { ip: who.ip };
  }
  const verdict = await deps.limiter.hit(rateKey(name, subject), rule, deps.clock());
  if (!verdict.ok) throw new AppError('RATE_LIMITED', 'too many requests, wait and retry', { retryAfterMs: verdict.retryAfterMs });
}
