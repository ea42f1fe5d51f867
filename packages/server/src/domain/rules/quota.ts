/** How many attachment bytes a user may hold: a reservation must fit what is left of the quota. */
import { RuleError } from './refusals';

/** `used`: bytes of the owner's uploads, pending or ready, read in the reserving transaction. */
export function checkQuota(used: number, reserving: number, quota: number): void {
  if (used + reserving > quota) throw new RuleError('quotaExceeded');
}
