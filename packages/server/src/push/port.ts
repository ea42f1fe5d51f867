/**
 * The push port: how the domain hands a browser push to a push service. One adapter,
 * web-push-sender.ts (Web Push with VAPID). Guarantees: send() never throws (the
 * outcome says what happened) and gives up within its timeout; an endpoint that
 * endpointAllowed() refuses is never contacted.
 */

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** sent: accepted; gone: the subscription expired (404/410), forget it; failed: try another time. */
export type PushOutcome = 'sent' | 'gone' | 'failed';

export interface PushOptions {
  ttlSec: number;
  urgency: 'normal' | 'high';
  /** Push services replace a waiting push with the same topic. */
  topic?: string;
}

export interface PushSender {
  /** Whether the server will ever post to this endpoint (checked when a subscription is stored, and again before sending). */
  endpointAllowed(endpoint: string): boolean;
  send(target: PushTarget, payload: string, options: PushOptions): Promise<PushOutcome>;
}

/** The VAPID key pair that signs every push request (see vapid-keys.ts). */
export interface VapidKeys {
  /** base64url, uncompressed P-256 point (what PushManager.subscribe takes). */
  publicKey: string;
  /** base64url, 32 bytes. */
  privateKey: string;
}
