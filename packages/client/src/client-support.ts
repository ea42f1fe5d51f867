/** Small helpers the client's managers share: error triage, ids, URLs, a settle-once promise. */
import type { ClientMessageId } from '@parley/protocol';
import { ParleyError } from './parley-error';
import type { Backoff } from './reconnect';

/** Whether trying again can help: the catalogue's flag (a lost connection or timeout is retryable); unknown errors count as transient. */
export function isTransient(err: unknown): boolean {
  return !(err instanceof ParleyError) || err.retryable;
}

/** The next back-off delay, but never sooner than a RATE_LIMITED reply asked. */
export function retryDelay(backoff: Backoff, err: unknown): number {
  const asked = err instanceof ParleyError ? (err.retryAfterMs ?? 0) : 0;
  return Math.max(backoff.next(), asked);
}

/** The socket went away under a request (not a refusal by the server). */
export function isConnectionLoss(err: unknown): boolean {
  return err instanceof ParleyError && err.code === 'UNAVAILABLE' && err.retryable && err.status === undefined;
}

/** A random id: the browser's or Node's crypto, else a weaker fallback that is still unique enough per user. */
export function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string; getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function newClientMessageId(): ClientMessageId {
  return randomId() as ClientMessageId;
}

/** ws(s)://host[/prefix]/ws for an http(s) base URL; a relative base resolves against the page. */
export function wsUrlOf(baseUrl: string): string {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  const u = new URL(baseUrl || '/', page);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/ws`;
  u.search = '';
  u.hash = '';
  return u.toString();
}

export interface Ready {
  promise: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
  settled: boolean;
}

export function newReady(): Ready {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // connect() callers may not wait; a stop before the first welcome must not be an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject, settled: false };
}
