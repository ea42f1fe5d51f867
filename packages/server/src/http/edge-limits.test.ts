/**
 * One client without an account must not take the node down (issue 16.2): slow headers
 * and slow bodies are cut at their timeouts while others are served, connections per
 * address are capped at `connection`, half-open WebSockets per address and sockets per
 * user are capped, and a socket that never says hello is closed.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, PROTOCOL_VERSION } from '@parley/protocol';
import { startTestServer, testConfig, type TestNode } from '../testing';
import { loadConfig } from '../config';
import type { EdgeLimits } from '../edge-config';
import { call } from '../test-support/http-client';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

type Server = TestNode & { close(): Promise<void> };

const edge = (overrides: Partial<EdgeLimits>): EdgeLimits => ({ ...testConfig().edge, ...overrides });

/** A raw TCP client; resolves once connected. */
function connect(url: string): Promise<net.Socket> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves when the server has closed (or reset) the socket. */
function closedBy(sock: net.Socket): Promise<string> {
  const got: Buffer[] = [];
  sock.on('data', (d: Buffer) => got.push(d));
  sock.on('error', () => {});
  return new Promise((resolve) => sock.once('close', () => resolve(Buffer.concat(got).toString())));
}

/** Sends one keep-alive request on a raw socket and waits for the response head. */
function healthzOn(sock: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      sock.off('data', onData);
      resolve(d.toString());
    };
    sock.on('data', onData);
    sock.once('error', reject);
    sock.once('close', () => reject(new Error('closed')));
    sock.write('GET /healthz HTTP/1.1\r\nHost: parley\r\n\r\n');
  });
}

describe('defaults', () => {
  it('every edge limit is on by default', () => {
    expect(testConfig().edge).toEqual({
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 10_000,
      uploadTimeoutMs: 300_000,
      keepAliveTimeoutMs: 10_000,
      idleTimeoutMs: 60_000,
      connectionsPerAddress: 500,
      wsUnauthenticatedPerAddress: 50,
      wsPerUser: 20,
      wsHelloTimeoutMs: 5000,
    });
  });

  it('env variables set them, in seconds', () => {
    const e = loadConfig({ PARLEY_BODY_TIMEOUT: '2.5', PARLEY_WS_PER_USER: '0', PARLEY_CONNECTIONS_PER_ADDRESS: '7' }).edge;
    expect(e).toMatchObject({ bodyTimeoutMs: 2500, wsPerUser: 0, connectionsPerAddress: 7 });
    expect(() => loadConfig({ PARLEY_WS_PER_USER: '-1' })).toThrow(/PARLEY_WS_PER_USER/);
  });
});

describe('slow clients are cut at the timeouts', () => {
  let server: Server;
  const timers: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimits: testRateLimits(), edge: edge({ headersTimeoutMs: 1000, bodyTimeoutMs: 1000, idleTimeoutMs: 1000, keepAliveTimeoutMs: 1000, uploadTimeoutMs: 1000, connectionsPerAddress: 0 }) } });
  });
  afterEach(() => timers.splice(0).forEach(clearInterval));
  afterAll(() => server.close());

  it('a body dribbled a byte at a time is cut at the body timeout, while /healthz keeps answering', async () => {
    const sock = await connect(server.url);
    const closed = closedBy(sock);
    sock.write('POST /api/auth/login HTTP/1.1\r\nHost: parley\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{');
    timers.push(setInterval(() => sock.writable && sock.write(' '), 100));
    expect((await call(server.url, 'GET', '/healthz')).status).toBe(200);
    expect(sock.destroyed).toBe(false);
    await closed;
    expect((await call(server.url, 'GET', '/healthz')).status).toBe(200);
  });

  it('headers dribbled a byte at a time are cut at the headers timeout', async () => {
    const sock = await connect(server.url);
    const closed = closedBy(sock);
    sock.write('GET /healthz HTTP/1.1\r\nHost: parley\r\n');
    timers.push(setInterval(() => sock.writable && sock.write('X'), 100));
    expect((await call(server.url, 'GET', '/healthz')).status).toBe(200);
    await closed;
  });

  it('a connection that never sends a byte is closed', async () => {
    const sock = await connect(server.url);
    await closedBy(sock);
  });

  it('an open WebSocket is not cut by the HTTP timeouts (only by its heartbeat)', async () => {
    const [u] = await registerUsers(server.url, 1, 'wslong');
    const sock = await RawSocket.connect(server.wsUrl, u.token);
    // Past the headers, body and idle timeouts of this server (1 s), with no frame sent.
    await new Promise((r) => setTimeout(r, 2500));
    expect(sock.isOpen).toBe(true);
    expect((await sock.request('ping')).ok).toBe(true);
    await sock.close();
  });

  it('a body that arrives in time is served', async () => {
    const res = await call(server.url, 'POST', '/api/auth/login', { json: { username: 'nobody_here', password: 'whatever it is' } });
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
  });
});

describe('connections per address', () => {
  let server: Server;
  const open: net.Socket[] = [];

  afterEach(async () => {
    for (const s of open.splice(0)) s.destroy();
    await server?.close();
  });

  it('refuses the connection past the cap, and takes a new one once another closed', async () => {
    server = await startTestServer({ config: { edge: edge({ connectionsPerAddress: 3 }) } });
    for (let i = 0; i < 3; i++) {
      const s = await connect(server.url);
      open.push(s);
      expect(await healthzOn(s)).toMatch(/^HTTP\/1\.1 200/);
    }
    const fourth = await connect(server.url);
    expect(await closedBy(fourth)).toBe('');
    expect((await server.app.metrics.edgeRefusals.get()).values).toContainEqual(expect.objectContaining({ labels: { reason: 'connections_per_address' }, value: 1 }));

    open.shift()!.destroy();
    await expect.poll(async () => {
      const s = await connect(server.url).catch(() => null);
      if (!s) return false;
      open.push(s);
      return healthzOn(s).then((r) => r.startsWith('HTTP/1.1 200'), () => false);
    }).toBe(true);
  });

  it('does not count connections from a trusted proxy (the proxy caps its clients)', async () => {
    server = await startTestServer({ config: { trustProxy: 'local', edge: edge({ connectionsPerAddress: 2 }) } });
    for (let i = 0; i < 4; i++) {
      const s = await connect(server.url);
      open.push(s);
      expect(await healthzOn(s)).toMatch(/^HTTP\/1\.1 200/);
    }
  });
});

describe('WebSocket caps', () => {
  let server: Server;
  let a: TestUser;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimits: testRateLimits(), edge: edge({ wsPerUser: 3, wsUnauthenticatedPerAddress: 2, wsHelloTimeoutMs: 300 }) } });
    [a] = await registerUsers(server.url, 1, 'cap');
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });
  afterAll(() => server.close());

  it('the socket past the per-user cap is closed with 4004 (reconnect later); one closing makes room', async () => {
    for (let i = 0; i < 3; i++) sockets.push(await RawSocket.connect(server.wsUrl, a.token));
    const extra = await RawSocket.open(server.wsUrl);
    extra.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: a.token });
    expect((await extra.closed).code).toBe(CLOSE.TOO_MANY_CONNECTIONS);
    await sockets.shift()!.close();
    await expect
      .poll(async () => {
        const s = await RawSocket.open(server.wsUrl);
        s.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: a.token });
        const first = await Promise.race([s.waitFrame((f) => f.type === 'welcome').then(() => 'welcome'), s.closed.then((c) => `closed ${c.code}`)]);
        if (first === 'welcome') sockets.push(s);
        return first;
      })
      .toBe('welcome');
  });

  it('sockets that have not said hello are capped per address (429 at the upgrade); hello frees the slot', async () => {
    const first = await RawSocket.open(server.wsUrl);
    const second = await RawSocket.open(server.wsUrl);
    await expect(RawSocket.open(server.wsUrl)).rejects.toThrow(/429/);
    await first.hello(a.token);
    sockets.push(first);
    const third = await RawSocket.open(server.wsUrl);
    await Promise.all([second.close(), third.close()]);
  });

  it('a socket that never says hello is closed with 4400 at the hello timeout', async () => {
    const silent = await RawSocket.open(server.wsUrl);
    expect((await silent.closed).code).toBe(CLOSE.PROTOCOL_ERROR);
  });
});
