/**
 * The periodic upkeep of a node: retention (PARLEY_RETENTION_DAYS) and, on PostgreSQL,
 * month partitions created ahead. Runs at start and then hourly; every node runs it
 * (the store makes concurrent runs safe). runOnce takes any time, for tests.
 */
import type { Deps } from './deps';
import type { MaintenanceReport } from '../store/maintenance-port';

export const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

export class MaintenanceService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly deps: Deps) {}

  async runOnce(now: number = this.deps.clock()): Promise<MaintenanceReport> {
    const report = await this.deps.store.maintenance.run({ now, retentionDays: this.deps.config.retentionDays });
    const { deletedMessages, detachedFiles, createdPartitions, droppedPartitions } = report;
    if (deletedMessages > 0 || createdPartitions.length > 0 || droppedPartitions.length > 0) {
      this.deps.log.info({ deletedMessages, detachedFiles, createdPartitions, droppedPartitions }, 'maintenance done');
    }
    return report;
  }

  start(intervalMs: number = MAINTENANCE_INTERVAL_MS): void {
    if (this.timer) return;
    const tick = () => {
      // Never two runs of one node at once; a slow run just skips a tick.
      if (this.running) return;
      this.running = this.runOnce()
        .catch((err: unknown) => this.deps.log.error({ err }, 'maintenance failed'))
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
