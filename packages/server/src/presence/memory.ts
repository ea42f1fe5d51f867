import type { ConversationId, UserId } from '@parley/protocol';
import type { Attention, AttentionAsk, PresenceRegistry } from './port';

/** One process's view; correct only when every node shares this object (tests) or there is one node. */
export class MemoryPresence implements PresenceRegistry {
  /** Each user's live connections, with the conversation each one shows. */
  private readonly connections = new Map<UserId, Map<string, ConversationId | null>>();

  async connected(userId: UserId, connectionId: string): Promise<boolean> {
    let conns = this.connections.get(userId);
    const wasOffline = !conns || conns.size === 0;
    if (!conns) this.connections.set(userId, (conns = new Map()));
    if (!conns.has(connectionId)) conns.set(connectionId, null);
    return wasOffline;
  }

  async disconnected(userId: UserId, connectionId: string): Promise<boolean> {
    const conns = this.connections.get(userId);
    if (!conns || !conns.delete(connectionId)) return false;
    if (conns.size > 0) return false;
    this.connections.delete(userId);
    return true;
  }

  async heartbeat(): Promise<void> {}

  async onlineAmong(userIds: readonly UserId[]): Promise<Set<UserId>> {
    return new Set(userIds.filter((id) => (this.connections.get(id)?.size ?? 0) > 0));
  }

  /** Applied before the promise is returned, so a closing socket stops counting at once. */
  setFocus(userId: UserId, connectionId: string, conversationId: ConversationId | null): Promise<void> {
    const conns = this.connections.get(userId);
    if (conns?.has(connectionId)) conns.set(connectionId, conversationId);
    return Promise.resolve();
  }

  async attentionAmong(asks: readonly AttentionAsk[]): Promise<Attention[]> {
    return asks.map(({ userId, conversationId }): Attention => {
      const conns = this.connections.get(userId);
      if (!conns || conns.size === 0) return 'away';
      for (const shown of conns.values()) if (shown === conversationId) return 'focused';
      return 'online';
    });
  }

  async close(): Promise<void> {
    this.connections.clear();
  }
}
