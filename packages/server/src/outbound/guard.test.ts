/**
 * The outbound guard refuses every URL that could reach our own network, and a refused
 * request never opens a connection: a local listener stands in for the internal service
 * an attacker would aim at, and must see nothing.
 */
import net from 'node:net';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUrl, isPublicAddress, OutboundRefused, request, type LookupAll } from './guard';

let listener: net.Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  listener = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});

const lookupTo =
  (...addresses: string[]): LookupAll =>
  async () =>
    addresses.map((address) => ({ address, family: net.isIP(address) }));

async function refusal(url: string, policy: Parameters<typeof request>[2] = {}): Promise<string> {
  try {
    await request(url, { method: 'POST' }, { timeoutMs: 2000, ...policy });
  } catch (err) {
    if (err instanceof OutboundRefused) return err.reason;
    throw err;
  }
  throw new Error(`${url} was not refused`);
}

describe('outbound guard', () => {
  it('refuses internal names, private and loopback addresses, http, credentials and odd ports; nothing connects', async () => {
    const before = connections;
    const cases: [string, string, Parameters<typeof request>[2]?][] = [
      ['https://metadata.google.internal/computeMetadata/v1/', 'local-name'],
      ['https://redis.internal:6379/', 'local-name'],
      ['https://localhost/x', 'local-name'],
      ['https://push.localhost/x', 'local-name'],
      ['https://intranet/x', 'local-name'],
      [`https://127.0.0.1:${port}/x`, 'address'],
      [`https://127.0.0.1/x`, 'address'],
      ['https://10.1.2.3/x', 'address'],
      ['https://192.168.0.1/x', 'address'],
      ['https://172.16.5.4/x', 'address'],
      ['https://169.254.169.254/latest/meta-data/', 'address'],
      ['https://100.64.0.1/x', 'address'],
      ['https://0.0.0.0/x', 'address'],
      ['https://224.0.0.1/x', 'address'],
      ['https://[::1]/x', 'address'],
      ['https://[fe80::1]/x', 'address'],
      ['https://[fd00::1]/x', 'address'],
      ['https://[::ffff:127.0.0.1]/x', 'address'],
      ['https://[::ffff:a9fe:a9fe]/x', 'address'],
      ['http://push.example.com/x', 'scheme'],
      ['ftp://push.example.com/x', 'scheme'],
      ['https://user:pw@push.example.com/x', 'credentials'],
      ['https://push.example.com:6379/x', 'port'],
      ['https://push.example.com:8443/x', 'port'],
      ['not a url', 'bad-url'],
      // Names that resolve inward: caught by the resolved check.
      ['https://rebind.example.com/x', 'address', { lookup: lookupTo('127.0.0.1') }],
      ['https://rebind.example.com/x', 'address', { lookup: lookupTo('93.184.216.34', '10.0.0.7') }],
      ['https://rebind.example.com/x', 'address', { lookup: lookupTo('::ffff:169.254.169.254') }],
      ['https://rebind.example.com/x', 'address', { lookup: lookupTo('64:ff9b::a9fe:a9fe') }],
      ['https://rebind.example.com/x', 'address', { lookup: lookupTo() }],
    ];
    for (const [url, reason, policy] of cases) expect(await refusal(url, policy), url).toBe(reason);
    // The real resolver: "localhost"-like names are refused as text, and a name the
    // machine resolves to loopback is refused after resolving.
    expect(await refusal(`https://localhost:${port}/`)).toBe('local-name');
    expect(connections).toBe(before);
  });

  it('accepts an https URL of a public name on 443, or on a configured port', () => {
    expect(checkUrl('https://fcm.googleapis.com/fcm/send/abc').hostname).toBe('fcm.googleapis.com');
    expect(checkUrl('https://push.example.com:8443/x', { allowPorts: [443, 8443] }).port).toBe('8443');
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2606:4700::1111')).toBe(true);
    for (const a of ['127.0.0.2', '10.0.0.1', '169.254.1.1', '100.100.100.100', '::', 'fc00::1', '::ffff:10.0.0.1', 'nonsense']) expect(isPublicAddress(a), a).toBe(false);
  });

  it('connects to the address it checked, not to a second lookup (DNS rebinding)', async () => {
    // The tests' allowance lets loopback through; the name itself resolves nowhere, so a
    // connection reaching the listener came from the pinned, checked address.
    const before = connections;
    const err = await request(`https://push.example.invalid:${port}/x`, { method: 'POST' }, { allowInsecureLoopback: true, timeoutMs: 2000, lookup: lookupTo('127.0.0.1') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(OutboundRefused);
    expect(connections).toBe(before + 1);
  });

  it('with the tests-only allowance: http to loopback only, still no private network', async () => {
    const policy = { allowInsecureLoopback: true, timeoutMs: 2000 };
    expect(checkUrl(`http://127.0.0.1:${port}/x`, policy).port).toBe(String(port));
    expect(await refusal('http://10.0.0.5/x', policy)).toBe('address');
    expect(await refusal('http://push.example.com/x', policy)).toBe('scheme');
    expect(await refusal('https://metadata.google.internal/x', policy)).toBe('local-name');
  });

  it('returns a redirect without following it, and caps the response size', async () => {
    let hits = 0;
    const server = http.createServer((req, res) => {
      hits++;
      if (req.url === '/big') res.end(Buffer.alloc(10_000));
      else res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const policy = { allowInsecureLoopback: true, timeoutMs: 2000, maxResponseBytes: 1000 };
      const res = await request(`${base}/redirect`, { method: 'POST' }, policy);
      expect(res.status).toBe(302);
      expect(hits).toBe(1);
      await expect(request(`${base}/big`, { method: 'GET' }, policy)).rejects.toThrow(/too large/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
