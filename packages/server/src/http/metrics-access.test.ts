/**
 * /metrics is not public (issue 16.12): by default only this machine reads it directly
 * (not through a proxy), PARLEY_METRICS_TOKEN requires a bearer token, and
 * PARLEY_METRICS_ADDR moves it to a listener of its own.
 */
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, testConfig, type TestNode } from '../testing';
import { call } from '../test-support/http-client';
import { loadConfig } from '../config';

type Server = TestNode & { close(): Promise<void> };

/** An address of this machine that is not loopback, when it has one. */
const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('/metrics access', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('default: served to a loopback client, refused when the request came through a proxy', async () => {
    server = await startTestServer();
    const direct = await call(server.url, 'GET', '/metrics');
    expect(direct.status).toBe(200);
    expect(direct.body).toContain('parley_ws_connections');
    for (const headers of [{ 'x-forwarded-for': '198.51.100.7' }, { forwarded: 'for=198.51.100.7' }] as Record<string, string>[]) {
      const proxied = await call(server.url, 'GET', '/metrics', { headers });
      expect(proxied.status).toBe(403);
      expect(proxied.body.code).toBe('FORBIDDEN');
      expect(JSON.stringify(proxied.body)).not.toContain('parley_');
    }
  });

  it.runIf(lanAddress)('default: refused to a client on another address of this machine', async () => {
    server = await startTestServer({ host: '0.0.0.0' });
    const lan = server.url.replace('127.0.0.1', lanAddress!);
    const res = await call(lan, 'GET', '/metrics');
    expect(res.status).toBe(403);
    expect((await call(lan, 'GET', '/healthz')).status).toBe(200);
  });

  it('with PARLEY_METRICS_TOKEN: the bearer token is required, also from loopback', async () => {
    server = await startTestServer({ config: { metricsToken: 'scrape-secret-123' } });
    expect((await call(server.url, 'GET', '/metrics')).status).toBe(401);
    expect((await call(server.url, 'GET', '/metrics', { token: 'wrong' })).status).toBe(401);
    const ok = await call(server.url, 'GET', '/metrics', { token: 'scrape-secret-123', headers: { 'x-forwarded-for': '198.51.100.7' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('parley_ws_connections');
  });

  it('with PARLEY_METRICS_ADDR: served on that listener only', async () => {
    server = await startTestServer({ config: { metricsAddr: { host: '127.0.0.1', port: 0 } } });
    expect((await call(server.url, 'GET', '/metrics')).status).toBe(404);
    const metricsUrl = server.app.extraListeners.metrics!;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await call(metricsUrl, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toContain('parley_ws_connections');
    expect((await call(metricsUrl, 'GET', '/api/me')).status).toBe(404);
  });

  it('PARLEY_METRICS_ADDR and PARLEY_METRICS_TOKEN from the environment', () => {
    expect(testConfig()).toMatchObject({ metricsAddr: null, metricsToken: null });
    expect(loadConfig({ PARLEY_METRICS_ADDR: '10.0.0.2:9464', PARLEY_METRICS_TOKEN: 't' })).toMatchObject({ metricsAddr: { host: '10.0.0.2', port: 9464 }, metricsToken: 't' });
    expect(loadConfig({ PARLEY_METRICS_ADDR: '[::1]:9464' }).metricsAddr).toEqual({ host: '::1', port: 9464 });
    expect(() => loadConfig({ PARLEY_METRICS_ADDR: '9464' })).toThrow(/PARLEY_METRICS_ADDR/);
  });
});
