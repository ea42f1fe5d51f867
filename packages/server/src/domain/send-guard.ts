/**
 * What a send must pass before anything is stored (DESIGN: bad input changes
 * nothing): the content filter's rules and blocks between the two members of a direct
 * conversation. It sits after the send rate limit and before the group commit.
 *
 * Cost on the hot path: the static rules are precompiled regexes; a group send adds no
 * query; a direct send adds one indexed read (is there a block either way), because a
 * conversation's kind and a direct conversation's two members never change and are
 * cached here after the first send.
 *
 * Exactly once still holds: when a send is refused, a message already stored under the
 * same (sender, clientMessageId) is the original of a retry and is returned instead,
 * exactly as the store's idempotency would have (one extra read, on refusals only).
 */
import type { ClientMessageId, ConversationId, Message, UserId } from '@parley/protocol';
import type { ConversationShape } from '../store/moderation-port';
import type { SendResult } from '../store/port';
import type { Deps } from './deps';
import { AppError } from './errors';
import { ContentFilter } from './content-filter';
import { RepeatGuard } from './repeat-guard';

const SHAPES_CACHED = 50_000;
const NO_RESERVATION = { ok: true, release: () => {} } as const;

export const DEFAULT_CONTENT_FILTER = { words: [], maxLinks: 5, blockedDomains: [], repeatMax: 3, repeatWindowSec: 60 };

export type Admission = { original: Message } | { original: null; settle(pending: Promise<SendResult>): Promise<SendResult> };

export class SendGuard {
  private readonly filter: ContentFilter;
  private readonly repeats: RepeatGuard;
  private readonly shapes = new Map<ConversationId, ConversationShape>();

  constructor(private readonly deps: Deps) {
    const cfg = deps.config.contentFilter ?? DEFAULT_CONTENT_FILTER;
    this.filter = new ContentFilter(cfg);
    this.repeats = new RepeatGuard({ max: cfg.repeatMax, windowMs: cfg.repeatWindowSec * 1000 });
  }

  /** The static rules, for edits. Throws CONTENT_REJECTED. */
  checkContent(title: string | null | undefined, body: string): void {
    const verdict = this.filter.check(title ? `${title}\n${body}` : body);
    if (verdict) throw new AppError('CONTENT_REJECTED', `refused by the content filter (${verdict.rule}): ${verdict.message}`);
  }

  async admit(
    senderId: UserId,
    req: { conversationId: ConversationId; clientMessageId: ClientMessageId; title?: string | null | undefined; body: string; attachmentIds?: readonly unknown[] | undefined },
  ): Promise<Admission> {
    try {
      this.checkContent(req.title, req.body);
      await this.checkBlocks(senderId, req.conversationId);
    } catch (err) {
      return this.originalOr(senderId, req.clientMessageId, err);
    }
    // Files sent one after another often share a caption: the repeat rule is for text alone.
    const reservation = req.attachmentIds?.length ? NO_RESERVATION : this.repeats.admit(senderId, req.body, req.clientMessageId, this.deps.clock());
    if (!reservation.ok) {
      const cfg = this.deps.config.contentFilter ?? DEFAULT_CONTENT_FILTER;
      const refusal = new AppError('CONTENT_REJECTED', `refused by the content filter (repeat): the same message more than ${cfg.repeatMax} times in ${cfg.repeatWindowSec} s`);
      return this.originalOr(senderId, req.clientMessageId, refusal);
    }
    return {
      original: null,
      settle: async (pending) => {
        try {
          const result = await pending;
          if (!result.ok) reservation.release();
          return result;
        } catch (err) {
          reservation.release();
          throw err;
        }
      },
    };
  }

  private async checkBlocks(senderId: UserId, conversationId: ConversationId): Promise<void> {
    const shape = await this.shape(conversationId);
    if (shape?.kind !== 'direct') return;
    const [a, b] = shape.members;
    // Not a member: the store answers 404, and this check must not reveal anything first.
    if (senderId !== a && senderId !== b) return;
    const other = senderId === a ? b : a;
    if (await this.deps.store.moderation.blockedEitherWay(senderId, other)) throw new AppError('BLOCKED', 'you cannot message this user');
  }

  private async shape(id: ConversationId): Promise<ConversationShape | null> {
    const cached = this.shapes.get(id);
    if (cached) return cached;
    const shape = await this.deps.store.moderation.conversationShape(id);
    // Unknown conversations are not cached: ids are random, caching misses would only let a client fill memory.
    if (!shape) return null;
    if (this.shapes.size >= SHAPES_CACHED) {
      const oldest = this.shapes.keys().next().value;
      if (oldest !== undefined) this.shapes.delete(oldest);
    }
    this.shapes.set(id, shape);
    return shape;
  }

  private async originalOr(senderId: UserId, clientMessageId: ClientMessageId, err: unknown): Promise<Admission> {
    if (!(err instanceof AppError)) throw err;
    const original = await this.deps.store.moderation.findSent(senderId, clientMessageId);
    if (original) return { original };
    throw err;
  }
}
