/**
 * The one key scheme of rate limits: `${rule}:${kind}:${subject}`, where rule names an
 * entry of config.rateLimits. An operation reached over HTTP and over WebSocket counts
 * under the same key, and two rules never share a counter.
 */
import type { UserId } from '@parley/protocol';
import type { Config } from '../config';

export type RateRuleName = keyof Config['rateLimits'];

/**
 * Whose budget a hit counts against: a signed-in user, a client address, an account being
 * logged into, or one address trying one account.
 */
export type RateSubject = { user: UserId } | { ip: string } | { account: string; ip?: undefined } | { account: string; ip: string };

export function rateKey(rule: RateRuleName, subject: RateSubject): string {
  if ('user' in subject) return `${rule}:user:${subject.user}`;
  if ('account' in subject) return subject.ip === undefined ? `${rule}:account:${subject.account}` : `${rule}:account-ip:${subject.ip}:${subject.account}`;
  return `${rule}:ip:${subject.ip}`;
}
