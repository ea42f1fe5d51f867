import type { UserId } from '@parley/protocol';
import type { PresenceRegistry } from './port';

/** One process's view; correct only when every node shares this object (tests) or there is one node. */
export class MemoryPresence implements PresenceRegistry {
  private readonly connections = new Map<UserId, Set<string>>();

  async connected(userId: UserId, connectionId: string): Promise<boolean> {
    let set = this.connections.get(userId);
    const wasOffline = !set || set.size === 0;
    if (!set) this.connections.set(userId, (set = new Set()));
    set.add(connectionId);
    return wasOffline;
  }

  async disconnected(userId: UserId, connectionId: string): Promise<boolean> {
    const set = this.connections.get(userId);
    if (!set || !set.delete(connectionId)) return false;
    if (set.size > 0) return false;
    this.connections.delete(userId);
    return true;
  }

  async heartbeat(): Promise<void> {}

  async onlineAmong(userIds: readonly UserId[]): Promise<Set<UserId>> {
    return new Set(userIds.filter((id) => (this.connections.get(id)?.size ?? 0) > 0));
  }

  async close(): Promise<void> {
    this.connections.clear();
  }
}
