/**
 * The optional plain-HTTP port of a node that serves TLS itself
 * (PARLEY_HTTP_REDIRECT_PORT): every request is answered with a permanent redirect to
 * the same path over HTTPS, and nothing else — no API, no cookies, no WebSocket. The
 * target is PARLEY_PUBLIC_URL when set; otherwise the request's host on the HTTPS port.
 */
import { createServer, type Server } from 'node:http';
import type { EdgeLimits } from '../edge-config';
import { ConnectionCap } from './connection-cap';

const HOSTNAME = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253})(?::\d{1,5})?$/;

export function redirectTarget(url: string | undefined, host: string | undefined, publicUrl: string | null, httpsPort: number): string | null {
  const path = url && url.startsWith('/') ? url : '/';
  if (publicUrl) return publicUrl + path;
  const m = host ? HOSTNAME.exec(host) : null;
  if (!m) return null;
  return `https://${m[1]}${httpsPort === 443 ? '' : `:${httpsPort}`}${path}`;
}

export async function startHttpsRedirect(opts: {
  port: number;
  host: string;
  httpsPort: number;
  publicUrl: string | null;
  limits: EdgeLimits;
  trusted: (address: string, hop: number) => boolean;
}): Promise<Server> {
  const server = createServer({ headersTimeout: opts.limits.headersTimeoutMs, requestTimeout: Math.max(opts.limits.headersTimeoutMs, opts.limits.bodyTimeoutMs) }, (req, res) => {
    const target = redirectTarget(req.url, req.headers.host, opts.publicUrl, opts.httpsPort);
    if (!target) {
      res.writeHead(400, { 'content-type': 'text/plain', connection: 'close' }).end('use https\n');
      return;
    }
    res.writeHead(308, { location: target, 'content-type': 'text/plain', connection: 'close' }).end(`moved to ${target}\n`);
  });
  server.keepAliveTimeout = opts.limits.keepAliveTimeoutMs;
  server.setTimeout(opts.limits.idleTimeoutMs);
  new ConnectionCap(opts.limits.connectionsPerAddress, opts.trusted).attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return server;
}
