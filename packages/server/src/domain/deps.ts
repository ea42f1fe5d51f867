import type { Logger } from 'pino';
import type { BlobStore } from '../blobs/port';
import type { Bus } from '../bus/port';
import type { Config } from '../config';
import type { MediaInspector } from '../media/port';
import type { Metrics } from '../metrics';
import type { PresenceRegistry } from '../presence/port';
import type { PushSender, VapidKeys } from '../push/port';
import type { RateLimiter } from '../rate-limit/port';
import type { Store } from '../store/port';

/** The deployment's secrets, the same on every node (app.ts loads them). */
export interface Keys {
  /** Signs access tokens; attachment URL signatures use a key derived from it (attachments/signing.ts). */
  jwtSecret: Uint8Array;
  /** The Web Push pair; loaded on first use, so a node that never pushes creates no key file. */
  vapid: () => VapidKeys;
}

/**
 * Everything a domain service needs, passed in: no singletons, no module state. Built
 * by the composition root (app.ts, with adapters.ts choosing adapters from config);
 * the domain sees only ports.
 */
export interface Deps {
  store: Store;
  bus: Bus;
  presence: PresenceRegistry;
  limiter: RateLimiter;
  /** Where attachment bytes live. */
  blobs: BlobStore;
  /** What an upload is (type, image size, thumbnail). */
  media: MediaInspector;
  /** Hands browser pushes to the push services. */
  push: PushSender;
  keys: Keys;
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** Epoch milliseconds; tests may move time. */
  clock: () => number;
}
