/**
 * The SDK never sends a password in clear text to another machine (issue 20): login,
 * register and account erasure over plain http:// to a non-loopback host fail with
 * INSECURE_TRANSPORT before any request is made, unless allowInsecureTransport is set.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Me, UserId } from '@parley/protocol';
import { ParleyClient } from './client';
import { insecureTarget } from './http';
import { ParleyError } from './parley-error';

const me: Me = { id: 'u1' as UserId, username: 'alice', displayName: 'Alice', avatarUrl: null, privacy: { lastSeen: 'everyone', readReceipts: true }, role: 'user', createdAt: 0 };

function recordingFetch() {
  const urls: string[] = [];
  const fetch = async (input: RequestInfo | URL) => {
    urls.push(String(input));
    return new Response(JSON.stringify({ user: me, accessToken: 'at', refreshToken: 'rt', expiresIn: 900 }), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { urls, fetch: fetch as typeof globalThis.fetch };
}

const credentials = { username: 'alice', password: 'correct horse battery' };

describe('passwords over plain HTTP', () => {
  afterEach(() => {
    delete (globalThis as { location?: unknown }).location;
  });

  it.each(['http://chat.example.com', 'http://192.168.1.20:8080', 'http://[2001:db8::1]', 'http://127.0.0.1.evil.example'])('login and register to %s are refused before anything is sent', async (baseUrl) => {
    const { urls, fetch } = recordingFetch();
    const client = new ParleyClient({ baseUrl, fetch });
    for (const attempt of [() => client.login(credentials), () => client.register(credentials)]) {
      const err = await attempt().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ParleyError);
      expect((err as ParleyError).code).toBe('INSECURE_TRANSPORT');
      expect((err as ParleyError).retryable).toBe(false);
    }
    // The generic request path is guarded too (account erasure carries a password).
    await expect(client.request('login', { body: credentials })).rejects.toMatchObject({ code: 'INSECURE_TRANSPORT' });
    expect(urls).toEqual([]);
  });

  it.each(['https://chat.example.com', 'http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080', 'http://parley.localhost'])('login to %s goes ahead', async (baseUrl) => {
    const { urls, fetch } = recordingFetch();
    const client = new ParleyClient({ baseUrl, fetch });
    expect((await client.login(credentials)).id).toBe('u1');
    expect(urls).toHaveLength(1);
  });

  it('allowInsecureTransport lets it through', async () => {
    const { urls, fetch } = recordingFetch();
    const client = new ParleyClient({ baseUrl: 'http://chat.example.com', fetch, allowInsecureTransport: true });
    expect((await client.login(credentials)).id).toBe('u1');
    expect(urls).toEqual(['http://chat.example.com/api/auth/login']);
  });

  it('a relative base URL is judged by the page it runs on', async () => {
    (globalThis as { location?: unknown }).location = { href: 'http://chat.example.com/app' };
    const { fetch } = recordingFetch();
    await expect(new ParleyClient({ baseUrl: '', fetch }).login(credentials)).rejects.toMatchObject({ code: 'INSECURE_TRANSPORT' });
    (globalThis as { location?: unknown }).location = { href: 'https://chat.example.com/app' };
    expect(insecureTarget('/api/auth/login')).toBe(false);
  });

  it('requests without a password are not affected', async () => {
    const { urls, fetch } = recordingFetch();
    const client = new ParleyClient({ baseUrl: 'http://chat.example.com', fetch });
    await client.request('logout', { body: { refreshToken: 'rt' } }).catch(() => {});
    expect(urls).toHaveLength(1);
  });
});
