import type { Logger } from 'pino';
import type { Bus } from '../bus/port';
import type { Config } from '../config';
import type { Metrics } from '../metrics';
import type { PresenceRegistry } from '../presence/port';
import type { RateLimiter } from '../rate-limit/port';
import type { Store } from '../store/port';

/** Everything a domain service needs, passed in: no singletons, no module state. */
export interface Deps {
  store: Store;
  bus: Bus;
  presence: PresenceRegistry;
  limiter: RateLimiter;
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** Epoch milliseconds; tests may move time. */
  clock: () => number;
}
