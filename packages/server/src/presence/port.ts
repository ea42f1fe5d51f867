/**
 * Who is online, and which conversation each connection shows, across every node.
 * Adapters: memory.ts (one process) and redis.ts (shared, with expiry so a crashed
 * node's connections age out).
 */
import type { ConversationId, UserId } from '@parley/protocol';

/**
 * How much of a user's attention a conversation has: no live connection anywhere
 * (away), a live connection showing it (focused), or neither (online).
 */
export type Attention = 'away' | 'online' | 'focused';

export interface AttentionAsk {
  userId: UserId;
  conversationId: ConversationId;
}

export interface PresenceRegistry {
  /** Records a connection; resolves true when the user was offline everywhere before. */
  connected(userId: UserId, connectionId: string): Promise<boolean>;
  /** Forgets a connection; resolves true when the user has no connection left anywhere. */
  disconnected(userId: UserId, connectionId: string): Promise<boolean>;
  /** Renews this node's connections so they do not expire (called on a timer). */
  heartbeat(entries: readonly { userId: UserId; connectionId: string }[]): Promise<void>;
  onlineAmong(userIds: readonly UserId[]): Promise<Set<UserId>>;
  /**
   * Records which conversation a connection shows (null: none, or its page is hidden).
   * Forgotten with the connection: a focus counts only while its connection is live.
   */
  setFocus(userId: UserId, connectionId: string, conversationId: ConversationId | null): Promise<void>;
  /** One answer per ask, in the order asked (the notifications decider asks per batch). */
  attentionAmong(asks: readonly AttentionAsk[]): Promise<Attention[]>;
  close(): Promise<void>;
}
