/**
 * Who gets a notification for what, decided after the commit and never on the send path.
 *
 * On the node that committed the change (committed(), fed by Fanout after each commit),
 * in batches: one audience read for the whole batch, one block read per group message (a
 * direct send was already refused by the append if a block stood), one attention read
 * (presence and focus, across every node) and one insert for the whole batch. For each
 * member other than the sender (and not in a block with them):
 * - named as @username → a `mention` notification, whatever the focus or mute;
 * - else, in a direct conversation or a group of at most groupMax members, not muted:
 *   - a connection anywhere shows the conversation (focused) → nothing: they are reading it;
 *   - otherwise a `message` notification, sent live to their devices if they are online.
 *   Bigger groups notify mentions only: their messages cost no per-member write at all.
 * - away (no device online), not muted → a browser push, for mentions too.
 * Adding someone to a group gives them an `added` notification.
 * Message notifications coalesce: one per (user, conversation), whose id is made from
 * the pair, so the store merges each new message into it (latest message, a count of
 * new ones, unread again) and a batch merges its own first: a user's notifications grow
 * with their conversations, not with messages. A mention stays one per message: each
 * one addresses the user and opens at its own message.
 *
 * Known limits, all on the side of one notification too many or too few, never of a
 * wrong recipient: attention read just before a socket opens, closes or changes focus
 * can be stale by that change; a node that dies with a queue loses it. A conversation's
 * count misses a message whose decision (on another node) lands after a later one's,
 * and a read that crosses a new message's update reads that one too. The log stays the
 * record.
 */
// One-shot hash: half the cost of createHash().update().digest() for short strings.
import { hash } from 'node:crypto';
import {
  NOTIFICATION_COUNT_CAP,
  previewOf,
  readableFields,
  type ConversationEvent,
  type ConversationId,
  type Notification,
  type NotificationPush,
  type PushPayload,
  type UserId,
} from '@parley/protocol';
import { userTopic } from '../../bus/port';
import type { Attention } from '../../presence/port';
import type { AudienceRecord, NewNotification, NotificationRecord } from '../../store/notifications-port';
import type { Deps } from '../deps';
import { encodeUser, frameJson } from '../../bus/envelope';
import { publicUser } from '../views';
import { BatchQueue } from './batch-queue';
import { mentionedUsernames } from './mentions';
import { mayRead } from '../rules/history-visibility';
import type { PushDelivery, PushJob } from './push-delivery';

type MessageCreated = Extract<ConversationEvent, { type: 'message.created' }>;
type MemberAdded = Extract<ConversationEvent, { type: 'member.added' }>;
type Recipient = { userId: UserId; muted: boolean; mentioned: boolean };
type MessagePlan = { audience: AudienceRecord; e: MessageCreated; recipients: Recipient[] };

export const PREVIEW_CHARS = 140;

/** A notification's id, made from what it is about: deciding it again gives the same id. */
export function notificationId(userId: UserId, about: string): string {
  return hash('sha256', `${userId}\n${about}`, 'base64url').slice(0, 24);
}

/**
 * The one `message` notification of a user in a conversation (the store's migrations
 * make the same id for the notifications they coalesce: keep them in step).
 */
export const messageNotificationId = (userId: UserId, conversationId: ConversationId): string => notificationId(userId, `messages:${conversationId}`);

/** A mention: one per (user, message). */
const mentionNotificationId = (userId: UserId, messageId: string): string => notificationId(userId, `message:${messageId}`);

/** Adds n to the batch, merging it into the batch's notification of the same id when about a later message. */
function addTo(created: Map<string, NewNotification>, n: NewNotification): void {
  const held = created.get(n.id);
  if (!held) created.set(n.id, n);
  else if (held.message && n.message && n.message.seq > held.message.seq) created.set(n.id, { ...n, count: (held.count ?? 1) + (n.count ?? 1) });
}

export function toNotification(r: NotificationRecord): Notification {
  return {
    id: r.id,
    kind: r.kind,
    conversationId: r.conversationId,
    conversationKind: r.conversationKind,
    conversationTitle: r.conversationTitle,
    actor: r.actor ? publicUser(r.actor) : null,
    messageId: r.messageId,
    seq: r.seq,
    preview: r.message ? clip(previewOf(r.message)) : '',
    count: r.count,
    createdAt: r.createdAt,
    readAt: r.readAt,
  };
}

export class NotificationDecider {
  private readonly committedQueue: BatchQueue<MessageCreated | MemberAdded>;

  constructor(
    private readonly deps: Deps,
    private readonly push: PushDelivery,
    private readonly groupMax: number,
  ) {
    const onError = (err: unknown) => deps.log.warn({ err }, 'notifications batch failed');
    this.committedQueue = new BatchQueue((batch) => this.decide(batch), { batchMax: 512, capacity: 50_000, onError });
  }

  /** Fed with every committed event; returns at once. */
  committed(events: readonly ConversationEvent[]): void {
    for (const e of events) {
      if (e.type === 'message.created' || (e.type === 'member.added' && e.actorId !== e.userId)) this.committedQueue.push(e);
    }
  }

  async idle(): Promise<void> {
    await this.committedQueue.idle();
    await this.push.idle();
  }

  /** Sends my devices a notification push frame. */
  publish(userId: UserId, frame: NotificationPush): void {
    this.deps.bus.publish(userTopic(userId), encodeUser({ type: 'push', frame: frameJson(frame) }));
  }

  private async decide(batch: (MessageCreated | MemberAdded)[]): Promise<void> {
    const { store } = this.deps;
    const now = this.deps.clock();
    const created = new Map<string, NewNotification>();
    const live = new Set<UserId>();
    const pushes: PushJob[] = [];

    const messages = new Map<ConversationId, MessageCreated[]>();
    for (const e of batch) {
      if (e.type !== 'message.created') continue;
      const list = messages.get(e.conversationId);
      if (list) list.push(e);
      else messages.set(e.conversationId, [e]);
    }
    const plans: MessagePlan[] = [];
    const audiences = messages.size ? await store.notifications.audiences([...messages.keys()], this.groupMax) : new Map<ConversationId, AudienceRecord>();
    for (const [conversationId, list] of messages) {
      const audience = audiences.get(conversationId);
      if (!audience) continue;
      for (const e of list) {
        const recipients = await this.recipientsOf(audience, e);
        if (recipients.length > 0) plans.push({ audience, e, recipients });
      }
    }
    // One attention read for the whole batch (a Redis round trip on PostgreSQL + Redis nodes).
    const attention = await this.attentionOf(plans);
    for (const plan of plans) await this.decideMessage(plan, attention, created, live, pushes);

    for (const e of batch) {
      if (e.type !== 'member.added') continue;
      const conversation = await store.getConversation(e.conversationId);
      if (conversation?.kind !== 'group') continue;
      addTo(created, { id: notificationId(e.userId, `added:${e.conversationId}:${e.seq}`), userId: e.userId, kind: 'added', conversationId: e.conversationId, message: null, actorId: e.actorId, at: now });
      live.add(e.userId);
    }

    const changed = created.size ? await store.notifications.createNotifications([...created.values()]) : [];
    await this.announce(changed.map((id) => created.get(id)!).filter((n) => live.has(n.userId)));
    this.push.enqueue(pushes);
  }

  /**
   * Members to consider for a message: not the sender, not in a block with them, and
   * able to read it (someone who joined a 'joined' group after it, while this batch
   * waited, is not told of it).
   */
  private async recipientsOf(audience: AudienceRecord, e: MessageCreated): Promise<Recipient[]> {
    const { store } = this.deps;
    const m = e.message;
    // Mentions are read from what the server may read: none in an encrypted message.
    const names = mentionedUsernames(readableFields(m).map((f) => f.text).join('\n'));
    const recipients = (
      audience.members
        ? audience.members.filter((u) => mayRead(u, m.seq)).map((u) => ({ userId: u.userId, muted: u.muted, mentioned: names.includes(u.username) }))
        : (await store.notifications.membersByUsername(m.conversationId, names)).filter((u) => mayRead(u, m.seq)).map((u) => ({ userId: u.userId, muted: u.muted, mentioned: true }))
    ).filter((r) => r.userId !== m.senderId);
    // A direct send was admitted only after SendGuard found no block either way between
    // the two members, just before its commit: reading blocks again here would cost a read
    // per message for the same answer. Groups have no such check; their blocks apply here.
    if (recipients.length === 0 || audience.kind === 'direct') return recipients;
    const blocked = await store.moderation.blockedAmong(m.senderId, recipients.map((r) => r.userId));
    return recipients.filter((r) => !blocked.has(r.userId));
  }

  private async decideMessage(
    { audience, e, recipients }: MessagePlan,
    attention: ReadonlyMap<string, Attention>,
    created: Map<string, NewNotification>,
    live: Set<UserId>,
    pushes: PushJob[],
  ): Promise<void> {
    const { store } = this.deps;
    const m = e.message;
    const small = audience.members !== null;
    let senderName = audience.members?.find((u) => u.userId === m.senderId)?.displayName;

    for (const r of recipients) {
      const state = attention.get(attentionKey(r.userId, m.conversationId)) ?? 'online';
      const away = state === 'away';
      // Focused, not mentioned: they are reading it (the common case while chatting), so
      // no notification and no hash are made at all.
      if (!r.mentioned && (!small || r.muted || state === 'focused')) continue;
      addTo(created, {
        id: r.mentioned ? mentionNotificationId(r.userId, m.id) : messageNotificationId(r.userId, m.conversationId),
        userId: r.userId,
        kind: r.mentioned ? 'mention' : 'message',
        conversationId: m.conversationId,
        message: { id: m.id, seq: m.seq, createdAt: m.createdAt },
        actorId: m.senderId,
        // The message's time, not the batch's: notifications decided in one batch would
        // otherwise tie, and the list (newest first, then by id) would shuffle them.
        at: m.createdAt,
      });
      if (!away) live.add(r.userId);
      if (away && !r.muted) {
        senderName ??= (await store.getPublicUsers([m.senderId]))[0]?.displayName ?? '';
        pushes.push({ userId: r.userId, payload: pushPayload(audience, m, senderName, r.mentioned) });
      }
    }
  }

  /** Each recipient's attention to each message's conversation, in one read for the batch. */
  private async attentionOf(plans: readonly MessagePlan[]): Promise<Map<string, Attention>> {
    const asks = new Map<string, { userId: UserId; conversationId: ConversationId }>();
    for (const { e, recipients } of plans) {
      for (const r of recipients) asks.set(attentionKey(r.userId, e.conversationId), { userId: r.userId, conversationId: e.conversationId });
    }
    const keys = [...asks.keys()];
    const answers = await this.attentionAmong([...asks.values()]);
    return new Map(keys.map((key, i) => [key, answers[i] ?? 'online']));
  }

  /** Live `notification` frames for newly stored notifications, with each user's unread count. */
  private async announce(items: NewNotification[]): Promise<void> {
    if (items.length === 0) return;
    const { store } = this.deps;
    const byUser = new Map<UserId, string[]>();
    for (const n of items) {
      const list = byUser.get(n.userId);
      if (list) list.push(n.id);
      else byUser.set(n.userId, [n.id]);
    }
    const counts = await store.notifications.unreadCounts([...byUser.keys()], NOTIFICATION_COUNT_CAP);
    for (const [userId, ids] of byUser) {
      const records = await store.notifications.getNotifications(userId, ids);
      for (const r of records.reverse()) this.publish(userId, { type: 'notification', notification: toNotification(r), unreadCount: counts.get(userId) ?? 0 });
    }
  }

  /**
   * Failing presence counts everyone as online and unfocused: an in-app notification too
   * many (the client marks it read if it shows the conversation) beats a missed one, and
   * a missed push beats pushing to someone at their screen.
   */
  private async attentionAmong(asks: { userId: UserId; conversationId: ConversationId }[]): Promise<Attention[]> {
    if (asks.length === 0) return [];
    try {
      return await this.deps.presence.attentionAmong(asks);
    } catch (err) {
      this.deps.log.warn({ err }, 'presence unavailable for notifications');
      return asks.map(() => 'online');
    }
  }
}

const attentionKey = (userId: UserId, conversationId: ConversationId) => `${userId}\n${conversationId}`;

function pushPayload(audience: AudienceRecord, m: MessageCreated['message'], senderName: string, mention: boolean): PushPayload {
  const text = clip(previewOf(m));
  return {
    type: 'message',
    conversationId: m.conversationId,
    messageId: m.id,
    conversationTitle: audience.kind === 'group' ? audience.title : null,
    senderName,
    preview: text,
    mention,
    sentAt: m.createdAt,
  };
}

/** A preview cut to PREVIEW_CHARS, marked with an ellipsis where cut. */
function clip(preview: string): string {
  return preview.length > PREVIEW_CHARS ? `${preview.slice(0, PREVIEW_CHARS - 1)}…` : preview;
}
