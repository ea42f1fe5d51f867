/**
 * Starting and stopping one real node from configuration: adapters, secrets, app.
 * Used by the `parley serve` command and by tests that run real nodes.
 */
import { buildApp, type ParleyApp } from './app';
import { openShared, openStore } from './adapters';
import type { Config } from './config';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { loadJwtSecret } from './secrets';
import { readTlsFiles } from './tls';
import { transportWarning } from './transport-warning';

export interface RunningNode {
  app: ParleyApp;
  url: string;
  /** Drain, then close everything this node opened. */
  stop(): Promise<void>;
  /**
   * Reads PARLEY_TLS_CERT / PARLEY_TLS_KEY again and serves them to new connections; open
   * connections keep theirs (main.ts calls it on SIGHUP). A file that cannot be read or
   * a key that does not match leaves the current certificate in place, logged.
   */
  reloadTls(): boolean;
}

export async function startNode(config: Config): Promise<RunningNode> {
  const log = createLogger(config.logLevel, { node: config.nodeId });
  // Read first: a missing certificate stops the start before anything is opened.
  const tls = config.tls ? readTlsFiles(config.tls) : undefined;
  const store = await openStore(config, { log });
  const metrics = createMetrics();
  const shared = await openShared(config, { log, metrics });
  const app = await buildApp({ config, store, ...shared, log, metrics, jwtSecret: loadJwtSecret(config.dataDir, config.jwtSecret), ...(tls ? { tls } : {}) });
  const listening = await app.listen();
  // Links and messages name where users reach the node (behind a proxy, the proxy).
  const url = config.publicUrl ?? listening;
  log.info({ url, backend: store.backend, redis: Boolean(config.redisUrl), tls: Boolean(tls), ...app.extraListeners }, 'parley listening');
  const warning = transportWarning(config);
  if (warning) {
    log.warn({ host: config.host }, warning);
    console.error(`\n*** WARNING ***\n${warning}\n`);
  }
  let stopping: Promise<void> | null = null;
  return {
    app,
    url,
    reloadTls() {
      if (!config.tls) return false;
      try {
        app.reloadTls(readTlsFiles(config.tls));
        log.info({ cert: config.tls.certFile }, 'TLS certificate reloaded');
        return true;
      } catch (err) {
        log.error({ err }, 'TLS reload failed: still serving the previous certificate');
        return false;
      }
    },
    stop() {
      // Each step is logged, so a stop that hits main.ts's force-exit deadline shows where it hung.
      stopping ??= (async () => {
        await app.drain();
        log.info('drained: sends committed, sockets told to reconnect elsewhere');
        await app.close();
        log.info('http server closed');
        await Promise.allSettled([shared.bus.close(), shared.presence.close(), shared.limiter.close()]);
        await store.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
