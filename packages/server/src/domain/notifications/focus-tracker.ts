/**
 * Which conversation each of this node's connections shows (the `focus` op). Only this
 * node's sockets are here: the decision "is any of the user's connections focused on
 * it" is made on each node that holds the user's sockets (see notifications-service.ts).
 */
import type { ConversationId, UserId } from '@parley/protocol';

export class FocusTracker {
  private readonly byUser = new Map<UserId, Map<string, ConversationId | null>>();

  set(userId: UserId, connectionId: string, conversationId: ConversationId | null): void {
    let conns = this.byUser.get(userId);
    if (!conns) this.byUser.set(userId, (conns = new Map()));
    conns.set(connectionId, conversationId);
  }

  drop(userId: UserId, connectionId: string): void {
    const conns = this.byUser.get(userId);
    if (!conns) return;
    conns.delete(connectionId);
    if (conns.size === 0) this.byUser.delete(userId);
  }

  isFocused(userId: UserId, conversationId: ConversationId): boolean {
    for (const focused of this.byUser.get(userId)?.values() ?? []) if (focused === conversationId) return true;
    return false;
  }

  get size(): number {
    let n = 0;
    for (const conns of this.byUser.values()) n += conns.size;
    return n;
  }
}
