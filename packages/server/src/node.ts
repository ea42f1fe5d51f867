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

export interface RunningNode {
  app: ParleyApp;
  url: string;
  /** Drain, then close everything this node opened. */
  stop(): Promise<void>;
}

export async function startNode(config: Config): Promise<RunningNode> {
  const log = createLogger(config.logLevel, { node: config.nodeId });
  const store = await openStore(config, { log });
  const metrics = createMetrics();
  const shared = await openShared(config, { log, metrics });
  const app = await buildApp({ config, store, ...shared, log, metrics, jwtSecret: loadJwtSecret(config.dataDir, config.jwtSecret) });
  const url = await app.listen();
  log.info({ url, backend: store.backend, redis: Boolean(config.redisUrl) }, 'parley listening');
  let stopping: Promise<void> | null = null;
  return {
    app,
    url,
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
