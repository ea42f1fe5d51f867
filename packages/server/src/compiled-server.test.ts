// Production runs the compiled server (build.ts → dist/) with plain node, no TypeScript
// loader: its worker threads must start from compiled files and its migrations be in the
// bundle. This builds a copy and runs it on SQLite, where those threads do every write.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../build';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// Inside the repository, so the bundle finds its dependencies in node_modules.
const OUT = path.join(ROOT, 'node_modules/.cache', `parley-compiled-${randomBytes(4).toString('hex')}`);
const DATA = mkdtempSync(path.join(os.tmpdir(), 'parley-compiled-'));

let server: ChildProcess | undefined;
let exited: Promise<number | null>;

/** The URL from the server's "Parley is running at" line; rejects if it exits first. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "running at" line within 120 s: ${out}`)), 120_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /Parley is running at (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${out}`));
    });
  });
}

beforeAll(async () => {
  await buildServer(OUT);
});

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL');
    await exited;
  }
  rmSync(OUT, { recursive: true, force: true });
  rmSync(DATA, { recursive: true, force: true });
});

describe('the compiled server', () => {
  // A whole process start, a password hash and a drain: minutes on a busy machine.
  it('serves on SQLite with plain node, stores through its writer thread and drains on SIGTERM', { timeout: 240_000 }, async () => {
    server = spawn(process.execPath, [path.join(OUT, 'main.mjs'), 'serve'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: DATA, PARLEY_LOG_LEVEL: 'warn', PARLEY_WEB_DIR: path.join(DATA, 'no-web') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = server;
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await listening(child);

    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(60_000) });
    expect(health.status).toBe(200);
    const registered = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
      signal: AbortSignal.timeout(60_000),
    });
    expect(registered.status).toBe(201);
    expect(((await registered.json()) as { user: { username: string } }).user.username).toBe('alice');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
