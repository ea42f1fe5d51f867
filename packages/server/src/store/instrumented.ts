/**
 * Wraps a Store so every call is measured: calls in flight (how busy the database pool
 * is, next to its configured size) and call durations by method. Backend-independent,
 * so both adapters report the same metrics. Sub-ports pass through unwrapped.
 */
import type { Gauge, Histogram } from 'prom-client';
import type { Store } from './port';

export interface StoreMetrics {
  inFlight: Gauge;
  seconds: Histogram<'method'>;
}

export function instrumentStore(store: Store, m: StoreMetrics): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'close') return value;
      const method = String(prop);
      return (...args: unknown[]) => {
        const started = performance.now();
        m.inFlight.inc();
        const done = () => {
          m.inFlight.dec();
          m.seconds.observe({ method }, (performance.now() - started) / 1000);
        };
        try {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) return result.finally(done);
          done();
          return result;
        } catch (err) {
          done();
          throw err;
        }
      };
    },
  });
}
