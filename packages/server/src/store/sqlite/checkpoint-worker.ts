/**
 * The SQLite checkpointer thread: copies committed pages from the WAL back into the
 * database file, on a connection of its own, so that the writer's commits rarely do it.
 *
 * SQLite checkpoints inside the COMMIT that takes the WAL past wal_autocheckpoint
 * (10,000 pages on the writer, writer-protocol.ts): that commit copies 40 MiB and
 * fsyncs the file, and it took 850–1,167 ms under `npm run bench -- history`. Every
 * send waited behind it, and the main thread then fanned out the backlog in one burst
 * that held history reads up for 150–240 ms. A PASSIVE checkpoint here every
 * `everyMs` copies what was committed since the last one while the writer goes on
 * appending (it takes no lock a writer or reader waits for); the writer's own checkpoint
 * then finds little left to copy, and is still what lets the WAL start over.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointerOptions } from './writer-protocol';

const port = parentPort;
if (!port) throw new Error('checkpoint-worker.ts runs only as a worker thread');
const opts = workerData as CheckpointerOptions;

const db = new Database(opts.path, { fileMustExist: true });
// The checkpoint syncs the WAL before copying and the file after, as the writer's would.
db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const timer = setInterval(() => {
  try {
    checkpoint.run();
  } catch (err) {
    // A checkpoint that fails leaves the WAL as it was; the writer's own one still runs.
    port.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
}, opts.everyMs);

port.on('message', (msg: { kind: 'close' }) => {
  if (msg.kind !== 'close') return;
  clearInterval(timer);
  db.close();
  port.postMessage({ kind: 'closed' });
  port.close();
});
port.postMessage({ kind: 'ready' });
