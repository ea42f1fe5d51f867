/**
 * One test body, every storage backend: `describeEachBackend(name, (backend) => …)`
 * declares the body once for SQLite (in memory) and once for PostgreSQL (a throwaway
 * schema). The PostgreSQL copy is skipped, visibly, when PostgreSQL is unreachable, and
 * fails when PARLEY_REQUIRE_SERVICES=1 (see store/postgres/test-support.ts).
 */
import { describe } from 'vitest';
import type { Store } from '../store/port';
import { startTestCluster, startTestServer, type TestClusterOptions, type TestNode } from '../testing';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';

export type BackendName = Store['backend'];

export interface Backend {
  name: BackendName;
  /** startTestServer on this backend; close() also drops what the backend made for it. */
  startServer(opts?: Omit<TestClusterOptions, 'nodes' | 'store'>): Promise<TestNode & { store: Store }>;
  /** startTestCluster with every node on one store of this backend. */
  startCluster(opts?: Omit<TestClusterOptions, 'store'>): ReturnType<typeof startTestCluster>;
}

type StoreMaker = () => Promise<{ store?: Store; cleanup: () => Promise<void> }>;

function backend(name: BackendName, makeStore: StoreMaker): Backend {
  // The store is made here and handed over, so the cluster leaves it open: close it after.
  const withStore = async <T extends { close(): Promise<void> }>(start: (store: Store | undefined) => Promise<T>): Promise<T> => {
    const made = await makeStore();
    try {
      const started = await start(made.store);
      return {
        ...started,
        async close() {
          await started.close();
          await made.cleanup();
        },
      };
    } catch (err) {
      await made.cleanup();
      throw err;
    }
  };
  return {
    name,
    startServer: (opts = {}) => withStore((store) => startTestServer({ ...opts, ...(store ? { store } : {}) })),
    startCluster: (opts = {}) => withStore((store) => startTestCluster({ ...opts, ...(store ? { store } : {}) })),
  };
}

// SQLite: the test server opens (and closes) its own in-memory store.
const sqlite = backend('sqlite', async () => ({ cleanup: async () => {} }));
const postgres = backend('postgres', () => postgresTestStore());

const postgresUp = await postgresReachable();

/** Declares `suite` once per backend, as `${name} (sqlite)` and `${name} (postgres)`. */
export function describeEachBackend(name: string, suite: (backend: Backend) => void): void {
  describe(`${name} (sqlite)`, () => suite(sqlite));
  describeWithPostgres(`${name} (postgres)`, postgresUp, () => describe(`${name} (postgres)`, () => suite(postgres)));
}
