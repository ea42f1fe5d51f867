/**
 * What a send must pass before it goes to the group commit (DESIGN: bad input changes
 * nothing): the content filter's rules, and the repeat rule. It sits after the send rate
 * limit. Blocks between a direct conversation's two members are checked by the store in
 * the transaction that writes (BLOCKED), where a block and a send cannot race.
 *
 * Cost on the hot path: precompiled regexes and an in-memory repeat window; no query.
 *
 * Exactly once still holds: when a send is refused, a message already stored under the
 * same (sender, clientMessageId) is the original of a retry and is returned instead,
 * exactly as the store's idempotency would have (one extra read, on refusals only).
 */
import { readableFields, type ClientMessageId, type ConversationId, type Message, type TypedContent, type UserId } from '@parley/protocol';
import type { SendResult } from '../store/port';
import type { Deps } from './deps';
import { AppError } from './errors';
import { ContentFilter } from './content-filter';
import { RepeatGuard } from './repeat-guard';

const NO_RESERVATION = { ok: true, release: () => {} } as const;

export const DEFAULT_CONTENT_FILTER = { words: [], maxLinks: 5, blockedDomains: [], repeatMax: 3, repeatWindowSec: 60 };

export type Admission = { original: Message } | { original: null; settle(pending: Promise<SendResult>): Promise<SendResult> };

export class SendGuard {
  private readonly filter: ContentFilter;
  private readonly repeats: RepeatGuard;

  constructor(private readonly deps: Deps) {
    const cfg = deps.config.contentFilter ?? DEFAULT_CONTENT_FILTER;
    this.filter = new ContentFilter(cfg);
    this.repeats = new RepeatGuard({ max: cfg.repeatMax, windowMs: cfg.repeatWindowSec * 1000 });
  }

  /**
   * The static rules, for edits. Throws CONTENT_REJECTED. They read what the kind lets
   * the server read (message-kinds.ts): nothing of an encrypted message.
   */
  checkContent(typed: TypedContent): void {
    const text = filteredText(typed);
    const verdict = text === null ? null : this.filter.check(text);
    if (verdict) throw new AppError('CONTENT_REJECTED', `refused by the content filter (${verdict.rule}): ${verdict.message}`);
  }

  async admit(
    senderId: UserId,
    req: TypedContent & { conversationId: ConversationId; clientMessageId: ClientMessageId; attachmentIds?: readonly unknown[] | undefined },
  ): Promise<Admission> {
    try {
      this.checkContent(req);
    } catch (err) {
      return this.originalOr(senderId, req.clientMessageId, err);
    }
    // Files sent one after another often share a caption: the repeat rule is for text alone
    // (and for what the server can read: ciphertexts never repeat).
    const text = readableFields(req)[0]?.text;
    const reservation = req.attachmentIds?.length || text === undefined ? NO_RESERVATION : this.repeats.admit(senderId, text, req.clientMessageId, this.deps.clock());
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

  private async originalOr(senderId: UserId, clientMessageId: ClientMessageId, err: unknown): Promise<Admission> {
    if (!(err instanceof AppError)) throw err;
    const original = await this.deps.store.moderation.findSent(senderId, clientMessageId);
    if (original) return { original };
    throw err;
  }
}

/** What the content filter reads: every readable field; null when the server may read nothing. */
function filteredText(typed: TypedContent): string | null {
  const fields = readableFields(typed);
  return fields.length === 0 ? null : fields.map((f) => f.text).join('\n');
}
