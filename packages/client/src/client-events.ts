/** What a ParleyClient tells the app: its status and the ordered, exactly-once stream. */
import type { ConversationEvent, ConversationId, NotificationPush, Presence, PublicUser, Receipt, UserEvent, UserId } from '@parley/protocol';
import type { OutboxItem } from './outbox';

export type ClientStatus = 'idle' | 'connecting' | 'online' | 'offline' | 'stopped';

export interface ClientEvents {
  status(s: ClientStatus): void;
  event(e: ConversationEvent): void;
  receipt(r: Receipt): void;
  typing(t: { conversationId: ConversationId; userId: UserId; state: 'start' | 'stop' }): void;
  presence(p: Presence): void;
  /** A member of one of my conversations changed their profile (display name, avatar). */
  user(u: PublicUser): void;
  userEvent(e: UserEvent): void;
  /** A new notification, or read marks made on another device, with my unread count. */
  notification(n: NotificationPush): void;
  outbox(items: readonly OutboxItem[]): void;
  /** 'logout', 'revoked' (logged out everywhere, or suspended), 'refresh_failed', 'suspended'. */
  sessionEnded(reason: string): void;
}
