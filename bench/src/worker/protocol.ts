/**
 * The IPC protocol between the coordinator (cli) and the load-generator processes.
 * Every time is an absolute wall clock in microseconds (nowUs), comparable across
 * the processes of one machine.
 */
import type { HistogramData } from '../core/histogram';

export type TargetKind = 'parley' | 'relay';

/** One simulated device: a socket that sends and/or receives. */
export interface ClientSpec {
  /** Global index, unique across every generator of the run. */
  index: number;
  /** Parley access token (parley target only). */
  token?: string;
  /** Parley conversation ids this client is a member of; the relay rooms are the same ids. */
  conversations: string[];
  /** Relay address of this client. */
  relayId: string;
  /** Base ws:// URL of the node or relay this client connects to. */
  url: string;
}

export interface SenderPlan {
  /** Global client index of the sending socket (owned by exactly one generator). */
  client: number;
  /** Index of this sender within the phase. */
  sender: number;
  conversationId: string;
  count: number;
  /** Messages per second, open loop. */
  rate: number;
  /** Offset of the first planned send after the phase start. */
  offsetUs: number;
}

export interface PhasePlan {
  phase: number;
  startUs: number;
  /** Message body bytes. */
  size: number;
  senders: SenderPlan[];
}

export interface HistoryPlan {
  phase: number;
  baseUrl: string;
  token: string;
  conversationId: string;
  /** Highest seq in the conversation: page-back requests pick `before` below it. */
  lastSeq: number;
  rate: number;
  count: number;
  startUs: number;
}

export type CoordinatorMessage =
  | { cmd: 'setup'; target: TargetKind; clients: ClientSpec[]; concurrency: number }
  | { cmd: 'progress'; phase: number }
  | { cmd: 'phase'; plan: PhasePlan }
  | { cmd: 'collect'; phase: number }
  | { cmd: 'drop'; concurrency: number }
  | { cmd: 'history'; plan: HistoryPlan }
  | { cmd: 'close' };

export interface SetupReply {
  type: 'ready';
  connected: number;
  failed: number;
  errors: string[];
}

export interface PhaseReply {
  type: 'sent';
  phase: number;
  sent: number;
}

export interface CollectReply {
  type: 'collected';
  phase: number;
  hist: HistogramData;
  /** Per sender index: per message n, how many distinct receivers here got it. */
  delivered: Record<number, number[]>;
  deliveries: number;
  duplicates: number;
  /** Events dropped because their seq was already applied (a normal effect of catch-up). */
  redelivered: number;
  lastDeliveryUs: number;
  acks: number;
  errors: Record<string, number>;
  reconnects: number;
}

export interface DropReply {
  type: 'recovered';
  dropUs: number;
  /** When the last client got its welcome again. */
  allBackUs: number;
  /** When the last client finished its catch-up. */
  caughtUpUs: number;
  failed: number;
}

export interface HistoryReply {
  type: 'history';
  phase: number;
  hist: HistogramData;
  ok: number;
  failed: number;
  lastDoneUs: number;
}

export interface ProgressReply {
  type: 'progress';
  phase: number;
  deliveries: number;
}

export type WorkerReply = { type: 'started' } | ProgressReply | SetupReply | PhaseReply | CollectReply | DropReply | HistoryReply | { type: 'error'; message: string };

/** The message body carries everything a receiver needs to check it. */
export function encodeBody(phase: number, sender: number, n: number, plannedUs: number, client: number, size: number): string {
  const head = `${phase}|${sender}|${n}|${plannedUs}|${client}|`;
  return head.length >= size ? head : head + 'x'.repeat(size - head.length);
}

export interface DecodedBody {
  phase: number;
  sender: number;
  n: number;
  plannedUs: number;
  client: number;
}

export function decodeBody(body: string): DecodedBody | null {
  const p = body.split('|', 5);
  if (p.length < 5) return null;
  const [phase, sender, n, plannedUs, client] = p.map(Number) as [number, number, number, number, number];
  if (!Number.isFinite(phase + sender + n + plannedUs + client)) return null;
  return { phase, sender, n, plannedUs, client };
}
