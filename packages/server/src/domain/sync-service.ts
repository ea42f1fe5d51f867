import { LIMITS, type SyncResponse, type UserId } from '@parley/protocol';
import type { Deps } from './deps';
import { readAfter } from './rules/history-visibility';

type SyncConversation = SyncResponse['conversations'][number];

export interface SyncInput {
  conversations: { id: string; seq: number; receiptsVersion: number }[];
  userSeq: number;
  unknown: 'events' | 'heads';
}

/**
 * Catch-up (DESIGN.md invariant 4). The client names the seqs it holds; the answer is
 * exactly what happened after them. The cost is one indexed read of the user's
 * conversation heads plus the missed events themselves, capped per call (hasMore).
 * It reads only the store, so it works on any node.
 */
export class SyncService {
  constructor(private readonly deps: Deps) {}

  async sync(userId: UserId, req: SyncInput): Promise<SyncResponse> {
    const { store } = this.deps;
    const held = new Map(req.conversations.map((c) => [c.id, c]));
    const heads = await store.conversationHeads(userId);
    let budget: number = LIMITS.syncEventsMax;
    let hasMore = false;
    const out: SyncConversation[] = [];

    for (const head of heads) {
      const mine = held.get(head.id);
      held.delete(head.id);
      if (!mine && req.unknown === 'heads') {
        out.push({ id: head.id, events: [], receiptsVersion: head.receiptsVersion, lastSeq: head.lastSeq, hasMore: false, removed: false, visibleFromSeq: head.visibleFromSeq });
        continue;
      }
      // Never before where my reading starts: a client holding less moves up to it.
      const from = readAfter(head, mine?.seq ?? 0);
      const eventsBehind = head.lastSeq > from;
      const receiptsBehind = !mine || head.receiptsVersion > mine.receiptsVersion;
      if (!eventsBehind && !receiptsBehind) continue;

      let events: SyncConversation['events'] = [];
      let more = false;
      if (eventsBehind) {
        if (budget === 0) {
          hasMore = true;
          continue;
        }
        const page = await store.eventsAfter(head.id, from, budget);
        events = page.events;
        more = page.hasMore;
        budget -= events.length;
        if (more) hasMore = true;
      }
      const entry: SyncConversation = { id: head.id, events, receiptsVersion: head.receiptsVersion, lastSeq: head.lastSeq, hasMore: more, removed: false, visibleFromSeq: head.visibleFromSeq };
      if (receiptsBehind) {
        const r = await store.receipts(head.id);
        entry.receipts = r.receipts;
        entry.receiptsVersion = r.receiptsVersion;
      }
      out.push(entry);
    }
    // What the client still holds but is no longer a member of.
    for (const gone of held.values()) {
      out.push({ id: gone.id as SyncConversation['id'], events: [], receiptsVersion: 0, lastSeq: 0, hasMore: false, removed: true });
    }

    const user = await store.userEventsAfter(userId, req.userSeq, LIMITS.syncEventsMax);
    if (user.hasMore) hasMore = true;
    return { conversations: out, userEvents: user.events, userSeq: user.userSeq, hasMore };
  }
}
