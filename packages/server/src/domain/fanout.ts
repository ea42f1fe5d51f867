/**
 * Publishes what happened, after it was committed, to the bus. Each frame is
 * serialized once here and delivered as the same string to every socket. What a
 * payload carries besides the frame, and its wire form, is bus/envelope.ts.
 */
import type { ConversationEvent, Presence, PublicUser, Receipt, UserEvent, UserId, ConversationId } from '@parley/protocol';
import { conversationTopic, userTopic, type Bus } from '../bus/port';
import { encodeConversation, encodeUser, frameJson, type ConversationEnvelope, type UserEnvelope } from '../bus/envelope';

export class Fanout {
  constructor(
    private readonly bus: Bus,
    /** Told of every committed event after it was published (notifications decide from them, off the caller's path). */
    private readonly committed: (events: readonly ConversationEvent[]) => void = () => {},
  ) {}

  events(events: readonly ConversationEvent[]): void {
    this.publishEvents(events);
    this.committed(events);
  }

  /** Publishes an event again without telling the committed-event listeners (no second notification). */
  republish(event: ConversationEvent): void {
    this.publishEvents([event]);
  }

  private publishEvents(events: readonly ConversationEvent[]): void {
    for (const event of events) {
      const frame = frameJson({ type: 'event', event });
      const id = event.conversationId;
      switch (event.type) {
        case 'member.added':
          this.toConversation(id, { type: 'push', frame });
          // The new member's node may not hold this conversation's topic yet.
          this.toUser(event.userId, { type: 'joined', conversationId: id, frame });
          break;
        case 'member.removed':
        case 'member.left':
          this.toConversation(id, { type: 'member.gone', userId: event.userId, frame });
          // The removed member no longer matches the conversation's local members.
          this.toUser(event.userId, { type: 'left', conversationId: id, frame });
          break;
        case 'message.created':
          // sentAt lets every node measure send-to-deliver latency without parsing.
          this.toConversation(id, { type: 'push', frame, sentAt: event.message.createdAt });
          break;
        default:
          this.toConversation(id, { type: 'push', frame });
      }
    }
  }

  receipts(conversationId: ConversationId, fromVersion: number, receipts: Receipt[]): void {
    const receiptsVersion = Math.max(...receipts.map((r) => r.receiptsVersion));
    this.toConversation(conversationId, { type: 'push', frame: frameJson({ type: 'receipts', conversationId, fromVersion, receiptsVersion, receipts }) });
  }

  typing(conversationId: ConversationId, userId: UserId, state: 'start' | 'stop'): void {
    this.toConversation(conversationId, { type: 'typing', userId, frame: frameJson({ type: 'typing', conversationId, userId, state }) });
  }

  presence(conversationIds: readonly ConversationId[], presence: Presence): void {
    // One payload for every topic: encoded once, however many conversations.
    const payload = encodeConversation({ type: 'presence', userId: presence.userId, frame: frameJson({ type: 'presence', presence }) });
    for (const id of conversationIds) this.bus.publish(conversationTopic(id), payload);
  }

  /** A user's new profile, to every conversation they are in (routed like presence: once per recipient, not across a block). */
  profile(conversationIds: readonly ConversationId[], user: PublicUser): void {
    const payload = encodeConversation({ type: 'profile', userId: user.id, frame: frameJson({ type: 'user', user }) });
    for (const id of conversationIds) this.bus.publish(conversationTopic(id), payload);
  }

  userEvent(userId: UserId, event: UserEvent): void {
    this.toUser(userId, { type: 'push', frame: frameJson({ type: 'user_event', event }) });
  }

  /**
   * Tells every node holding userId's sockets that a block with otherId began (hidden)
   * or ended, with otherId's presence as userId may now see it (replaces what they hold).
   */
  blockChanged(userId: UserId, otherId: UserId, hidden: boolean, presence: Presence): void {
    this.toUser(userId, { type: 'block', userId: otherId, blocked: hidden, frame: frameJson({ type: 'presence', presence }) });
  }

  /**
   * Closes the sockets of one session of the user (sessionId), or of every session (null),
   * on every node that holds them now. Not the only way they close: see
   * realtime/session-recheck.ts for a message this loses.
   */
  sessionRevoked(userId: UserId, sessionId: string | null = null): void {
    this.toUser(userId, { type: 'session.revoked', sessionId });
  }

  private toConversation(id: ConversationId, envelope: ConversationEnvelope): void {
    this.bus.publish(conversationTopic(id), encodeConversation(envelope));
  }

  private toUser(id: UserId, envelope: UserEnvelope): void {
    this.bus.publish(userTopic(id), encodeUser(envelope));
  }
}
