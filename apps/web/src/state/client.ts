/** The one SDK client of this page: same origin, session and outbox kept in localStorage. */
import { memoryStorage, ParleyClient, type KeyValueStorage } from '@parley/client';

function browserStorage(): KeyValueStorage {
  try {
    const probe = '__parley_probe__';
    window.localStorage.setItem(probe, '1');
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    // Storage disabled (some private modes): the app works, but a reload logs out.
    return memoryStorage();
  }
}

export function createClient(): ParleyClient {
  return new ParleyClient({ baseUrl: location.origin, storage: browserStorage(), reconnect: { minDelayMs: 500, maxDelayMs: 10_000 } });
}
