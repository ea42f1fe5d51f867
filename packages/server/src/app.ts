/**
 * buildApp wires a Parley node from its parts without listening, so tests can run many
 * nodes in one process and inject HTTP requests; main.ts adds listen() and signals.
 */
import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import path from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import { LIMITS } from '@parley/protocol';
import type { Config } from './config';
import type { Bus } from './bus/port';
import type { PresenceRegistry } from './presence/port';
import type { RateLimiter } from './rate-limit/port';
import type { Store } from './store/port';
import type { BlobStore } from './blobs/port';
import type { MediaInspector } from './media/port';
import type { PushSender } from './push/port';
import type { Deps } from './domain/deps';
import { buildServices, type Services } from './domain/services';
import { openBlobs, openMedia, openPushSender } from './adapters';
import { lazyVapidKeys } from './push/vapid-keys';
import { AppError } from './domain/errors';
import { redactUrl } from './logger';
import { bindHttp } from './operations/bind-http';
import { registerAttachmentRoutes } from './http/attachments-routes';
import { registerAvatarRoutes } from './http/avatar-routes';
import { installErrorHandling } from './http/errors';
import { installSecurityHeaders } from './http/security-headers';
import { installWellFormedInput } from './http/well-formed-input';
import { installBodyTimeout } from './http/body-timeout';
import { ConnectionCap } from './http/connection-cap';
import { registerMetricsRoute, startMetricsListener } from './http/metrics-access';
import { startHttpsRedirect } from './http/https-redirect';
import { trustFunction } from './edge-config';
import { secureContextOptions, type TlsMaterial } from './tls';
import { buildOpenApi } from './http/openapi';
import { Gateway } from './realtime/gateway';
import { createMetrics, type Metrics } from './metrics';
import { instrumentStore } from './store/instrumented';
import { withDeadline } from './store/deadline';

export interface AppParts {
  config: Config;
  store: Store;
  bus: Bus;
  presence: PresenceRegistry;
  limiter: RateLimiter;
  log: Logger;
  jwtSecret: Uint8Array;
  clock?: () => number;
  /** Chosen from config when absent (adapters.ts): the blob store, the media inspector, the push sender. */
  blobs?: BlobStore;
  media?: MediaInspector;
  push?: PushSender;
  /** Certificate and key: the port then speaks HTTPS and WSS only (config.tls names the files). */
  tls?: TlsMaterial;
  /** The node's metrics, when adapters made before the app count into them too. */
  metrics?: Metrics;
}

export interface ParleyApp {
  http: FastifyInstance;
  gateway: Gateway;
  services: Services;
  metrics: Metrics;
  /** Listens on host:port (port 0 picks a free one) and returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Where the extra listeners are, once listening: the plain-HTTP redirect and the metrics port, when configured. */
  readonly extraListeners: { redirect: string | null; metrics: string | null };
  /** Serves a new certificate and key to new connections; open ones keep theirs (SIGHUP). */
  reloadTls(material: TlsMaterial): void;
  /** Graceful stop: refuse new work, commit in-flight sends, ask clients to reconnect elsewhere. */
  drain(): Promise<void>;
  /** Closes the HTTP server and sockets. Does not close the store/bus (the caller owns them). */
  close(): Promise<void>;
}

export async function buildApp(parts: AppParts): Promise<ParleyApp> {
  const metrics = parts.metrics ?? createMetrics();
  const store = instrumentStore(withDeadline(parts.store, parts.config.dbTimeoutMs ?? 5000), { inFlight: metrics.storeInFlight, seconds: metrics.storeSeconds });
  // The composition root: every port the domain uses is chosen here, and every secret loaded.
  const { config, bus, presence, limiter, log, jwtSecret } = parts;
  const vapid = lazyVapidKeys(config);
  const deps: Deps = {
    store,
    bus,
    presence,
    limiter,
    blobs: parts.blobs ?? openBlobs(config),
    media: parts.media ?? openMedia(),
    push: parts.push ?? openPushSender(config, vapid),
    keys: { jwtSecret, vapid },
    config,
    log,
    metrics,
    clock: parts.clock ?? Date.now,
  };
  const services = buildServices(deps);
  const { edge } = parts.config;
  const trusted = trustFunction(parts.config.trustProxy);
  // Node checks header and request deadlines in a sweep; run it often enough to honour them.
  const serverOptions = { headersTimeout: edge.headersTimeoutMs, connectionsCheckingInterval: Math.max(250, Math.min(5000, edge.headersTimeoutMs / 2)) };
  const transport: { http: object } | { https: object } = parts.tls ? { https: { ...secureContextOptions(parts.tls), ...serverOptions } } : { http: serverOptions };
  const http: FastifyInstance = Fastify({
    loggerInstance: parts.log as FastifyBaseLogger,
    ...transport,
    bodyLimit: LIMITS.httpBodyBytesMax,
    trustProxy: trusted,
    // Uploads are the longest requests; JSON bodies get the shorter body timeout (body-timeout.ts).
    requestTimeout: Math.max(edge.uploadTimeoutMs, edge.headersTimeoutMs),
    keepAliveTimeout: edge.keepAliveTimeoutMs,
    connectionTimeout: edge.idleTimeoutMs,
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
  } as FastifyServerOptions) as unknown as FastifyInstance;
  new ConnectionCap(edge.connectionsPerAddress, trusted, () => metrics.edgeRefusals.inc({ reason: 'connections_per_address' })).attach(http.server);
  installErrorHandling(http, metrics);
  installSecurityHeaders(http);
  installWellFormedInput(http);
  installBodyTimeout(http, edge.bodyTimeoutMs, () => metrics.edgeRefusals.inc({ reason: 'body_timeout' }));
  bindHttp(http, services);
  await registerAttachmentRoutes(http, services);
  await registerAvatarRoutes(http, services);
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
  if (!parts.config.metricsAddr) registerMetricsRoute(http, metrics, parts.config.metricsToken);
  http.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    metrics.httpRequests.inc({ route, status: String(reply.statusCode) });
    // The URL through redactUrl: the path and paging parameters, never a query value a person typed or a link's signature.
    req.log.debug({ method: req.method, route, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
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
  const extra: { redirect: HttpServer | null; metrics: HttpServer | null } = { redirect: null, metrics: null };
  const extraListeners: { redirect: string | null; metrics: string | null } = { redirect: null, metrics: null };
  const urlOf = (server: HttpServer, scheme: string, host: string) => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    return { port, url: `${scheme}://${shownHost}:${port}` };
  };
  http.addHook('onClose', async () => {
    await Promise.all(Object.values(extra).map((s) => s && new Promise((resolve) => s.close(resolve))));
  });

  return {
    http,
    gateway,
    services,
    metrics,
    extraListeners,
    async listen(port = parts.config.port, host = parts.config.host) {
      await http.listen({ port, host });
      const main = urlOf(http.server, parts.tls ? 'https' : 'http', host);
      const { httpRedirectPort, metricsAddr, publicUrl, metricsToken } = parts.config;
      if (parts.tls && httpRedirectPort !== null) {
        extra.redirect = await startHttpsRedirect({ port: httpRedirectPort, host, httpsPort: main.port, publicUrl, limits: edge, trusted });
        extraListeners.redirect = urlOf(extra.redirect, 'http', host).url;
      }
      if (metricsAddr) {
        extra.metrics = await startMetricsListener(metricsAddr, metrics, metricsToken);
        extraListeners.metrics = urlOf(extra.metrics, 'http', metricsAddr.host).url;
      }
      return main.url;
    },
    reloadTls(material) {
      if (!parts.tls) throw new Error('this node was started without TLS');
      (http.server as unknown as HttpsServer).setSecureContext(secureContextOptions(material));
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
