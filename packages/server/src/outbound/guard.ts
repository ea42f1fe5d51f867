/**
 * The one way the server makes a request it was asked to make by a user's data (Web Push
 * endpoints now; link previews and webhooks later). A URL from a user must never reach
 * our own network: the cloud metadata service, Redis, the database, a loopback admin
 * port.
 *
 * Two checks, both here:
 * - checkUrl (text, when the URL is accepted): https only, a standard port unless
 *   configured, no credentials, no names that are local by definition (localhost,
 *   *.internal, single labels), no IP literal outside public unicast.
 * - request (at send time): the host is resolved (every address), and refused if any
 *   address is loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with the
 *   metadata address, fe80::/10), CGNAT (100.64/10), unspecified, multicast, broadcast,
 *   reserved, or an IPv4-mapped / NAT64 / 6to4 form of those. The connection goes to the
 *   address that was checked (the socket's lookup is pinned to it), so a DNS answer that
 *   changes between the check and the connect (rebinding) cannot win. Redirects are not
 *   followed (a 3xx is returned as is), the whole exchange has a deadline and the
 *   response body a size cap.
 *
 * `allowInsecureLoopback` is the tests-only allowance (PARLEY_PUSH_ALLOW_INSECURE): plain
 * http and loopback addresses on any port, and still nothing else private.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface OutboundPolicy {
  /** Ports an https URL may name; default [443] (PARLEY_OUTBOUND_ALLOW_PORTS). */
  allowPorts?: readonly number[];
  /** Tests only: http:// and loopback addresses, any port. */
  allowInsecureLoopback?: boolean;
  /** Name resolution; default dns.lookup with every address. Tests inject their own. */
  lookup?: LookupAll;
  /** Deadline of the whole exchange, connect to last byte; default 10 s. */
  timeoutMs?: number;
  /** Largest response body kept; bigger ones fail the request. Default 64 KiB. */
  maxResponseBytes?: number;
}

export type OutboundRefusal = 'bad-url' | 'scheme' | 'credentials' | 'port' | 'local-name' | 'address';

/** The guard refused a URL or the addresses it resolved to: nothing was connected to. */
export class OutboundRefused extends Error {
  constructor(readonly reason: OutboundRefusal) {
    super(`outbound request refused: ${reason}`);
    this.name = 'OutboundRefused';
  }
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const DEFAULT_PORTS: readonly number[] = [443];
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
/** Suffixes that name a machine on a private network, never a public service. */
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.intranet', '.lan', '.home.arpa', '.corp', '.private'];

const defaultLookup: LookupAll = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** True only for public unicast addresses (after unwrapping an IPv4-mapped IPv6 one). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

function isLoopback(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'loopback';
}

function addressAllowed(address: string, policy: OutboundPolicy): boolean {
  return isPublicAddress(address) || (policy.allowInsecureLoopback === true && isLoopback(address));
}

function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** The text check: throws OutboundRefused, or returns the parsed URL. Makes no network call. */
export function checkUrl(raw: string, policy: OutboundPolicy = {}): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused('bad-url');
  }
  const insecure = policy.allowInsecureLoopback === true;
  if (url.protocol !== 'https:' && !(insecure && url.protocol === 'http:')) throw new OutboundRefused('scheme');
  if (url.username || url.password) throw new OutboundRefused('credentials');
  const host = bareHost(url);
  if (isIP(host) !== 0) {
    if (!addressAllowed(host, policy)) throw new OutboundRefused('address');
  } else {
    const localName = host === 'localhost' || !host.includes('.') || LOCAL_SUFFIXES.some((s) => host.endsWith(s));
    if (localName && !(insecure && host === 'localhost')) throw new OutboundRefused('local-name');
  }
  // Plain http exists only under the tests' allowance, for a loopback address.
  if (url.protocol === 'http:' && !(host === 'localhost' || isLoopback(host))) throw new OutboundRefused('scheme');
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (!insecure && !(policy.allowPorts ?? DEFAULT_PORTS).includes(port)) throw new OutboundRefused('port');
  return url;
}

/** Resolves the URL's host and checks every address; returns the one to connect to. */
export async function resolveChecked(url: URL, policy: OutboundPolicy = {}): Promise<{ address: string; family: 4 | 6 }> {
  const host = bareHost(url);
  const found = isIP(host) !== 0 ? [{ address: host, family: isIP(host) }] : await (policy.lookup ?? defaultLookup)(host);
  // Any refused address refuses the name: a name that also points inward is not a push service.
  if (found.length === 0 || found.some((a) => !addressAllowed(a.address, policy))) throw new OutboundRefused('address');
  const first = found[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/**
 * Makes one request through the guard: text check, resolve and check, connect to the
 * checked address only. Rejects with OutboundRefused (nothing connected) or a transport
 * error; a response of any status (3xx included, never followed) resolves.
 */
export async function request(
  raw: string,
  init: { method: string; headers?: Record<string, string>; body?: Uint8Array },
  policy: OutboundPolicy = {},
): Promise<OutboundResponse> {
  const url = checkUrl(raw, policy);
  const deadline = AbortSignal.timeout(policy.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const target = await resolveChecked(url, policy);
  deadline.throwIfAborted();
  // The socket connects to the checked address whatever a second lookup would say; the
  // URL's name still goes out as SNI and Host, so TLS verifies the certificate against it.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const maxBytes = policy.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<OutboundResponse>((resolve, reject) => {
    const req = transport.request(
      url,
      { method: init.method, headers: init.headers, lookup: pinned, signal: deadline, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const tooLarge = new Error('outbound response too large');
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
          else if (!res.destroyed) {
            reject(tooLarge);
            res.destroy(tooLarge);
          }
        });
        res.on('end', () => (size > maxBytes ? reject(tooLarge) : resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body ? Buffer.from(init.body) : undefined);
  });
}
