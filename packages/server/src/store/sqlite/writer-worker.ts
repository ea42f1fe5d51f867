/**
 * The SQLite writer thread: one connection that runs every write method of the port
 * (writer-protocol.ts), so commits — the fsync with synchronous=FULL, index and
 * full-text updates, checkpoints — happen off the event loop that serves the sockets.
 *
 * Every write waiting when the thread gets to it shares one transaction: a batch of
 * sends, the delivered/read watermarks and notification rows they caused and last-seen
 * times commit with one fsync instead of one each. Each call is a savepoint inside it,
 * so a call that fails undoes only its own changes and fails alone; if the commit
 * itself fails, every call in it fails (nothing of it was stored). Replies go out after
 * the commit, in arrival order, which keeps group-commit batches in the order the main
 * thread committed them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StoreError } from '../port';
import { openSqlite } from './sqlite-store';
import { translateSqliteError } from './errors';
import { serializeError, WAL_AUTOCHECKPOINT_PAGES, WRITE_METHODS, type WriterOptions, type WriterReply, type WriterRequest, type WriterStartup } from './writer-protocol';

type Call = Extract<WriterRequest, { kind: 'call' }>;

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs only as a worker thread');

let sqlite: ReturnType<typeof openSqlite>;
try {
  sqlite = openSqlite({ ...(workerData as WriterOptions), walAutocheckpointPages: WAL_AUTOCHECKPOINT_PAGES });
  port.postMessage({ kind: 'ready' } satisfies WriterStartup);
} catch (err) {
  port.postMessage({ kind: 'failed', error: serializeError(err) } satisfies WriterStartup);
  process.exit(1);
}
const { store } = sqlite;

const allowed = new Map(Object.entries(WRITE_METHODS).map(([p, methods]) => [p, new Set(methods)]));

/** Starts the call; the store's methods do their database work before returning the promise. */
function invoke(req: Call): Promise<unknown> {
  // Only the listed write methods: the main thread never asks for anything else, and a
  // name from elsewhere (e.g. 'constructor') must not reach an object lookup.
  if (!allowed.get(req.port)?.has(req.method)) return Promise.reject(new Error(`not a write method: ${req.port}.${req.method}`));
  const target = (req.port === 'store' ? store : store[req.port]) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  return target[req.method]!(...req.args);
}

/** Retention runs its own bounded transactions (maintenance.ts); it never shares one. */
const runsAlone = (req: WriterRequest) => req.kind !== 'call' || req.port === 'maintenance';

function reply(req: WriterRequest, outcome: Promise<unknown>): Promise<void> {
  return outcome.then(
    (value) => port!.postMessage({ id: req.id, ok: true, value } satisfies WriterReply),
    (err: unknown) => port!.postMessage({ id: req.id, ok: false, error: serializeError(err) } satisfies WriterReply),
  );
}

async function runShared(calls: Call[]): Promise<void> {
  const outcomes: Promise<unknown>[] = [];
  try {
    sqlite.transaction(() => {
      for (const call of calls) {
        const outcome = invoke(call);
        outcome.catch(() => {}); // settled below; not an unhandled rejection meanwhile
        outcomes.push(outcome);
        // A failure SQLite answers by rolling back the whole transaction (disk full, I/O
        // error) leaves nothing to commit: stop, so no later call runs outside it.
        if (!sqlite.inTransaction()) throw new StoreError('UNAVAILABLE', 'the shared transaction was rolled back');
      }
    });
  } catch (err) {
    const failure = Promise.reject(translateSqliteError(err));
    failure.catch(() => {});
    for (const call of calls) await reply(call, failure);
    return;
  }
  for (let i = 0; i < calls.length; i++) await reply(calls[i]!, outcomes[i]!);
}

async function runAlone(req: WriterRequest): Promise<void> {
  if (req.kind === 'ping') return reply(req, store.ping());
  if (req.kind === 'close') return reply(req, store.close());
  return reply(req, invoke(req));
}

let queue: WriterRequest[] = [];
let draining = false;

async function drain(): Promise<void> {
  try {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      for (let i = 0; i < batch.length; ) {
        if (runsAlone(batch[i]!)) {
          await runAlone(batch[i++]!);
          continue;
        }
        const shared: Call[] = [];
        while (i < batch.length && !runsAlone(batch[i]!)) shared.push(batch[i++] as Call);
        await runShared(shared);
      }
    }
  } finally {
    draining = false;
  }
}

port.on('message', (req: WriterRequest) => {
  queue.push(req);
  if (draining) return;
  draining = true;
  // After the messages already delivered in this turn are queued too: they share the commit.
  setImmediate(() => void drain());
});
