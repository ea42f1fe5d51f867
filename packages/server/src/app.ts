/**
 * buildApp wires a Parley node from its parts without listening, so tests can run many
 * nodes in one process and inject HTTP requests; main.ts adds listen() and signals.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import { LIMITS } from '@parley/protocol';
import type { Config } from './config';
import type { Bus } from './bus/port';
import type { PresenceRegistry } from './presence/port';
import type { RateLimiter } from './rate-limit/port';
import type { Store } from './store/port';
import { buildServices, type Services } from './domain/services';
import { AppError } from './domain/errors';
import { buildHandlers } from './http/handlers';
import { registerRoutes } from './http/register-routes';
import { registerAttachmentRoutes } from './http/attachments-routes';
import { installErrorHandling } from './http/errors';
import { installSecurityHeaders } from './http/security-headers';
import { buildOpenApi } from './http/openapi';
import { Gateway } from './realtime/gateway';
import { createMetrics, type Metrics } from './metrics';
import { instrumentStore } from './store/instrumented';

export interface AppParts {
  config: Config;
  store: Store;
  bus: Bus;
  presence: PresenceRegistry;
  limiter: RateLimiter;
  log: Logger;
  jwtSecret: Uint8Array;
  clock?: () => number;
}

export interface ParleyApp {
  http: FastifyInstance;
  gateway: Gateway;
  services: Services;
  metrics: Metrics;
  /** Listens on host:port (port 0 picks a free one) and returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Graceful stop: refuse new work, commit in-flight sends, ask clients to reconnect elsewhere. */
  drain(): Promise<void>;
  /** Closes the HTTP server and sockets. Does not close the store/bus (the caller owns them). */
  close(): Promise<void>;
}

export async function buildApp(parts: AppParts): Promise<ParleyApp> {
  const metrics = createMetrics();
  const store = instrumentStore(parts.store, { inFlight: metrics.storeInFlight, seconds: metrics.storeSeconds });
  const deps = { ...parts, store, clock: parts.clock ?? Date.now, metrics };
  const services = buildServices(deps, parts.jwtSecret);
  const http: FastifyInstance = Fastify({
    loggerInstance: parts.log as FastifyBaseLogger,
    bodyLimit: LIMITS.httpBodyBytesMax,
    trustProxy: parts.config.trustProxy,
    requestIdHeader: 'x-request-id',
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    // One line per request is noise at the default level (a laptop's terminal floods): the
    // onResponse hook below logs each at debug instead, by route pattern (no query text).
    logController: new LogController({ disableRequestLogging: true }),
    // Requests the router itself refuses (an over-long path parameter, a broken %-escape)
    // get the catalogue's BAD_REQUEST like any other bad input, without echoing the URL.
    frameworkErrors: (err, _req, reply) => {
      const bad = new AppError('BAD_REQUEST', 'the request URL is malformed');
      metrics.errors.inc({ code: bad.code });
      void (reply as FastifyReply).code(bad.status).type('application/json').send(bad.toBody());
      void err;
    },
  });
  installErrorHandling(http, metrics);
  installSecurityHeaders(http);
  registerRoutes(http, services, buildHandlers(services));
  await registerAttachmentRoutes(http, services);
  // Retention and partition upkeep: at start, then hourly, until the server closes.
  services.maintenance.start();
  http.addHook('onClose', () => services.maintenance.stop());

  const openapi = buildOpenApi();
  http.get('/api/openapi.json', async () => openapi);
  http.get('/healthz', async () => ({ status: 'ok' }));
  http.get('/readyz', async (_req, reply) => {
    const checks = { database: false, bus: deps.bus.healthy() };
    try {
      await deps.store.ping();
      checks.database = true;
    } catch {
      /* reported below */
    }
    const ready = checks.database && checks.bus && !draining;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks, draining });
  });
  http.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  http.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    metrics.httpRequests.inc({ route, status: String(reply.statusCode) });
    req.log.debug({ method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  const webDir = parts.config.webDir;
  const hasWeb = existsSync(path.join(webDir, 'index.html'));
  if (hasWeb) await http.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
  http.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0] ?? '';
    // The web app routes on the client: unknown non-API GETs get its index page.
    if (hasWeb && (req.method === 'GET' || req.method === 'HEAD') && !url.startsWith('/api/') && !path.extname(url)) return reply.sendFile('index.html');
    const err = new AppError('ROUTE_NOT_FOUND', 'no such route');
    return reply.code(err.status).send(err.toBody());
  });

  const gateway = new Gateway(services);
  http.server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  let draining = false;

  return {
    http,
    gateway,
    services,
    metrics,
    async listen(port = parts.config.port, host = parts.config.host) {
      await http.listen({ port, host });
      const addr = http.server.address();
      const actualPort = typeof addr === 'object' && addr ? addr.port : port;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      return `http://${shownHost}:${actualPort}`;
    },
    async drain() {
      draining = true;
      await gateway.drain();
    },
    async close() {
      gateway.close();
      await http.close();
    },
  };
}
