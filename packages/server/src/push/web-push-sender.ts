/**
 * Sends one Web Push message: the payload is encrypted for the subscription (aes128gcm)
 * and signed with VAPID by the `web-push` library, and posted here with fetch so the
 * transport stays ours: https only (plain http to a loopback address only when
 * PARLEY_PUSH_ALLOW_INSECURE=1, for tests), no IP-literal or localhost hosts in
 * production (the endpoint comes from a user: it must not reach our own network), no
 * redirects followed, a timeout.
 */
import { isIP } from 'node:net';
import webpush from 'web-push';
import type { PushOptions, PushOutcome, PushSender, PushTarget, VapidKeys } from './port';

export interface WebPushSenderOptions {
  keys: () => VapidKeys;
  subject: string;
  allowInsecure: boolean;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export class WebPushSender implements PushSender {
  constructor(private readonly opts: WebPushSenderOptions) {}

  endpointAllowed(endpoint: string): boolean {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return false;
    }
    if (url.username || url.password) return false;
    if (url.protocol === 'https:') {
      if (this.opts.allowInsecure) return true;
      const host = url.hostname.replace(/^\[|\]$/g, '');
      return isIP(host) === 0 && host !== 'localhost' && !host.endsWith('.localhost') && host.includes('.');
    }
    return url.protocol === 'http:' && this.opts.allowInsecure && LOOPBACK.has(url.hostname);
  }

  async send(target: PushTarget, payload: string, options: PushOptions): Promise<PushOutcome> {
    if (!this.endpointAllowed(target.endpoint)) return 'gone';
    const keys = this.opts.keys();
    let details;
    try {
      details = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, payload, {
        vapidDetails: { subject: this.opts.subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
        TTL: options.ttlSec,
        urgency: options.urgency,
        contentEncoding: 'aes128gcm',
        ...(options.topic ? { topic: options.topic } : {}),
      });
    } catch {
      // Keys the browser never could have made (the encryption refused them): useless.
      return 'gone';
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(details.headers)) if (k.toLowerCase() !== 'content-length') headers[k] = String(v);
    const doFetch = this.opts.fetch ?? globalThis.fetch;
    try {
      const res = await doFetch(details.endpoint, {
        method: 'POST',
        headers,
        body: details.body ? new Uint8Array(details.body) : new Uint8Array(0),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 404 || res.status === 410) return 'gone';
      return res.status >= 200 && res.status < 300 ? 'sent' : 'failed';
    } catch {
      return 'failed';
    }
  }
}
