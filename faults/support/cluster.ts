/**
 * One scenario's whole production setup: its own Redis, a database (a fresh one on the
 * shared PostgreSQL, or a cluster of its own), N Parley node processes and a round-robin
 * proxy in front of them. cleanup() stops and removes all of it, whatever state the
 * scenario left it in; it is safe to call after a partial start.
 */
import { rmSync } from 'node:fs';
import { nodeSettings, startNodes, type ParleyNode } from './parley-nodes';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy';
import { createScratchDatabase, scratchDir, startOwnPostgres, startOwnRedis, type OwnPostgres, type OwnRedis } from './services';

export interface Cluster {
  dir: string;
  redis: OwnRedis;
  /** Present when the scenario owns its PostgreSQL cluster. */
  postgres: OwnPostgres | null;
  nodes: ParleyNode[];
  proxy: RoundRobinProxy;
  /** WebSocket connections open on a node, from its /metrics (null when it does not answer). */
  connectionsOn(node: ParleyNode): Promise<number | null>;
}

export interface ClusterHandle {
  cluster: Cluster | null;
  cleanup(): Promise<void>;
}

/** Starts everything; `handle.cleanup` is valid even when the start throws half way. */
export interface ClusterOptions {
  label: string;
  nodes: number;
  ownPostgres?: boolean;
  env?: Record<string, string>;
  /** Extra environment for one node (by index), given the cluster's Redis (e.g. a proxy to it). */
  nodeEnv?: (index: number, redis: OwnRedis) => Record<string, string> | Promise<Record<string, string>>;
}

export function clusterHandle(): ClusterHandle & { start(opts: ClusterOptions): Promise<Cluster> } {
  const undo: (() => Promise<void> | void)[] = [];
  const handle = {
    cluster: null as Cluster | null,
    async start(opts: ClusterOptions): Promise<Cluster> {
      const dir = scratchDir(opts.label);
      const keepLogs = process.env.PARLEY_FAULT_KEEP_LOGS === '1';
      undo.push(() => {
        if (keepLogs) console.warn(`[faults] ${opts.label}: logs kept in ${dir}`);
        else rmSync(dir, { recursive: true, force: true });
      });
      const redis = await startOwnRedis(dir);
      undo.push(() => redis.kill());
      let databaseUrl: string;
      let postgres: OwnPostgres | null = null;
      if (opts.ownPostgres) {
        const pg = await startOwnPostgres(dir);
        postgres = pg;
        undo.push(() => pg.destroy());
        databaseUrl = pg.url;
      } else {
        const db = await createScratchDatabase();
        undo.push(() => db.drop());
        databaseUrl = db.url;
      }
      const settings = nodeSettings({ databaseUrl, redisUrl: redis.url, dir, ...(opts.env ? { env: opts.env } : {}) });
      const nodes: ParleyNode[] = [];
      // Registered before starting, so nodes that did start are killed even if one fails.
      undo.push(async () => {
        await Promise.all(nodes.map((n) => n.kill()));
      });
      await startNodes(opts.nodes, settings, (n) => nodes.push(n), (i) => opts.nodeEnv?.(i, redis) ?? {});
      nodes.sort((a, b) => a.name.localeCompare(b.name));
      const proxy = await startRoundRobinProxy(nodes.map((n) => n.port));
      undo.push(() => proxy.close());
      const cluster: Cluster = { dir, redis, postgres, nodes, proxy, connectionsOn };
      handle.cluster = cluster;
      return cluster;
    },
    async cleanup() {
      // In reverse: proxy, nodes, database, Redis, files.
      for (const step of undo.splice(0).reverse()) {
        try {
          await step();
        } catch (err) {
          console.warn(`[faults] cleanup step failed: ${String(err)}`);
        }
      }
    },
  };
  return handle;
}

async function connectionsOn(node: ParleyNode): Promise<number | null> {
  try {
    const res = await fetch(`${node.url}/metrics`, { signal: AbortSignal.timeout(3000) });
    const text = await res.text();
    const m = /^parley_ws_connections (\d+(?:\.\d+)?)$/m.exec(text);
    return m ? Number(m[1]) : 0;
  } catch {
    return null;
  }
}
