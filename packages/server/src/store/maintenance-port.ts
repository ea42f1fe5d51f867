/**
 * The maintenance sub-port: periodic upkeep a node runs (hourly), callable directly
 * with any clock in tests.
 *
 * Guarantees every adapter gives:
 * - With retentionDays set, run() deletes every message created before
 *   now - retentionDays days, with its hide marks, and releases its files
 *   (attachments-port.ts; the orphan sweep removes them). Newer messages are never touched.
 * - The conversation log stays gapless: each log entry about a deleted message
 *   (message.created / message.edited) is replaced, at the same seq, by a content-free
 *   message.deleted stub. Catch-up from any seq keeps working; it tells a client holding
 *   expired messages that they are gone.
 * - Work is done in bounded batches (separate transactions), so writers are never held
 *   up for long; a crash between batches leaves a consistent store and the next run
 *   finishes the job. Safe to run from several nodes at once.
 * - PostgreSQL also creates the coming months' message partitions, and drops whole
 *   expired months instead of deleting row by row.
 */
export interface MaintenanceReport {
  deletedMessages: number;
  detachedFiles: number;
  /** PostgreSQL only: partitions created ahead and whole expired months dropped. */
  createdPartitions: string[];
  droppedPartitions: string[];
}

export interface MaintenanceStore {
  run(input: { now: number; retentionDays: number | null; batchSize?: number }): Promise<MaintenanceReport>;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
