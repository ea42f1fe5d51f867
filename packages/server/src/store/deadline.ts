/**
 * A deadline on every storage call a request makes: a database that hangs (a lock held
 * elsewhere, a pool with no free connection, a stuck SQLite writer thread) answers a
 * retryable UNAVAILABLE (503) within `ms` instead of holding the request, the group
 * commit lane and the client for 15–20 s.
 *
 * The call itself is not cancelled here (the backends bound their own work:
 * PostgreSQL's statement and lock timeouts, SQLite's busy_timeout), so a write may still
 * commit after its caller was told UNAVAILABLE. Nothing was acknowledged for it: a send
 * retried with its clientMessageId finds the stored message (exactly once), as after a
 * lost reply. Maintenance (retention, partitions) runs outside requests and is exempt,
 * and so are account erasure (EXEMPT_METHODS) and close().
 */
import { StoreError, type Store } from './port';

const EXEMPT_PORTS = new Set<PropertyKey>(['maintenance']);
/** Account erasure is one transaction over everything a user wrote: it may take longer, and is not retried blindly. */
const EXEMPT_METHODS = new Set<PropertyKey>(['close', 'eraseUser']);

export function withDeadline(store: Store, ms: number): Store {
  if (!(ms > 0)) return store;
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver) as unknown;
        if (EXEMPT_METHODS.has(prop)) return value;
        if (typeof value === 'object' && value !== null && !EXEMPT_PORTS.has(prop) && obj === store) return wrap(value);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
          if (!(result instanceof Promise)) return result;
          return race(result, ms, String(prop));
        };
      },
    });
  return wrap(store);
}

function race<T>(call: Promise<T>, ms: number, method: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreError('UNAVAILABLE', `storage did not answer ${method} within ${ms} ms`)), ms);
  });
  call.catch(() => {}); // a failure after the deadline has nobody left to tell
  return Promise.race([call, overdue]).finally(() => clearTimeout(timer));
}
