/**
 * SIGHUP reloads the certificate of a real `parley serve` process (issue 20): after the
 * files are replaced and the signal sent, new connections get the new certificate, an
 * open WSS socket carries on, and a broken file leaves the previous certificate served.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@parley/protocol';
import { makeTestCa, openSslAvailable, type ServerCert, type TestCa } from './test-support/certs';
import { fetchTrusting, probeTls } from './test-support/https-client';
import { uniqueName } from './test-support/users';

const MAIN = path.resolve(import.meta.dirname, 'main.ts');

describe.runIf(openSslAvailable())('parley serve with PARLEY_TLS_CERT / PARLEY_TLS_KEY', () => {
  let ca: TestCa;
  let first: ServerCert;
  let dir: string;
  let child: ChildProcess;
  let url: string;
  let out = '';
  const certFile = () => path.join(dir, 'cert.pem');
  const keyFile = () => path.join(dir, 'key.pem');

  beforeAll(async () => {
    ca = makeTestCa();
    first = ca.issue();
    dir = mkdtempSync(path.join(os.tmpdir(), 'parley-tls-node-'));
    copyFileSync(first.certFile, certFile());
    copyFileSync(first.keyFile, keyFile());
    child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
      cwd: path.resolve(import.meta.dirname, '../../..'),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: '0',
        HOST: '127.0.0.1',
        PARLEY_DATA_DIR: dir,
        PARLEY_WEB_DIR: path.join(dir, 'no-web'),
        PARLEY_LOG_LEVEL: 'warn',
        PARLEY_TLS_CERT: certFile(),
        PARLEY_TLS_KEY: keyFile(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Parley is running at (https:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
      });
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => reject(new Error(`parley serve exited (${code}): ${out}`)));
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    ca?.remove();
  });

  it('serves the new certificate to new connections after SIGHUP; an open socket stays; a broken file changes nothing', async () => {
    expect((await probeTls(url, { ca: ca.caCert })).fingerprint256).toBe(first.fingerprint256);
    const fetchTls = fetchTrusting(ca.caCert);
    const reg = await fetchTls(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: uniqueName('hup'), password: 'long enough password' }),
    });
    expect(reg.status).toBe(201);
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const ws = new WebSocket(`${url.replace('https:', 'wss:')}/ws`, { ca: ca.caCert });
    const frames: { type: string; id?: string }[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: accessToken }));
    await expect.poll(() => frames.some((f) => f.type === 'welcome')).toBe(true);

    const second = ca.issue({ keyType: 'ec' });
    copyFileSync(second.certFile, certFile());
    copyFileSync(second.keyFile, keyFile());
    child.kill('SIGHUP');
    await expect.poll(async () => (await probeTls(url, { ca: ca.caCert })).fingerprint256, { timeout: 10_000 }).toBe(second.fingerprint256);

    ws.send(JSON.stringify({ type: 'req', id: 'after-hup', op: 'ping' }));
    await expect.poll(() => frames.some((f) => f.type === 'res' && f.id === 'after-hup')).toBe(true);
    expect(ws.readyState).toBe(WebSocket.OPEN);

    // A half-written renewal: the node keeps serving what it had, and stays up.
    writeFileSync(certFile(), 'not a certificate');
    child.kill('SIGHUP');
    await expect.poll(() => out.includes('TLS reload failed')).toBe(true);
    expect(child.exitCode).toBeNull();
    expect((await probeTls(url, { ca: ca.caCert })).fingerprint256).toBe(second.fingerprint256);
    ws.close();
  });
});
