/**
 * Who may read /metrics (message and connection counts, versions: not for the public).
 * - PARLEY_METRICS_ADDR: served on that separate listener only (bind it to a private
 *   interface); the main port has no /metrics.
 * - PARLEY_METRICS_TOKEN: `Authorization: Bearer <token>` required (on either listener).
 * - neither: only to requests from this machine that did not come through a proxy
 *   (loopback peer and no X-Forwarded-For / Forwarded header), so an nginx in front on
 *   the same machine does not expose it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../domain/errors';
import { isLoopback } from '../edge-config';
import type { Metrics } from '../metrics';

function sameSecret(a: string, b: string): boolean {
  // Hashing first makes the comparison constant-time whatever the lengths.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** null when the request may read the metrics, else the error to answer. */
export function metricsRefusal(req: IncomingMessage, token: string | null): AppError | null {
  if (token !== null) {
    const m = /^Bearer (.{1,1024})$/.exec(req.headers.authorization ?? '');
    return m && sameSecret(m[1]!, token) ? null : new AppError('UNAUTHENTICATED', 'the metrics token is required');
  }
  const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  if (isLoopback(req.socket.remoteAddress) && !forwarded) return null;
  return new AppError('FORBIDDEN', 'metrics are served to this machine only; set PARLEY_METRICS_TOKEN or PARLEY_METRICS_ADDR');
}

export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics, token: string | null): void {
  app.get('/metrics', async (req, reply) => {
    const refused = metricsRefusal(req.raw, token);
    if (refused) throw refused;
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/** The separate metrics listener: GET /metrics and nothing else. */
export async function startMetricsListener(addr: { host: string; port: number }, metrics: Metrics, token: string | null): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(new AppError('ROUTE_NOT_FOUND', 'no such route').toBody()));
        return;
      }
      const refused = token === null ? null : metricsRefusal(req, token);
      if (refused) {
        res.writeHead(refused.status, { 'content-type': 'application/json' }).end(JSON.stringify(refused.toBody()));
        return;
      }
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
    })().catch(() => res.destroy());
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host, () => resolve());
  });
  return server;
}
