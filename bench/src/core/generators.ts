/**
 * The coordinator's handle on its load-generator processes: spawns them, hands each
 * its slice of devices and waits for their replies.
 */
import path from 'node:path';
import { spawnTs, type Spawned } from './spawn';
import type { ClientSpec, CollectReply, CoordinatorMessage, DropReply, HistoryPlan, HistoryReply, PhasePlan, ProgressReply, SetupReply, TargetKind, WorkerReply } from '../worker/protocol';

const ENTRY = path.join(import.meta.dirname, '../worker/generator.ts');

class Generator {
  private readonly waiting = new Map<string, ((r: WorkerReply) => void)[]>();
  private failure: Error | null = null;
  readonly started: Promise<WorkerReply>;

  constructor(readonly proc: Spawned) {
    this.started = this.next('started', null);
    this.started.catch(() => {}); // reported by whoever awaits ready()
    proc.child.on('message', (raw) => {
      const r = raw as WorkerReply;
      if (r.type === 'error') {
        this.failure = new Error(`generator ${proc.pid}: ${r.message}`);
        for (const list of this.waiting.values()) list.splice(0);
        console.error(this.failure.message);
        return;
      }
      this.waiting.get(r.type)?.shift()?.(r);
    });
  }

  send(msg: CoordinatorMessage): void {
    if (this.failure) throw this.failure;
    this.proc.child.send(msg);
  }

  /** timeoutMs null: no deadline (the boot reply, which may wait behind a long seed on a busy machine). */
  next<T extends WorkerReply>(type: T['type'], timeoutMs: number | null = 180_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = timeoutMs === null ? undefined : setTimeout(() => reject(new Error(`generator ${this.proc.pid}: no "${type}" reply in ${timeoutMs} ms`)), timeoutMs);
      const list = this.waiting.get(type) ?? [];
      list.push((r) => {
        clearTimeout(timer);
        resolve(r as T);
      });
      this.waiting.set(type, list);
      this.proc.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`generator ${this.proc.pid} exited (${code})`));
      });
    });
  }
}

export class Generators {
  private constructor(
    private readonly gens: Generator[],
    /**
     * A process of its own for history reads, holding no sockets: a read's latency is
     * then the server's and the machine's, not also the wait behind a generator's own
     * event loop busy with thousands of messages a second.
     */
    private readonly reader: Generator | null,
  ) {}

  static start(count: number, opts: { reader?: boolean } = {}): Generators {
    const spawn = () => new Generator(spawnTs(ENTRY, [], { ipc: true }));
    return new Generators(Array.from({ length: count }, spawn), opts.reader ? spawn() : null);
  }

  private get all(): Generator[] {
    return this.reader ? [...this.gens, this.reader] : this.gens;
  }

  /** Resolves once every generator listens for commands. */
  async ready(): Promise<void> {
    await Promise.all(this.all.map((g) => g.started));
  }

  get pids(): number[] {
    return this.all.map((g) => g.proc.pid);
  }

  /** Spreads the clients over the generators round-robin and connects them all. */
  async setup(target: TargetKind, clients: readonly ClientSpec[], concurrency = 64): Promise<SetupReply> {
    const slices = this.gens.map(() => [] as ClientSpec[]);
    clients.forEach((c, i) => slices[i % slices.length]!.push(c));
    const replies = await Promise.all(
      this.gens.map((g, i) => {
        const p = g.next<SetupReply>('ready');
        g.send({ cmd: 'setup', target, clients: slices[i]!, concurrency });
        return p;
      }),
    );
    return {
      type: 'ready',
      connected: replies.reduce((s, r) => s + r.connected, 0),
      failed: replies.reduce((s, r) => s + r.failed, 0),
      errors: replies.flatMap((r) => r.errors),
    };
  }

  /** Runs one open-loop phase to the end of its sends; returns how many were sent. */
  async phase(plan: PhasePlan): Promise<number> {
    const replies = await Promise.all(
      this.gens.map((g) => {
        const p = g.next<{ type: 'sent'; phase: number; sent: number }>('sent');
        g.send({ cmd: 'phase', plan });
        return p;
      }),
    );
    return replies.reduce((s, r) => s + r.sent, 0);
  }

  async deliveries(phase: number): Promise<number> {
    const replies = await Promise.all(
      this.gens.map((g) => {
        const p = g.next<ProgressReply>('progress');
        g.send({ cmd: 'progress', phase });
        return p;
      }),
    );
    return replies.reduce((s, r) => s + r.deliveries, 0);
  }

  async collect(phase: number): Promise<CollectReply[]> {
    return Promise.all(
      this.gens.map((g) => {
        const p = g.next<CollectReply>('collected');
        g.send({ cmd: 'collect', phase });
        return p;
      }),
    );
  }

  async drop(concurrency: number): Promise<DropReply[]> {
    return Promise.all(
      this.gens.map((g) => {
        const p = g.next<DropReply>('recovered');
        g.send({ cmd: 'drop', concurrency });
        return p;
      }),
    );
  }

  /** History reads run on the reader process if there is one, else on the first generator. */
  async history(plan: HistoryPlan): Promise<HistoryReply> {
    const g = this.reader ?? this.gens[0]!;
    const p = g.next<HistoryReply>('history');
    g.send({ cmd: 'history', plan });
    return p;
  }

  async close(): Promise<void> {
    for (const g of this.all) {
      try {
        g.send({ cmd: 'close' });
      } catch {
        /* already failed */
      }
    }
    await Promise.all(this.all.map((g) => Promise.race([g.proc.exited, new Promise((r) => setTimeout(r, 3000))])));
    await Promise.all(this.all.map((g) => g.proc.stop(2000)));
  }
}
