/**
 * A load-generator process (spawned by the coordinator, never inside a server). It owns
 * a slice of the simulated devices and answers the coordinator's commands over IPC:
 * setup (connect), phase (open-loop sends), collect (receiver accounting), drop
 * (storm: cut every socket and reconnect with catch-up), history (HTTP reads).
 */
import { nowUs } from '../core/histogram';
import type { BenchConn } from './conn';
import { runHistory } from './history-load';
import { ParleyConn } from './parley-conn';
import type { CoordinatorMessage, WorkerReply } from './protocol';
import { ReceiverBook } from './receiver-book';
import { RelayConn } from './relay-conn';
import { runPhase } from './scheduler';

const PING_EVERY_MS = 20_000;

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]!);
  });
  await Promise.all(lanes);
}

function main(): void {
  const book = new ReceiverBook();
  const conns = new Map<number, BenchConn>();
  const reply = (r: WorkerReply) => process.send!(r);
  const pinger = setInterval(() => {
    for (const c of conns.values()) c.ping();
  }, PING_EVERY_MS);

  process.on('message', (raw) => {
    const msg = raw as CoordinatorMessage;
    void handle(msg).catch((err: unknown) => reply({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) }));
  });
  process.on('disconnect', () => process.exit(0));
  // Commands sent before this listener existed would be lost: the coordinator waits for this first.
  reply({ type: 'started' });

  async function handle(msg: CoordinatorMessage): Promise<void> {
    switch (msg.cmd) {
      case 'setup': {
        const errors: string[] = [];
        let failed = 0;
        for (const spec of msg.clients) {
          conns.set(spec.index, msg.target === 'parley' ? new ParleyConn(spec, spec.url, book) : new RelayConn(spec, spec.url, book));
        }
        const deadline = Date.now() + 120_000;
        await pool([...conns.values()], msg.concurrency, async (c) => {
          try {
            await c.connect(deadline);
          } catch (err) {
            failed++;
            if (errors.length < 5) errors.push(err instanceof Error ? err.message : String(err));
          }
        });
        reply({ type: 'ready', connected: conns.size - failed, failed, errors });
        return;
      }
      case 'phase':
        book.expect(msg.plan);
        runPhase(msg.plan, conns, (sent) => reply({ type: 'sent', phase: msg.plan.phase, sent }));
        return;
      case 'progress':
        reply({ type: 'progress', phase: msg.phase, deliveries: book.deliveries(msg.phase) });
        return;
      case 'collect':
        reply(book.collect(msg.phase));
        return;
      case 'drop': {
        const dropUs = nowUs();
        const all = [...conns.values()];
        for (const c of all) c.drop();
        let allBackUs = 0;
        let caughtUpUs = 0;
        let failed = 0;
        const deadline = Date.now() + 60_000;
        await pool(all, msg.concurrency, async (c) => {
          try {
            await c.connect(deadline);
            caughtUpUs = Math.max(caughtUpUs, nowUs());
          } catch {
            failed++;
          }
        });
        allBackUs = caughtUpUs;
        reply({ type: 'recovered', dropUs, allBackUs, caughtUpUs, failed });
        return;
      }
      case 'history':
        runHistory(msg.plan, reply);
        return;
      case 'close':
        clearInterval(pinger);
        for (const c of conns.values()) c.close();
        setTimeout(() => process.exit(0), 300);
        return;
    }
  }
}

main();
