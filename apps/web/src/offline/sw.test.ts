/**
 * public/sw.js itself, run in a Node `vm` context with stand-ins for the worker's globals
 * (self, caches, clients, fetch): notification clicks (focus an open window and tell it
 * where to go, or open one), the precache at install, the cleanup of old versions at
 * activate, and which requests it answers. The browser test (e2e/offline.test.ts) covers
 * the real worker offline.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

const SOURCE = readFileSync(path.resolve(import.meta.dirname, '../../public/sw.js'), 'utf8');
const ORIGIN = 'https://chat.example';
const BUILD = { version: 'v2', files: ['/index.html', '/assets/app-1.js'] };

type Handler = (event: Record<string, unknown>) => void;

function worker(opts: { build?: typeof BUILD | null; windows?: FakeWindow[]; cacheKeys?: string[]; networkDown?: boolean } = {}) {
  const handlers = new Map<string, Handler>();
  const log: string[] = [];
  const cached = new Map<string, Map<string, string>>();
  const caches = {
    open: async (name: string) => {
      if (!cached.has(name)) cached.set(name, new Map());
      const c = cached.get(name)!;
      return {
        addAll: async (reqs: { url: string }[]) => reqs.forEach((r) => c.set(new URL(r.url, ORIGIN).pathname, `body of ${r.url}`)),
        match: async (key: string) => c.get(key) ?? undefined,
      };
    },
    keys: async () => [...(opts.cacheKeys ?? []), ...cached.keys()],
    delete: async (name: string) => {
      log.push(`delete ${name}`);
      return cached.delete(name);
    },
  };
  const self = {
    location: { origin: ORIGIN },
    addEventListener: (type: string, fn: Handler) => handlers.set(type, fn),
    skipWaiting: async () => log.push('skipWaiting'),
    registration: { showNotification: async (title: string, o: unknown) => log.push(`show ${title} ${JSON.stringify(o)}`) },
    clients: {
      matchAll: async () => opts.windows ?? [],
      openWindow: async (url: string) => log.push(`open ${url}`),
      claim: async () => log.push('claim'),
    },
  };
  class FakeRequest {
    constructor(
      readonly url: string,
      readonly init: unknown,
    ) {}
  }
  const source = opts.build === null ? SOURCE : SOURCE.replace('/*__PARLEY_BUILD__*/ null', JSON.stringify(opts.build ?? BUILD));
  vm.runInNewContext(source, { self, caches, Request: FakeRequest, URL, fetch: async () => (opts.networkDown ? Promise.reject(new TypeError('Failed to fetch')) : { ok: true, from: 'network' }), Response: { error: () => 'error' }, setTimeout, clearTimeout });
  /** Fires an event; resolves once everything it passed to waitUntil / respondWith has settled. */
  const fire = async (type: string, event: Record<string, unknown>) => {
    const waits: Promise<unknown>[] = [];
    let responded: Promise<unknown> | undefined;
    handlers.get(type)!({ ...event, waitUntil: (p: Promise<unknown>) => waits.push(p), respondWith: (p: Promise<unknown>) => (responded = p) });
    await Promise.all(waits);
    return { responded: responded === undefined ? undefined : await responded };
  };
  return { fire, log, cached };
}

interface FakeWindow {
  url: string;
  focused: boolean;
  focus(): Promise<void>;
  postMessage(m: unknown): void;
}

function window(url: string, focused = false, log: string[] = []): FakeWindow {
  return { url, focused, focus: async () => void log.push(`focus ${url}`), postMessage: (m) => log.push(`post ${url} ${JSON.stringify(m)}`) };
}

const click = (url?: string) => ({ notification: { data: url ? { url } : null, close: () => {} } });

describe('sw.js', () => {
  it('a notification click focuses an open window of ours and asks it to navigate in place', async () => {
    const seen: string[] = [];
    const w = worker({ windows: [window('https://elsewhere.example/', true, seen), window(`${ORIGIN}/settings`, false, seen)] });
    await w.fire('notificationclick', click('/c/c1?m=m9'));
    expect(seen).toEqual([`focus ${ORIGIN}/settings`, `post ${ORIGIN}/settings {"type":"parley:navigate","url":"/c/c1?m=m9"}`]);
    expect(w.log).toEqual([]);
  });

  it('prefers the focused window when several of ours are open', async () => {
    const seen: string[] = [];
    const w = worker({ windows: [window(`${ORIGIN}/a`, false, seen), window(`${ORIGIN}/b`, true, seen)] });
    await w.fire('notificationclick', click('/c/c2'));
    expect(seen[0]).toBe(`focus ${ORIGIN}/b`);
  });

  it('opens a new window at the conversation when none of ours is open (and at / without a URL)', async () => {
    const w = worker({ windows: [window('https://elsewhere.example/')] });
    await w.fire('notificationclick', click('/c/c3'));
    await w.fire('notificationclick', click());
    expect(w.log).toEqual(['open /c/c3', 'open /']);
  });

  it('a message push shows a notification that opens its conversation', async () => {
    const w = worker();
    const payload = { type: 'message', conversationId: 'c1', messageId: 'm1', senderName: 'Ann', conversationTitle: null, preview: 'hi', mention: false };
    await w.fire('push', { data: { json: () => payload } });
    expect(w.log[0]).toContain('show Ann');
    expect(w.log[0]).toContain('"url":"/c/c1?m=m1"');
  });

  it('precaches the build at install, activates at once, and deletes older versions at activate', async () => {
    const w = worker({ cacheKeys: ['parley-shell-v1', 'someone-else'] });
    await w.fire('install', {});
    expect([...w.cached.get('parley-shell-v2')!.keys()]).toEqual(['/index.html', '/assets/app-1.js']);
    await w.fire('activate', {});
    expect(w.log).toEqual(['skipWaiting', 'delete parley-shell-v1', 'claim']);
  });

  it('answers built files from the cache and leaves the API, the socket, other origins and other methods to the network', async () => {
    const w = worker();
    await w.fire('install', {});
    const get = (url: string, mode = 'no-cors', method = 'GET') => w.fire('fetch', { request: { url, mode, method } });
    expect((await get(`${ORIGIN}/assets/app-1.js`)).responded).toBe('body of /assets/app-1.js');
    for (const url of [`${ORIGIN}/api/conversations`, `${ORIGIN}/api/conversations/c1/attachments/a1?sig=x`, `${ORIGIN}/ws`, 'https://cdn.example/app.js', `${ORIGIN}/assets/other.js`]) {
      expect((await get(url)).responded, url).toBeUndefined();
    }
    expect((await get(`${ORIGIN}/api/conversations/c1/attachments/a1`, 'navigate')).responded).toBeUndefined();
    expect((await get(`${ORIGIN}/assets/app-1.js`, 'no-cors', 'POST')).responded).toBeUndefined();
    // A navigation is answered (network first, see the browser test for the offline fallback).
    expect((await get(`${ORIGIN}/c/c1`, 'navigate')).responded).toEqual({ ok: true, from: 'network' });
  });

  it('with the network down, a navigation gets the cached shell (any app URL: the app routes on the client)', async () => {
    const w = worker({ networkDown: true });
    await w.fire('install', {});
    expect((await w.fire('fetch', { request: { url: `${ORIGIN}/c/c1?m=m2`, mode: 'navigate', method: 'GET' } })).responded).toBe('body of /index.html');
  });

  it('without a build list (the dev server) caches and answers nothing', async () => {
    const w = worker({ build: null });
    await w.fire('install', {});
    expect(w.cached.size).toBe(0);
    expect((await w.fire('fetch', { request: { url: `${ORIGIN}/c/c1`, mode: 'navigate', method: 'GET' } })).responded).toBeUndefined();
  });
});
