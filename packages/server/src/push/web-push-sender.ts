/**
 * Sends one Web Push message: the payload is encrypted for the subscription (aes128gcm)
 * and signed with VAPID by the `web-push` library, and posted through the outbound guard
 * (outbound/guard.ts), since the endpoint comes from a user and must not reach our own
 * network: the URL is checked as text when a subscription is stored, and its resolved
 * addresses again before each post. PARLEY_PUSH_ALLOW_INSECURE=1 (tests) is the guard's
 * explicit allowance for plain http to a loopback address.
 */
import webpush from 'web-push';
import { checkUrl, OutboundRefused, request, type OutboundPolicy } from '../outbound/guard';
import type { PushOptions, PushOutcome, PushSender, PushTarget, VapidKeys } from './port';

export interface WebPushSenderOptions {
  keys: () => VapidKeys;
  subject: string;
  allowInsecure: boolean;
  timeoutMs?: number;
  /** The guard's policy beyond the insecure allowance: ports (PARLEY_OUTBOUND_ALLOW_PORTS), and a lookup for tests. */
  outbound?: Omit<OutboundPolicy, 'allowInsecureLoopback'>;
}

export class WebPushSender implements PushSender {
  private readonly policy: OutboundPolicy;

  constructor(private readonly opts: WebPushSenderOptions) {
    this.policy = { timeoutMs: opts.timeoutMs ?? 10_000, ...opts.outbound, allowInsecureLoopback: opts.allowInsecure };
  }

  /** Whether the server will ever post to this endpoint: the guard's text check (no network call). */
  endpointAllowed(endpoint: string): boolean {
    try {
      checkUrl(endpoint, this.policy);
      return true;
    } catch {
      return false;
    }
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
    try {
      const res = await request(details.endpoint, { method: 'POST', headers, body: details.body ? new Uint8Array(details.body) : new Uint8Array(0) }, this.policy);
      if (res.status === 404 || res.status === 410) return 'gone';
      return res.status >= 200 && res.status < 300 ? 'sent' : 'failed';
    } catch (err) {
      // An endpoint that now resolves into our own network is no push service: forget it.
      return err instanceof OutboundRefused ? 'gone' : 'failed';
    }
  }
}
