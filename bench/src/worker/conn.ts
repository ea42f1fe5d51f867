import type { ClientSpec } from './protocol';

/** One simulated device of either target, as the scheduler and the storm driver see it. */
export interface BenchConn {
  readonly spec: ClientSpec;
  /** Resolves once connected (and, for Parley, caught up); retries with back-off until the deadline. */
  connect(deadlineMs: number): Promise<void>;
  /** Queues the message when the socket is not usable; it goes out after the next connect. */
  send(conversationId: string, clientMessageId: string, body: string): void;
  /** Cuts the socket abruptly, as a network drop would; no automatic reconnect follows. */
  drop(): void;
  close(): void;
  /** Keeps the server's heartbeat timer satisfied on long idle runs. */
  ping(): void;
}

export function backoff(attempt: number): number {
  return Math.min(2000, 50 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
}
