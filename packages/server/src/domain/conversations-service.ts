import type { Conversation, ConversationId, HistoryVisibility, Receipt, UserId } from '@parley/protocol';
import { AppError, notFound, refusalError } from './errors';
import type { Deps } from './deps';
import type { Fanout } from './fanout';
import { newConversationId } from './ids';
import { batchesInFlight, GroupCommit } from './group-commit';
import { ReceiptCoalescer } from './receipt-coalescer';
import { conversation, decodeCursor, encodeCursor } from './views';
import { StoreError, type WatermarkInput, type WatermarkResult } from '../store/port';
import { readAfter } from './rules/history-visibility';

/** Conversations, membership, per-member state (archive, watermarks). */
export class ConversationsService {
  private readonly receipts: ReceiptCoalescer;
  private readonly watermarks: GroupCommit<WatermarkInput, WatermarkResult>;

  constructor(
    private readonly deps: Deps,
    private readonly fanout: Fanout,
  ) {
    this.receipts = new ReceiptCoalescer(fanout);
    this.watermarks = new GroupCommit(
      (items) => deps.store.advanceWatermarks(items),
      deps.config.groupCommitMax,
      {
        afterCommit: (results) => {
          for (const r of results) if (r.ok && r.changed) this.receipts.add(r.receipt);
        },
        maxInFlight: batchesInFlight(deps.store),
      },
    );
  }

  async view(userId: UserId, id: ConversationId): Promise<Conversation> {
    const v = await this.deps.store.getConversationView(id, userId);
    if (!v) throw notFound('conversation not found');
    return conversation(v);
  }

  async list(userId: UserId, q: { archived: boolean; limit: number; cursor?: string | undefined }) {
    const cursor = decodeCursor(q.cursor);
    if (cursor === null) throw new AppError('BAD_REQUEST', 'invalid cursor');
    const views = await this.deps.store.listConversationViews(userId, { archived: q.archived, limit: q.limit + 1, ...(cursor ? { cursor } : {}) });
    const page = views.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      conversations: page.map(conversation),
      nextCursor: views.length > q.limit && last ? encodeCursor(last.updatedAt, last.id) : null,
    };
  }

  async openDirect(userId: UserId, otherId: UserId): Promise<{ conversation: Conversation; created: boolean }> {
    if (userId === otherId) throw new AppError('CONFLICT', 'a direct conversation needs another user');
    const other = await this.deps.store.getUser(otherId);
    if (!other) throw new AppError('USER_NOT_FOUND', 'no such user');
    if (await this.deps.store.moderation.blockedEitherWay(userId, otherId)) throw refusalError('blockedDirect');
    const { conversation: c, created, events } = await this.deps.store.getOrCreateDirect({ id: newConversationId(), a: userId, b: otherId, at: this.deps.clock() });
    this.fanout.events(events);
    return { conversation: await this.view(userId, c.id), created };
  }

  /** historyVisibility: absent means the default (newGroupVisibility in rules/history-visibility.ts). */
  async createGroup(ownerId: UserId, title: string, memberIds: readonly UserId[], historyVisibility?: HistoryVisibility): Promise<Conversation> {
    await this.requireNoBlocks(ownerId, memberIds);
    const at = this.deps.clock();
    const { conversation: c, events } = await this.deps.store
      .createGroup({ id: newConversationId(), ownerId, title: title.trim(), memberIds, maxMembers: this.deps.config.maxGroupMembers, ...(historyVisibility ? { historyVisibility } : {}), at })
      .catch(userNotFound);
    this.fanout.events(events);
    return this.view(ownerId, c.id);
  }

  async rename(actorId: UserId, id: ConversationId, title: string): Promise<Conversation> {
    this.fanout.events(await this.deps.store.renameGroup({ conversationId: id, actorId, title: title.trim(), at: this.deps.clock() }));
    return this.view(actorId, id);
  }

  /** Who reads what was said before they joined, for members who join from now on. */
  async setHistoryVisibility(actorId: UserId, id: ConversationId, historyVisibility: HistoryVisibility): Promise<Conversation> {
    this.fanout.events(await this.deps.store.setHistoryVisibility({ conversationId: id, actorId, historyVisibility, at: this.deps.clock() }));
    return this.view(actorId, id);
  }

  async addMembers(actorId: UserId, id: ConversationId, userIds: readonly UserId[]): Promise<Conversation> {
    await this.requireMember(actorId, id);
    await this.requireNoBlocks(actorId, userIds);
    const events = await this.deps.store
      .addMembers({ conversationId: id, actorId, userIds, maxMembers: this.deps.config.maxGroupMembers, at: this.deps.clock() })
      .catch(userNotFound);
    this.fanout.events(events);
    return this.view(actorId, id);
  }

  async removeMember(actorId: UserId, id: ConversationId, userId: UserId): Promise<void> {
    await this.requireMember(actorId, id);
    this.fanout.events(await this.deps.store.removeMember({ conversationId: id, actorId, userId, at: this.deps.clock() }));
  }

  async setRole(actorId: UserId, id: ConversationId, userId: UserId, role: 'admin' | 'member'): Promise<Conversation> {
    await this.requireMember(actorId, id);
    this.fanout.events(await this.deps.store.setMemberRole({ conversationId: id, actorId, userId, role, at: this.deps.clock() }));
    return this.view(actorId, id);
  }

  async setArchived(userId: UserId, id: ConversationId, archived: boolean): Promise<void> {
    const event = await this.deps.store.setArchived({ conversationId: id, userId, archived, at: this.deps.clock() });
    if (event) this.fanout.userEvent(userId, event);
  }

  /** Raises my delivered or read watermark; others (and my other devices) see the receipt. */
  async mark(userId: UserId, id: ConversationId, kind: 'delivered' | 'read', seq: number): Promise<Receipt> {
    const result = await this.watermarks.submit({ conversationId: id, userId, kind, seq });
    if (!result.ok) throw notFound('conversation not found');
    return result.receipt;
  }

  /**
   * Moves my read watermark and answers with the stored one (capped at the head, never
   * lowered). The receipt others see hides readSeq when I do not share read receipts;
   * my own answer never does.
   */
  async markRead(userId: UserId, id: ConversationId, seq: number): Promise<{ readSeq: number }> {
    const r = await this.mark(userId, id, 'read', seq);
    if (r.readSeq !== null) return { readSeq: r.readSeq };
    const me = await this.deps.store.getMember(id, userId);
    return { readSeq: me?.readSeq ?? 0 };
  }

  async markDelivered(userId: UserId, id: ConversationId, seq: number): Promise<{ deliveredSeq: number }> {
    const r = await this.mark(userId, id, 'delivered', seq);
    return { deliveredSeq: r.deliveredSeq };
  }

  /** The log after `after`, from where my reading starts: nothing before my join in a 'joined' group. */
  async events(userId: UserId, id: ConversationId, after: number, limit: number) {
    const member = await this.deps.store.getMember(id, userId);
    if (!member) throw notFound('conversation not found');
    return this.deps.store.eventsAfter(id, readAfter(member, after), limit);
  }

  async typing(userId: UserId, id: ConversationId, state: 'start' | 'stop'): Promise<void> {
    await this.requireMember(userId, id);
    this.fanout.typing(id, userId, state);
  }

  /** Commits pending watermarks and pushes pending receipts (when draining). */
  async flushReceipts(): Promise<void> {
    await this.watermarks.idle();
    this.receipts.flush();
  }

  /** Nobody adds to a group a user they blocked or who blocked them (moderation). */
  private async requireNoBlocks(actorId: UserId, userIds: readonly UserId[]): Promise<void> {
    if ((await this.deps.store.moderation.blockedAmong(actorId, userIds)).size > 0) throw refusalError('blockedMember');
  }

  /** A non-member gets NOT_FOUND: for them the conversation does not exist. */
  async requireMember(userId: UserId, id: ConversationId): Promise<void> {
    if (!(await this.deps.store.getMember(id, userId))) throw notFound('conversation not found');
  }
}

/**
 * createGroup and addMembers (after requireMember) can only miss a *user*: say so with
 * USER_NOT_FOUND rather than a NOT_FOUND that reads as "no such conversation".
 */
function userNotFound(err: unknown): never {
  if (err instanceof StoreError && err.code === 'NOT_FOUND') throw new AppError('USER_NOT_FOUND', 'no such user');
  throw err;
}
