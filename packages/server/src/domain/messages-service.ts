import { searchTextOf, type AttachmentId, type ClientMessageId, type ConversationId, type Message, type MessageId, type TypedContent, type UserId } from '@parley/protocol';
import { AppError, notFound, refusalError } from './errors';
import type { Deps } from './deps';
import type { Fanout } from './fanout';
import { newMessageId } from './ids';
import { batchesInFlight, GroupCommit } from './group-commit';
import { SendGuard } from './send-guard';
import { checkClientKind } from './rules/send-rights';
import { decodeCursor, encodeCursor, publicUser } from './views';
import type { SendInput, SendResult } from '../store/port';

/** A send as parsed from SendBody / SendData: kind and content of message-kinds.ts, and relations. */
export type SendRequest = TypedContent & {
  conversationId: ConversationId;
  clientMessageId: ClientMessageId;
  replyTo?: MessageId | undefined;
  threadRootId?: MessageId | undefined;
  targetId?: MessageId | undefined;
  attachmentIds?: readonly AttachmentId[] | undefined;
};

/** Messages: sending (group-committed), editing, deleting, history and mailboxes. */
export class MessagesService {
  /** Group commits in parallel, each conversation always in the same one (see laneOf). */
  private readonly lanes: GroupCommit<SendInput, SendResult>[];
  private readonly guard: SendGuard;

  constructor(
    private readonly deps: Deps,
    private readonly fanout: Fanout,
  ) {
    this.guard = new SendGuard(deps);
    const afterCommit = (results: readonly SendResult[]) => {
      deps.metrics.commitBatchSize.observe(results.length);
      for (const r of results) {
        if (!r.ok) continue;
        if (r.event) {
          this.fanout.events([r.event]);
          deps.metrics.messagesSent.inc();
        } else {
          // A retry: the first attempt may have committed on a node that died before
          // publishing it. Publishing it again is free for clients (they drop seqs they
          // hold) and otherwise the others would only see it at their next catch-up.
          const m = r.message;
          this.fanout.republish({ type: 'message.created', conversationId: m.conversationId, seq: m.seq, actorId: m.senderId, at: m.createdAt, message: m });
        }
      }
    };
    const lanes = Math.max(1, deps.config.groupCommitLanes ?? 1);
    this.lanes = Array.from(
      { length: lanes },
      () => new GroupCommit((items: SendInput[]) => deps.store.appendMessages(items), deps.config.groupCommitMax, { afterCommit, maxInFlight: batchesInFlight(deps.store) }),
    );
  }

  /** Rate limits are the operations table's (operations/messages.ts): HTTP and WebSocket sends count under one key. */
  async send(senderId: UserId, req: SendRequest): Promise<{ message: Message; duplicate: boolean }> {
    checkClientKind(req.kind);
    const admitted = await this.guard.admit(senderId, req);
    if (admitted.original) return { message: admitted.original, duplicate: true };
    const at = this.deps.clock();
    const result: SendResult = await admitted.settle(this.laneOf(req.conversationId).submit({
      conversationId: req.conversationId,
      senderId,
      clientMessageId: req.clientMessageId,
      messageId: newMessageId(),
      kind: req.kind,
      content: req.content,
      searchText: searchTextOf(req),
      replyTo: req.replyTo ?? null,
      threadRootId: req.threadRootId ?? null,
      targetId: req.targetId ?? null,
      at,
      ...(req.attachmentIds?.length ? { attachmentIds: req.attachmentIds } : {}),
    }));
    if (!result.ok && result.code === 'BLOCKED') throw refusalError('blockedDirect');
    if (!result.ok && result.code === 'ATTACHMENT_INVALID') throw new AppError('ATTACHMENT_INVALID', 'an attachment is unknown, not yours, or already sent');
    if (!result.ok && result.code === 'RELATION_INVALID') throw new AppError('RELATION_INVALID', 'replyTo, threadRootId or targetId names no message this one may relate to');
    if (!result.ok) throw notFound('conversation not found');
    return { message: result.message, duplicate: result.duplicate };
  }

  /** New content of the message's own kind (checkEdit refuses another kind with CONFLICT). */
  async edit(actorId: UserId, conversationId: ConversationId, messageId: MessageId, input: TypedContent): Promise<Message> {
    this.guard.checkContent(input);
    const { message, event } = await this.deps.store.editMessage({
      conversationId,
      messageId,
      actorId,
      kind: input.kind,
      content: input.content,
      searchText: searchTextOf(input),
      at: this.deps.clock(),
    });
    this.fanout.events([event]);
    return message;
  }

  async delete(actorId: UserId, conversationId: ConversationId, messageId: MessageId, scope: 'me' | 'everyone'): Promise<void> {
    const at = this.deps.clock();
    if (scope === 'everyone') {
      const event = await this.deps.store.deleteMessageForEveryone({ conversationId, messageId, actorId, at });
      this.fanout.events([event]);
    } else {
      const event = await this.deps.store.hideMessage({ conversationId, messageId, userId: actorId, at });
      this.fanout.userEvent(actorId, event);
    }
  }

  history(viewerId: UserId, conversationId: ConversationId, q: { before?: number | undefined; after?: number | undefined; limit: number }) {
    return this.deps.store.history({ conversationId, viewerId, limit: q.limit, ...(q.before !== undefined ? { before: q.before } : {}), ...(q.after !== undefined ? { after: q.after } : {}) });
  }

  async mailbox(userId: UserId, box: 'received' | 'sent', q: { limit: number; cursor?: string | undefined }) {
    const cursor = decodeCursor(q.cursor);
    if (cursor === null) throw new AppError('BAD_REQUEST', 'invalid cursor');
    const items = await this.deps.store.mailbox({ userId, box, limit: q.limit + 1, ...(cursor ? { cursor } : {}) });
    const page = items.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      messages: page.map((m) => ({ ...m, sender: publicUser(m.sender) })),
      nextCursor: items.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /** Every send acknowledged before this resolves has been committed (used when draining). */
  drained(): Promise<void> {
    return Promise.all(this.lanes.map((l) => l.idle())).then(() => {});
  }

  /**
   * A conversation's sends always go through the same lane, so they are committed and
   * fanned out in order; different lanes commit at once (on PostgreSQL, on different
   * connections and, holding different conversation locks, without waiting on each other).
   */
  private laneOf(conversationId: ConversationId): GroupCommit<SendInput, SendResult> {
    if (this.lanes.length === 1) return this.lanes[0]!;
    let h = 0;
    for (let i = 0; i < conversationId.length; i++) h = (h * 31 + conversationId.charCodeAt(i)) | 0;
    return this.lanes[(h >>> 0) % this.lanes.length]!;
  }
}
