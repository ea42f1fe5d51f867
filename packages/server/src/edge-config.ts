/**
 * Settings of the network edge: which proxies are trusted, TLS, timeouts and caps on
 * connections, and who may read /metrics. Parsed from the environment with the rest of
 * the configuration (config.ts); docs/security.md lists every one with its default.
 */
import net from 'node:net';
import proxyAddr from '@fastify/proxy-addr';

/**
 * Which reverse proxies' X-Forwarded-For / X-Forwarded-Proto are believed:
 * - 'none': no proxy; the TCP peer is the client.
 * - 'local': one proxy on this machine (the README's nginx): a loopback peer is the
 *   proxy, and the client is the address it appended (the right-most X-Forwarded-For hop).
 * - a list of addresses / CIDRs (or proxy-addr's names `loopback`, `linklocal`,
 *   `uniquelocal`): X-Forwarded-For is walked from the right, skipping listed hops; the
 *   first unlisted one is the client. Hops left of it were written by the client.
 */
export type TrustProxy = 'none' | 'local' | readonly string[];

export interface EdgeLimits {
  /** Time for a request's headers to arrive (Node's headersTimeout). */
  headersTimeoutMs: number;
  /** Time for a JSON request's body to arrive once its headers have. */
  bodyTimeoutMs: number;
  /** Time for a whole upload request (attachments, avatars) to arrive (Node's requestTimeout). */
  uploadTimeoutMs: number;
  /** How long an idle keep-alive connection is kept between requests. */
  keepAliveTimeoutMs: number;
  /** An HTTP connection with no traffic for this long is closed (not WebSockets: they have heartbeats). */
  idleTimeoutMs: number;
  /** Open TCP connections per client address (0: no cap). Trusted proxies are exempt: cap clients there. */
  connectionsPerAddress: number;
  /** WebSockets per client address that have not completed hello (0: no cap). */
  wsUnauthenticatedPerAddress: number;
  /** Open WebSockets per user on one node (0: no cap). */
  wsPerUser: number;
  /** A WebSocket that has not sent hello within this is closed (4400). */
  wsHelloTimeoutMs: number;
}

export interface EdgeConfig {
  trustProxy: TrustProxy;
  /** Where users reach this deployment (e.g. https://chat.example.com); the plain-HTTP redirect goes there. */
  publicUrl: string | null;
  /** PEM files; when set, the port speaks HTTPS and WSS only. Reloaded on SIGHUP. */
  tls: { certFile: string; keyFile: string } | null;
  /** A plain-HTTP port that only redirects to HTTPS (with TLS). */
  httpRedirectPort: number | null;
  /** /metrics needs `Authorization: Bearer <token>` when set. */
  metricsToken: string | null;
  /** /metrics is served on this separate listener (and not on the main port) when set. */
  metricsAddr: { host: string; port: number } | null;
  /** Largest avatar image upload, bytes. */
  avatarMaxBytes: number;
  edge: EdgeLimits;
}

type Env = Record<string, string | undefined>;

function seconds(env: Env, name: string, def: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def * 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number of seconds >= ${min}, got "${raw}"`);
  return Math.round(n * 1000);
}

function count(env: Env, name: string, def: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be an integer >= 0 (0: no cap), got "${raw}"`);
  return n;
}

export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const v = (raw ?? '').trim();
  if (v === '' || v === '0' || v === 'false') return 'none';
  if (v === '1' || v === 'true') return 'local';
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    proxyAddr.compile(list);
  } catch (err) {
    throw new Error(`PARLEY_TRUST_PROXY must be 1, or a comma-separated list of proxy addresses or CIDRs: ${(err as Error).message}`, { cause: err });
  }
  return list;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || (net.isIPv4(a) && a.startsWith('127.'));
}

/** proxy-addr's trust function: is the address at this hop (0 = the TCP peer) a trusted proxy? */
export function trustFunction(trust: TrustProxy): (address: string, hop: number) => boolean {
  if (trust === 'none') return () => false;
  if (trust === 'local') return (address, hop) => hop === 0 && isLoopback(address);
  return proxyAddr.compile([...trust]);
}

function hostPort(env: Env, name: string): { host: string; port: number } | null {
  const raw = env[name];
  if (!raw) return null;
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(raw);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new Error(`${name} must be HOST:PORT (e.g. 127.0.0.1:9464), got "${raw}"`);
  return { host: m[1] ?? m[2]!, port };
}

function publicUrl(env: Env): string | null {
  const raw = env.PARLEY_PUBLIC_URL;
  if (!raw) return null;
  if (!/^https?:\/\/[^/?#]+\/?$/i.test(raw) || !URL.canParse(raw)) throw new Error(`PARLEY_PUBLIC_URL must be an origin like https://chat.example.com, got "${raw}"`);
  return raw.replace(/\/$/, '');
}

function tls(env: Env): EdgeConfig['tls'] {
  const certFile = env.PARLEY_TLS_CERT || null;
  const keyFile = env.PARLEY_TLS_KEY || null;
  if ((certFile === null) !== (keyFile === null)) throw new Error('set both PARLEY_TLS_CERT and PARLEY_TLS_KEY, or neither');
  return certFile && keyFile ? { certFile, keyFile } : null;
}

export function loadEdgeConfig(env: Env): EdgeConfig {
  const tlsFiles = tls(env);
  const redirect = env.PARLEY_HTTP_REDIRECT_PORT ? count(env, 'PARLEY_HTTP_REDIRECT_PORT', 0) : null;
  if (redirect !== null && !tlsFiles) throw new Error('PARLEY_HTTP_REDIRECT_PORT needs PARLEY_TLS_CERT and PARLEY_TLS_KEY (it redirects to HTTPS)');
  return {
    trustProxy: parseTrustProxy(env.PARLEY_TRUST_PROXY),
    publicUrl: publicUrl(env),
    tls: tlsFiles,
    httpRedirectPort: redirect,
    metricsToken: env.PARLEY_METRICS_TOKEN || null,
    metricsAddr: hostPort(env, 'PARLEY_METRICS_ADDR'),
    avatarMaxBytes: Math.max(1, count(env, 'PARLEY_AVATAR_MAX_BYTES', 5 * 1024 * 1024)),
    edge: {
      headersTimeoutMs: seconds(env, 'PARLEY_HEADERS_TIMEOUT', 10, 0.1),
      bodyTimeoutMs: seconds(env, 'PARLEY_BODY_TIMEOUT', 10, 0.1),
      uploadTimeoutMs: seconds(env, 'PARLEY_UPLOAD_TIMEOUT', 300, 1),
      keepAliveTimeoutMs: seconds(env, 'PARLEY_KEEPALIVE_TIMEOUT', 10, 0.1),
      idleTimeoutMs: seconds(env, 'PARLEY_IDLE_TIMEOUT', 60, 1),
      connectionsPerAddress: count(env, 'PARLEY_CONNECTIONS_PER_ADDRESS', 500),
      wsUnauthenticatedPerAddress: count(env, 'PARLEY_WS_UNAUTHENTICATED_PER_ADDRESS', 50),
      wsPerUser: count(env, 'PARLEY_WS_PER_USER', 20),
      wsHelloTimeoutMs: seconds(env, 'PARLEY_WS_HELLO_TIMEOUT', 5, 0.1),
    },
  };
}
