/**
 * Short-lived signed URLs, for clients that cannot send an Authorization header
 * (<img src>, a progress-reporting XHR upload). HMAC-SHA256 with a key derived from the
 * JWT secret for this purpose alone, so a URL signature can never pass as a token or
 * the other way round. A URL grants what it names until it expires (minutes), and only
 * while the sessions that minted it last: the signed purpose names the user and their
 * sessionVersion, which logout-everywhere (and a suspension) moves on, so every link of
 * theirs stops working at once. Downloads also check membership again when used.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNED_URL_TTL_MS = 5 * 60_000;

export class UrlSigner {
  private readonly key: Buffer;

  constructor(jwtSecret: Uint8Array) {
    this.key = createHmac('sha256', Buffer.from(jwtSecret)).update('parley/attachment-urls/v1').digest();
  }

  sign(purpose: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${purpose}|${exp}`).digest('base64url');
  }

  /** True when sig signs purpose with this expiry and the expiry is still ahead. */
  verify(purpose: string, exp: number | undefined, sig: string | undefined, now: number): boolean {
    if (exp === undefined || sig === undefined || !Number.isSafeInteger(exp) || exp <= now) return false;
    const want = Buffer.from(this.sign(purpose, exp));
    const got = Buffer.from(sig);
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

/** Whose sessions a link is bound to (the user record's id and sessionVersion). */
export interface LinkHolder {
  id: string;
  sessionVersion: number;
}

export const downloadPurpose = (conversationId: string, attachmentId: string, variant: 'file' | 'thumbnail', holder: LinkHolder) =>
  `download|${conversationId}|${attachmentId}|${variant}|${holder.id}|${holder.sessionVersion}`;
export const uploadPurpose = (holder: LinkHolder) => `upload|${holder.id}|${holder.sessionVersion}`;
