/**
 * Who is online, across every node. Adapters: memory.ts (one process) and redis.ts
 * (shared, with expiry so a crashed node's connections age out).
 */
import type { UserId } from '@parley/protocol';

export interface PresenceRegistry {
  /** Records a connection; resolves true when the user was offline everywhere before. */
  connected(userId: UserId, connectionId: string): Promise<boolean>;
  /** Forgets a connection; resolves true when the user has no connection left anywhere. */
  disconnected(userId: UserId, connectionId: string): Promise<boolean>;
  /** Renews this node's connections so they do not expire (called on a timer). */
  heartbeat(entries: readonly { userId: UserId; connectionId: string }[]): Promise<void>;
  onlineAmong(userIds: readonly UserId[]): Promise<Set<UserId>>;
  close(): Promise<void>;
}
