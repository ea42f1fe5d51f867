/**
 * The production recipe, tried for real (issue 20): Debian's nginx runs the site from
 * deploy/nginx/parley.conf (ports, certificate paths and the upstream swapped for this
 * run) in front of a Parley node told to trust it, with a certificate made here by a
 * throw-away CA. Two people chat through it in Chromium over HTTPS/HTTP/2 and WSS.
 *
 * Chromium trusts the certificate through --ignore-certificate-errors-spki-list with the
 * SHA-256 of the server key: it accepts exactly that key (not every certificate, as
 * ignoreHTTPSErrors would) and needs no NSS database.
 *
 * nginx runs unprivileged-style: its own prefix, config, logs and temp dirs in a temp
 * directory, high ports, `daemon off`, stopped at the end. Without nginx the suite skips
 * with a visible reason, unless PARLEY_REQUIRE_SERVICES=1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../packages/server/src/testing';
import { makeTestCa, openSslAvailable, type TestCa } from '../packages/server/src/test-support/certs';
import { probeTls } from '../packages/server/src/test-support/https-client';
import { CHROMIUM, DESKTOP, PHONE, ROOT, WEB_DIR, describeE2E, finishE2E, messageItem, screenshot, sendMessage, signUp, startChat, type E2E } from './harness';

const NGINX = process.env.PARLEY_NGINX ?? '/usr/sbin/nginx';
const SITE = path.join(ROOT, 'deploy/nginx/parley.conf');
const required = process.env.PARLEY_REQUIRE_SERVICES === '1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The shipped site with this run's ports, certificate and node swapped in; nothing else changes. */
export function siteForTest(site: string, o: { httpPort: number; httpsPort: number; nodePort: number; cert: string; key: string }): string {
  const out = site
    .replace(/upstream parley \{[^}]*\}/, `upstream parley {\n    server 127.0.0.1:${o.nodePort};\n}`)
    .replace(/^\s*listen \[::\]:\d+.*$/gm, '')
    .replace(/listen 80;/, `listen 127.0.0.1:${o.httpPort};`)
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${o.httpsPort} ssl http2;`)
    .replace(/ssl_certificate\s+\S+;/, `ssl_certificate ${o.cert};`)
    .replace(/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${o.key};`);
  for (const must of [`127.0.0.1:${o.nodePort}`, `127.0.0.1:${o.httpPort};`, `127.0.0.1:${o.httpsPort} ssl http2`, o.cert, o.key]) {
    if (!out.includes(must)) throw new Error(`deploy/nginx/parley.conf changed shape: could not set ${must}`);
  }
  return out;
}

function describeWithNginx(name: string, fn: () => void): void {
  const missing = !existsSync(NGINX) ? `nginx not found at ${NGINX} (apt-get install nginx, or set PARLEY_NGINX)` : !openSslAvailable() ? 'the openssl command is missing' : null;
  if (!missing) return describeE2E(name, fn);
  if (required) {
    describe(name, () => it('needs nginx and openssl', () => { throw new Error(`${missing}; PARLEY_REQUIRE_SERVICES=1 makes this a failure`); }));
    return;
  }
  console.warn(`[e2e] skipping "${name}": ${missing}`);
  describe.skip(`${name} (skipped: ${missing})`, fn);
}

describeWithNginx('two people chat through nginx over TLS', () => {
  let dir: string;
  let ca: TestCa;
  let nginx: ChildProcess | undefined;
  let nginxLog = '';
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let e2e: E2E;
  let httpsUrl: string;
  let httpPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'parley-nginx-'));
    for (const sub of ['logs', 'temp']) mkdirSync(path.join(dir, sub));
    ca = makeTestCa();
    const cert = ca.issue({ hosts: ['localhost', '127.0.0.1'] });
    server = await startTestServer({
      config: { trustProxy: 'local', webDir: WEB_DIR, databaseUrl: path.join(dir, 'parley.db'), publicUrl: null },
    });
    const nodePort = Number(new URL(server.url).port);
    httpPort = await freePort();
    const httpsPort = await freePort();
    writeFileSync(path.join(dir, 'parley.conf'), siteForTest(readFileSync(SITE, 'utf8'), { httpPort, httpsPort, nodePort, cert: cert.certFile, key: cert.keyFile }));
    const temp = (name: string) => `${name}_temp_path ${path.join(dir, 'temp', name)};`;
    writeFileSync(
      path.join(dir, 'nginx.conf'),
      [
        // As root, workers would drop to nobody and could not use this private directory.
        ...(process.getuid?.() === 0 ? ['user root;'] : []),
        'worker_processes 1;',
        `error_log ${path.join(dir, 'logs/error.log')} warn;`,
        'events { worker_connections 512; }',
        'http {',
        `  access_log ${path.join(dir, 'logs/access.log')};`,
        `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
        `  include ${path.join(dir, 'parley.conf')};`,
        '}',
      ].join('\n'),
    );
    nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', `daemon off; pid ${path.join(dir, 'nginx.pid')};`], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stderr!.on('data', (d: Buffer) => (nginxLog += d.toString()));
    httpsUrl = `https://localhost:${httpsPort}`;
    for (let waited = 0; !(await probeTls(`https://127.0.0.1:${httpsPort}`, { ca: ca.caCert })).ok; waited += 100) {
      if (nginx.exitCode !== null || waited > 15_000) throw new Error(`nginx did not start: ${nginxLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--ignore-certificate-errors-spki-list=${cert.spkiSha256}`],
    });
    e2e = { url: httpsUrl, browser, problems: [], close: () => browser.close() };
  });

  afterAll(async () => {
    await finishE2E(e2e);
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await server?.close();
    ca?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the app over HTTPS and HTTP/2 with HSTS; port 80 only redirects; /metrics is not exposed', async () => {
    const context = await e2e.browser.newContext({ baseURL: httpsUrl });
    const page = await context.newPage();
    const res = await page.goto('/');
    expect(res?.status()).toBe(200);
    expect(res?.headers()['strict-transport-security']).toBe('max-age=31536000');
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol)).toBe('h2');
    expect(await page.evaluate(async () => (await fetch('/metrics')).status)).toBe(404);
    await context.close();

    const plain = await fetch(`http://127.0.0.1:${httpPort}/c/some?x=1`, { redirect: 'manual' });
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toBe('https://127.0.0.1/c/some?x=1');
  });

  it('two users sign up and chat live through nginx (WSS upgrade included)', async () => {
    const ann = await signUp(e2e, 'tlsann', DESKTOP);
    const bob = await signUp(e2e, 'tlsbob', PHONE);
    expect(await ann.page.evaluate(() => location.protocol)).toBe('https:');

    await startChat(ann.page, bob.username, 'Hello over TLS, Bob');
    const item = bob.page.getByRole('link', { name: new RegExp(ann.username) });
    await item.click();
    await messageItem(bob.page, 'Hello over TLS, Bob').waitFor();
    await sendMessage(bob.page, 'Loud and clear, Ann');
    await messageItem(ann.page, 'Loud and clear, Ann').waitFor();
    await screenshot(ann.page, 'nginx-tls-desktop');
    await Promise.all([ann.context.close(), bob.context.close()]);
  });
});
