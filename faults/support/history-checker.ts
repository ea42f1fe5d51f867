/**
 * Records what every SDK client did and saw during a fault scenario, then checks it
 * against what the cluster stored (read back through the API):
 *
 * - every acknowledged send is stored exactly once, with the acknowledged id and seq;
 * - no acknowledgement (ok reply seen on the wire) without a stored message;
 * - no stored message with a duplicate client id, and none that nobody sent;
 * - the stored event log of each conversation is gapless (seq 1..head);
 * - each member received, after its baseline, every event exactly once, in seq order,
 *   and the same event at each seq as everyone else (the stored one);
 * - optionally, every send was eventually acknowledged (the outbox delivered it).
 *
 * check() returns the violations as readable lines, so a failing test shows them all.
 */
import type { ClientMessageId, ConversationEvent, ConversationId, Message, UserId } from '@parley/protocol';
import type { ParleyClient } from '@parley/client';

export interface SendRecord {
  client: string;
  senderId: UserId;
  conversationId: ConversationId;
  clientMessageId: ClientMessageId;
  sentAt: number;
  ack?: { id: string; seq: number; at: number };
  /** Set when `done` rejected (a non-retryable error: the outbox gave up). */
  failed?: string;
}

/** A reply to a send request as seen on the wire (before the SDK interprets it). */
export interface SendReply {
  client: string;
  clientMessageId: string;
  ok: boolean;
  code?: string;
  message?: { id: string; seq: number; conversationId: string };
  at: number;
  /** How many times the send had been written to a socket when this reply arrived. */
  attempt: number;
}

interface Watched {
  name: string;
  userId: UserId;
  client: ParleyClient;
  conversations: Map<ConversationId, { baseline: number; events: ConversationEvent[] }>;
}

export interface StoredConversation {
  events: ConversationEvent[];
  messages: Message[];
}

export class HistoryRecorder {
  readonly sends = new Map<ClientMessageId, SendRecord>();
  readonly replies: SendReply[] = [];
  /** Send requests written to a socket, per client id: more than one means the outbox retried. */
  readonly attempts = new Map<string, number>();
  /** When each client id was first written to a socket. */
  readonly firstAttemptAt = new Map<string, number>();
  readonly closes: { client: string; code: number; at: number }[] = [];
  /** Each client's current WebSocket, by its local TCP port (what a proxy sees as the peer). */
  readonly localPorts = new Map<string, number>();
  /** Conversation events that reached each client as pushes ("client/conversation/seq"). */
  readonly pushed = new Set<string>();
  private readonly watched = new Map<string, Watched>();

  /**
   * Starts recording a connected client's events for `conversationIds`. Call right after
   * connect() resolves: what it holds then is its baseline (earlier history is paged in
   * over REST by apps, not pushed).
   */
  watch(name: string, client: ParleyClient, userId: UserId, conversationIds: readonly ConversationId[]): void {
    const w: Watched = { name, userId, client, conversations: new Map() };
    for (const id of conversationIds) w.conversations.set(id, { baseline: client.heldSeq(id), events: [] });
    client.on('event', (e) => w.conversations.get(e.conversationId)?.events.push(e));
    this.watched.set(name, w);
  }

  /** Sends through the client's outbox and records the send and its outcome. */
  send(name: string, conversationId: ConversationId, body: string): Promise<void> {
    const w = this.watched.get(name);
    if (!w) throw new Error(`unknown client ${name}`);
    const { clientMessageId, done } = w.client.send(conversationId, { kind: 'text', content: { body } });
    const rec: SendRecord = { client: name, senderId: w.userId, conversationId, clientMessageId, sentAt: Date.now() };
    this.sends.set(clientMessageId, rec);
    return done.then(
      (m) => {
        rec.ack = { id: m.id, seq: m.seq, at: Date.now() };
      },
      (err: unknown) => {
        rec.failed = (err as { code?: string }).code ?? String(err);
      },
    );
  }

  get pending(): SendRecord[] {
    return [...this.sends.values()].filter((s) => !s.ack && !s.failed);
  }

  get acked(): SendRecord[] {
    return [...this.sends.values()].filter((s) => s.ack);
  }

  /**
   * Events a client applied that never reached it as a push: recovered by catch-up (the
   * SDK noticed the gap in seqs and synced). Counted over all watched clients.
   */
  recoveredBySync(): number {
    let n = 0;
    for (const w of this.watched.values()) {
      for (const [cid, got] of w.conversations) for (const e of got.events) if (!this.pushed.has(`${w.name}/${cid}/${e.seq}`)) n++;
    }
    return n;
  }

  /** Sends of these clients written to the wire at least `olderThanMs` ago and not acknowledged yet. */
  inFlight(clients: ReadonlySet<string>, olderThanMs = 0): SendRecord[] {
    const before = Date.now() - olderThanMs;
    return this.pending.filter((s) => clients.has(s.client) && (this.firstAttemptAt.get(s.clientMessageId) ?? Infinity) <= before);
  }

  /** Whether the reply to a send's first attempt reached its client (an ack that was already on its way). */
  firstAttemptAnswered(clientMessageId: string): boolean {
    return this.replies.some((r) => r.clientMessageId === clientMessageId && r.attempt === 1);
  }

  /** Client ids sent more than once on the wire (retries with the same id). */
  retried(): string[] {
    return [...this.attempts].filter(([, n]) => n > 1).map(([id]) => id);
  }

  /** Error codes of send replies on the wire, with counts. */
  replyErrorCodes(): Map<string, number> {
    const m = new Map<string, number>();
    for (const r of this.replies) if (!r.ok) m.set(r.code ?? '?', (m.get(r.code ?? '?') ?? 0) + 1);
    return m;
  }

  /** Whether every watched client has applied events up to `heads` (conversation → last seq). */
  caughtUp(heads: ReadonlyMap<ConversationId, number>): boolean {
    for (const w of this.watched.values()) {
      for (const [id] of w.conversations) {
        const head = heads.get(id);
        if (head !== undefined && w.client.heldSeq(id) < head) return false;
      }
    }
    return true;
  }

  /** Behind clients, for a readable timeout message. */
  lagging(heads: ReadonlyMap<ConversationId, number>): string[] {
    const out: string[] = [];
    for (const w of this.watched.values()) {
      for (const [id] of w.conversations) {
        const head = heads.get(id) ?? 0;
        const held = w.client.heldSeq(id);
        if (held < head) {
          let lastPush = 0;
          for (let seq = head; seq > 0 && lastPush === 0; seq--) if (this.pushed.has(`${w.name}/${id}/${seq}`)) lastPush = seq;
          out.push(`${w.name} holds ${held}/${head} of ${id} (status ${w.client.status}, newest push seen ${lastPush})`);
        }
      }
    }
    return out;
  }

  check(stored: ReadonlyMap<ConversationId, StoredConversation>, opts: { requireAllAcked: boolean }): string[] {
    const v: string[] = [];
    const storedByClientId = new Map<string, Message[]>();
    const seqToEvent = new Map<ConversationId, Map<number, ConversationEvent>>();

    for (const [cid, conv] of stored) {
      // The log itself: seq 1..n without a hole or a repeat.
      const bySeq = new Map<number, ConversationEvent>();
      conv.events.forEach((e, i) => {
        if (e.seq !== i + 1) v.push(`${cid}: stored event #${i + 1} has seq ${e.seq} (log not gapless)`);
        bySeq.set(e.seq, e);
      });
      seqToEvent.set(cid, bySeq);
      for (const m of conv.messages) {
        const key = `${m.senderId}/${m.clientMessageId}`;
        const list = storedByClientId.get(key) ?? [];
        list.push(m);
        storedByClientId.set(key, list);
        const e = bySeq.get(m.seq);
        if (!e || e.type !== 'message.created' || e.message.id !== m.id) v.push(`${cid}: message ${m.id} at seq ${m.seq} has no matching message.created event`);
        if (!this.sends.has(m.clientMessageId)) v.push(`${cid}: stored message ${m.id} has client id ${m.clientMessageId} that nobody sent`);
      }
    }
    for (const [key, list] of storedByClientId) {
      if (list.length > 1) v.push(`client id ${key} stored ${list.length} times (seqs ${list.map((m) => m.seq).join(',')})`);
    }

    for (const s of this.sends.values()) {
      const found = storedByClientId.get(`${s.senderId}/${s.clientMessageId}`) ?? [];
      if (s.ack) {
        if (found.length !== 1) v.push(`acknowledged send ${s.clientMessageId} (${s.client}) stored ${found.length} times`);
        else if (found[0]!.id !== s.ack.id || found[0]!.seq !== s.ack.seq) v.push(`acknowledged send ${s.clientMessageId} acked as ${s.ack.id}@${s.ack.seq}, stored as ${found[0]!.id}@${found[0]!.seq}`);
      } else if (opts.requireAllAcked) {
        v.push(`send ${s.clientMessageId} (${s.client}) never acknowledged${s.failed ? ` (failed: ${s.failed})` : ''}; stored ${found.length} times`);
      }
    }
    for (const r of this.replies) {
      if (!r.ok || !r.message) continue;
      const e = seqToEvent.get(r.message.conversationId as ConversationId)?.get(r.message.seq);
      if (!e || e.type !== 'message.created' || e.message.id !== r.message.id) v.push(`ok reply for ${r.clientMessageId} (${r.client}) names ${r.message.id}@${r.message.seq}, which is not stored`);
    }

    for (const w of this.watched.values()) {
      for (const [cid, got] of w.conversations) {
        const log = seqToEvent.get(cid);
        if (!log) continue;
        const head = log.size;
        const seqs = got.events.map((e) => e.seq);
        const expected = Array.from({ length: Math.max(0, head - got.baseline) }, (_, i) => got.baseline + 1 + i);
        if (seqs.length !== expected.length || seqs.some((s, i) => s !== expected[i])) {
          v.push(`${w.name} in ${cid}: received seqs ${summarize(seqs)}, expected ${summarize(expected)} (baseline ${got.baseline})`);
        }
        const ids = new Set<string>();
        for (const e of got.events) {
          const want = log.get(e.seq);
          if (!want || want.type !== e.type || eventKey(want) !== eventKey(e)) v.push(`${w.name} in ${cid}: seq ${e.seq} is ${eventKey(e)}, stored ${want ? eventKey(want) : 'nothing'}`);
          if (e.type === 'message.created') {
            if (ids.has(e.message.id)) v.push(`${w.name} in ${cid}: message ${e.message.id} received twice`);
            ids.add(e.message.id);
          }
        }
      }
    }
    return v;
  }
}

function eventKey(e: ConversationEvent): string {
  return e.type === 'message.created' ? `message ${e.message.id}` : e.type;
}

/** "1..40,42,45..50" for long seq lists. */
function summarize(seqs: number[]): string {
  if (seqs.length === 0) return '[]';
  const parts: string[] = [];
  let start = seqs[0]!;
  let prev = start;
  for (const s of [...seqs.slice(1), NaN]) {
    if (s === prev + 1) {
      prev = s;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}..${prev}`);
    start = prev = s;
  }
  return `[${parts.join(',')}]`;
}
