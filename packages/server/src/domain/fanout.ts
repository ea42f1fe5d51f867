/**
 * Publishes what happened, after it was committed, to the bus. Each frame is
 * serialized once here and delivered as the same string to every socket.
 *
 * The bus payload is an internal envelope, never sent to clients:
 *   "<routing>\n<frame JSON>"
 * where routing tells gateways about membership changes without parsing the frame:
 *   "-"                  nothing to do
 *   "@<millis>"          (conversation topic) a new message, sent at that time (for the
 *                        send-to-deliver latency metric); nothing to do
 *   "x<userId>"          (conversation topic) that member left or was removed: stop
 *                        routing the conversation to them after this frame
 *   "f<userId>"          (conversation topic) typing from that user: skip recipients
 *                        in a block with them (either way)
 *   "p<userId>"          (conversation topic) that user's presence or profile: the same,
 *                        and a recipient sharing several conversations with them gets it once
 *   "+<conversationId>"  (user topic) the user joined that conversation: route it to them
 *   "x<conversationId>"  (user topic) the user left it
 *   "!"                  (user topic) the session was revoked: close the user's sockets
 *   "h<userId>"          (user topic) a block with that user began: stop delivering
 *                        their typing and presence to this user (the frame, if any,
 *                        is still pushed: their presence as this user may now see it)
 *   "s<userId>"          (user topic) no block with that user any more (same frame rule)
 *   "n"                  (user topic) reserved: a notification candidate of older nodes,
 *                        dropped unread (not a frame)
 */
import type { ConversationEvent, Presence, PublicUser, PushFrame, Receipt, UserEvent, UserId, ConversationId } from '@parley/protocol';
import { conversationTopic, userTopic, type Bus } from '../bus/port';

export function envelope(routing: string, frame: PushFrame | string): string {
  return `${routing}\n${typeof frame === 'string' ? frame : JSON.stringify(frame)}`;
}

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
      const frame = JSON.stringify({ type: 'event', event } satisfies PushFrame);
      const topic = conversationTopic(event.conversationId);
      switch (event.type) {
        case 'member.added':
          this.bus.publish(topic, envelope('-', frame));
          // The new member's node may not hold this conversation's topic yet.
          this.bus.publish(userTopic(event.userId), envelope(`+${event.conversationId}`, frame));
          break;
        case 'member.removed':
        case 'member.left':
          this.bus.publish(topic, envelope(`x${event.userId}`, frame));
          // The removed member no longer matches the conversation's local members.
          this.bus.publish(userTopic(event.userId), envelope(`x${event.conversationId}`, frame));
          break;
        case 'message.created':
          // "@<sent at>" lets every node measure send-to-deliver latency without parsing.
          this.bus.publish(topic, envelope(`@${event.message.createdAt}`, frame));
          break;
        default:
          this.bus.publish(topic, envelope('-', frame));
      }
    }
  }

  receipts(conversationId: ConversationId, fromVersion: number, receipts: Receipt[]): void {
    const receiptsVersion = Math.max(...receipts.map((r) => r.receiptsVersion));
    this.bus.publish(conversationTopic(conversationId), envelope('-', { type: 'receipts', conversationId, fromVersion, receiptsVersion, receipts }));
  }

  typing(conversationId: ConversationId, userId: UserId, state: 'start' | 'stop'): void {
    this.bus.publish(conversationTopic(conversationId), envelope(`f${userId}`, { type: 'typing', conversationId, userId, state }));
  }

  presence(conversationIds: readonly ConversationId[], presence: Presence): void {
    const payload = envelope(`p${presence.userId}`, { type: 'presence', presence });
    for (const id of conversationIds) this.bus.publish(conversationTopic(id), payload);
  }

  /** A user's new profile, to every conversation they are in (routed like presence: once per recipient). */
  profile(conversationIds: readonly ConversationId[], user: PublicUser): void {
    const payload = envelope(`p${user.id}`, { type: 'user', user });
    for (const id of conversationIds) this.bus.publish(conversationTopic(id), payload);
  }

  userEvent(userId: UserId, event: UserEvent): void {
    this.bus.publish(userTopic(userId), envelope('-', { type: 'user_event', event }));
  }

  /**
   * Tells every node holding userId's sockets that a block with otherId began (hidden)
   * or ended, with otherId's presence as userId may now see it (replaces what they hold).
   */
  blockChanged(userId: UserId, otherId: UserId, hidden: boolean, presence: Presence): void {
    this.bus.publish(userTopic(userId), envelope(`${hidden ? 'h' : 's'}${otherId}`, { type: 'presence', presence }));
  }

  sessionRevoked(userId: UserId): void {
    this.bus.publish(userTopic(userId), '!\n');
  }
}
