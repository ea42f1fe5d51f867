/**
 * One node, no proxy (issue 20): with a certificate the port speaks HTTPS and WSS only,
 * TLS 1.2+ with forward-secret AEAD suites, HSTS on every response; the SDK works over
 * https:// and wss:// trusting the test CA; a new certificate is served to new
 * connections while open sockets stay; the optional plain port only redirects.
 * Certificates are made here with openssl (test-support/certs.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyClient } from '../../client/src/client';
import type { WebSocketCtor } from '../../client/src/connection';
import { PROTOCOL_VERSION, textOf } from '@parley/protocol';
import WebSocket from 'ws';
import { startTestServer, type TestNode } from './testing';
import { makeTestCa, openSslAvailable, type ServerCert, type TestCa } from './test-support/certs';
import { fetchTrusting, probeTls, webSocketTrusting } from './test-support/https-client';
import { testRateLimits, uniqueName } from './test-support/users';
import { redirectTarget } from './http/https-redirect';
import { transportWarning } from './transport-warning';
import { loadConfig } from './config';

type Server = TestNode & { close(): Promise<void> };

describe.runIf(openSslAvailable())('TLS on the node', () => {
  let ca: TestCa;
  let first: ServerCert;
  let server: Server;
  let fetchTls: typeof fetch;

  beforeAll(async () => {
    ca = makeTestCa();
    first = ca.issue();
    fetchTls = fetchTrusting(ca.caCert);
    server = await startTestServer({ tls: first, config: { rateLimits: testRateLimits(), httpRedirectPort: 0 } });
  });
  afterAll(async () => {
    await server?.close();
    ca?.remove();
  });

  it('serves HTTPS only, with HSTS and the other security headers', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetchTls(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Plain HTTP on the TLS port gets no answer of Parley's.
    const plain = await fetch(server.url.replace('https:', 'http:') + '/healthz').then((r) => r.status, () => 'refused');
    expect(plain).not.toBe(200);
  });

  it('an untrusted certificate is refused by a verifying client (the CA is what makes it work)', async () => {
    const probe = await probeTls(server.url, {});
    expect(probe.ok).toBe(false);
    expect(await probeTls(server.url, { ca: ca.caCert })).toMatchObject({ ok: true, fingerprint256: first.fingerprint256 });
  });

  it('negotiates TLS 1.3 by default and refuses TLS 1.1 and 1.0', async () => {
    expect((await probeTls(server.url, { ca: ca.caCert })).protocol).toBe('TLSv1.3');
    for (const version of ['TLSv1', 'TLSv1.1'] as const) {
      // SECLEVEL=0 lets this client offer old versions at all; the server must say no.
      const probe = await probeTls(server.url, { ca: ca.caCert, minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' });
      expect(probe.ok, version).toBe(false);
      expect(probe.error).toMatch(/protocol|version/i);
    }
  });

  it('on TLS 1.2, refuses suites without forward secrecy or AEAD, accepts ECDHE-GCM and ChaCha20', async () => {
    for (const weak of ['AES128-SHA', 'AES256-GCM-SHA384', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384']) {
      const probe = await probeTls(server.url, { ca: ca.caCert, maxVersion: 'TLSv1.2', ciphers: `${weak}@SECLEVEL=0` });
      expect(probe.ok, weak).toBe(false);
    }
    for (const strong of ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305']) {
      const probe = await probeTls(server.url, { ca: ca.caCert, maxVersion: 'TLSv1.2', ciphers: strong });
      expect(probe, strong).toMatchObject({ ok: true, protocol: 'TLSv1.2' });
    }
  });

  it('the SDK registers, connects over wss:// and two users chat', async () => {
    const opts = { baseUrl: server.url, fetch: fetchTls, WebSocket: webSocketTrusting(ca.caCert) as unknown as WebSocketCtor };
    const [ann, bob] = [new ParleyClient(opts), new ParleyClient(opts)];
    const bobMe = await bob.register({ username: uniqueName('tlsbob'), password: 'long enough password' });
    await ann.register({ username: uniqueName('tlsann'), password: 'long enough password' });
    await Promise.all([ann.connect(), bob.connect()]);
    const { conversation } = await ann.request('createDirect', { body: { userId: bobMe.id } });
    const received = new Promise<string>((resolve) => bob.on('event', (e) => e.type === 'message.created' && resolve(textOf(e.message)?.body ?? '')));
    await ann.send(conversation.id, { kind: 'text', content: { body: 'over TLS' } }).done;
    expect(await received).toBe('over TLS');
    ann.disconnect();
    bob.disconnect();
  });

  it('a reloaded certificate is served to new connections while an open socket stays up', async () => {
    const { accessToken } = (await (await fetchTls(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: uniqueName('reload'), password: 'long enough password' }),
    })).json()) as { accessToken: string };
    const ws = new WebSocket(server.wsUrl, { ca: ca.caCert });
    const frames: { type: string; id?: string }[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: accessToken }));
    await expect.poll(() => frames.some((f) => f.type === 'welcome')).toBe(true);

    const second = ca.issue({ keyType: 'ec' });
    expect(second.fingerprint256).not.toBe(first.fingerprint256);
    server.app.reloadTls(second);
    expect((await probeTls(server.url, { ca: ca.caCert })).fingerprint256).toBe(second.fingerprint256);

    // The socket opened before the reload still works, on its old session.
    ws.send(JSON.stringify({ type: 'req', id: 'after-reload', op: 'ping' }));
    await expect.poll(() => frames.some((f) => f.type === 'res' && f.id === 'after-reload')).toBe(true);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('the plain-HTTP redirect port answers only with a redirect to HTTPS', async () => {
    const plain = server.app.extraListeners.redirect!;
    expect(plain).toMatch(/^http:\/\//);
    const port = new URL(server.url).port;
    for (const path of ['/', '/api/me?x=1', '/ws']) {
      const res = await fetch(plain + path, { redirect: 'manual' });
      expect(res.status).toBe(308);
      expect(res.headers.get('location')).toBe(`https://127.0.0.1:${port}${path}`);
    }
    const post = await fetch(`${plain}/api/auth/login`, { method: 'POST', body: '{}', redirect: 'manual' });
    expect(post.status).toBe(308);
  });
});

describe('redirect targets', () => {
  it('uses PARLEY_PUBLIC_URL when set, else the request host on the HTTPS port', () => {
    expect(redirectTarget('/a?b', 'evil.example', 'https://chat.example.com', 8443)).toBe('https://chat.example.com/a?b');
    expect(redirectTarget('/a', 'chat.example.com:8080', null, 443)).toBe('https://chat.example.com/a');
    expect(redirectTarget('/a', '[::1]:8080', null, 8443)).toBe('https://[::1]:8443/a');
    expect(redirectTarget('/a', 'bad host/x', null, 443)).toBeNull();
    expect(redirectTarget('http://evil/x', 'chat.example.com', null, 443)).toBe('https://chat.example.com/');
  });
});

describe('the start-up transport warning', () => {
  const base = loadConfig({});
  it.each([
    ['0.0.0.0, plain HTTP, no proxy', true, { host: '0.0.0.0' }],
    ['a LAN address, plain HTTP', true, { host: '192.168.1.20' }],
    ['a proxy trusted but no https public URL', true, { host: '0.0.0.0', trustProxy: 'local' as const }],
    ['loopback', false, { host: '127.0.0.1' }],
    ['localhost', false, { host: 'localhost' }],
    ['::1', false, { host: '::1' }],
    ['TLS on the node', false, { host: '0.0.0.0', tls: { certFile: 'c', keyFile: 'k' } }],
    ['TLS declared handled by a trusted proxy', false, { host: '0.0.0.0', trustProxy: ['10.0.0.5'], publicUrl: 'https://chat.example.com' }],
  ])('%s → warns: %s', (_name, warns, overrides) => {
    const warning = transportWarning({ ...base, ...overrides });
    expect(warning !== null).toBe(warns);
    if (warning) expect(warning).toMatch(/plain HTTP/);
  });

  it('TLS settings come in pairs, and the redirect port needs TLS', () => {
    expect(() => loadConfig({ PARLEY_TLS_CERT: '/c.pem' })).toThrow(/PARLEY_TLS_KEY/);
    expect(() => loadConfig({ PARLEY_HTTP_REDIRECT_PORT: '80' })).toThrow(/PARLEY_TLS_CERT/);
    expect(loadConfig({ PARLEY_TLS_CERT: '/c.pem', PARLEY_TLS_KEY: '/k.pem', PARLEY_HTTP_REDIRECT_PORT: '80' })).toMatchObject({ tls: { certFile: '/c.pem', keyFile: '/k.pem' }, httpRedirectPort: 80 });
    expect(() => loadConfig({ PARLEY_PUBLIC_URL: 'chat.example.com' })).toThrow(/PARLEY_PUBLIC_URL/);
  });
});
