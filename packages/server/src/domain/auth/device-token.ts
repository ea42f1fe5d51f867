/**
 * Known-device tokens: proof that this browser logged into this account before, so the
 * per-account login limit (login-guard.ts) never refuses it. A token is the user id and
 * an expiry signed with HMAC-SHA256 under the node's secret (every node of a deployment
 * has the same one); it grants nothing else, and it travels as an HttpOnly cookie scoped
 * to /api/auth, so page scripts never see it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { UserId } from '@parley/protocol';

export const DEVICE_COOKIE = 'parley_device';
/** A device unused for half a year is unknown again. */
export const DEVICE_TOKEN_TTL_SEC = 180 * 24 * 3600;

export class DeviceTokens {
  private readonly key: Buffer;

  constructor(secret: Uint8Array) {
    // A key of its own, derived from the shared secret, so a device token is never an access token.
    this.key = createHmac('sha256', Buffer.from(secret)).update('parley device token v1').digest();
  }

  issue(userId: UserId, now: number): string {
    const exp = Math.floor(now / 1000) + DEVICE_TOKEN_TTL_SEC;
    const body = `${userId}.${exp}`;
    return `${body}.${this.sign(body)}`;
  }

  /** True when the token is ours, unexpired, and for this user. */
  verify(token: string | undefined, userId: UserId, now: number): boolean {
    if (!token || token.length > 256) return false;
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const [id, exp, sig] = parts as [string, string, string];
    if (id !== userId || !/^\d{1,12}$/.test(exp) || Number(exp) * 1000 <= now) return false;
    const expected = Buffer.from(this.sign(`${id}.${exp}`));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
