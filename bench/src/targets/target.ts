import type { ClientSpec, TargetKind } from '../worker/protocol';

/** A system under test, started and populated, ready for generators to connect. */
export interface Target {
  /** As printed in results: relay, parley, parley-pg, parley-2nodes... */
  name: string;
  kind: TargetKind;
  /** HTTP base URL of the first node (history reads). */
  httpUrl: string;
  /** The measured server processes (CPU and RSS are summed over them). */
  serverPids: number[];
  clients: ClientSpec[];
  conversationIds: string[];
  /** An access token of user i (Parley only). */
  tokenOf(user: number): string;
  stop(): Promise<void>;
}
