/**
 * A Parley device as a well-behaved client would be: hello with an access token,
 * a per-conversation seq watermark that drops what it already applied, catch-up via
 * the sync request after every (re)connect and on any gap, and an outbox that resends
 * unacknowledged sends with the same clientMessageId (exactly once from the user's view).
 * Written on raw `ws` rather than the SDK so the generator's own cost stays small and
 * equal for every target.
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@parley/protocol';
import type { ClientSpec } from './protocol';
import { decodeBody } from './protocol';
import { backoff, type BenchConn } from './conn';
import type { ReceiverBook } from './receiver-book';

interface WireEvent {
  conversationId: string;
  seq: number;
  type: string;
  /** Bench messages are text: content { title, body } (null once deleted). */
  message?: { content: { body: string } | null };
}

interface SyncReply {
  conversations: { id: string; events: WireEvent[]; receiptsVersion: number; lastSeq: number; hasMore: boolean }[];
  userSeq: number;
  hasMore: boolean;
}

interface Held {
  seq: number;
  receiptsVersion: number;
}

type Pending = { kind: 'send'; clientMessageId: string } | { kind: 'sync'; resolve: (r: SyncReply) => void; reject: (e: Error) => void } | { kind: 'ping' };

/** The SDK's catch-up debounce (packages/client/src/catch-up.ts). */
const GAP_SYNC_DELAY_MS = 50;

export class ParleyConn implements BenchConn {
  private ws: WebSocket | null = null;
  private welcomed = false;
  private syncing = false;
  private closing = false;
  private reqId = 0;
  private userSeq = 0;
  private readonly held = new Map<string, Held>();
  private buffered: WireEvent[] = [];
  /** A gap's sync waits this long for the missing push, as the SDK's catch-up does. */
  private gapTimer: NodeJS.Timeout | null = null;
  private readonly pending = new Map<number, Pending>();
  /** Sends not acknowledged yet, by clientMessageId, in send order. */
  private readonly unacked = new Map<string, { conversationId: string; body: string }>();

  constructor(
    readonly spec: ClientSpec,
    private readonly url: string,
    private readonly book: ReceiverBook,
  ) {}

  async connect(deadlineMs: number): Promise<void> {
    this.closing = false;
    for (let attempt = 0; ; attempt++) {
      try {
        // A server that accepts the socket but never answers must not hang the run: retry after a while.
        let timer: NodeJS.Timeout | undefined;
        const attempt = (async () => {
          await this.openOnce();
          await this.catchUp();
        })();
        await Promise.race([
          attempt,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('no welcome or catch-up within 20 s')), 20_000);
          }),
        ]).finally(() => clearTimeout(timer));
        return;
      } catch (err) {
        this.ws?.terminate();
        if (this.closing || Date.now() + 50 > deadlineMs) throw err;
        await new Promise((r) => setTimeout(r, backoff(attempt)));
      }
    }
  }

  private openOnce(): Promise<void> {
    const ws = new WebSocket(`${this.url}/ws`, { perMessageDeflate: false });
    this.ws = ws;
    this.welcomed = false;
    return new Promise((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: this.spec.token })));
      ws.on('message', (data) => {
        if (this.welcomed) return this.onFrame(data.toString());
        let frame: { type: string };
        try {
          frame = JSON.parse(data.toString()) as { type: string };
        } catch {
          return reject(new Error('bad frame before welcome'));
        }
        if (frame.type !== 'welcome') return reject(new Error(`expected welcome, got ${frame.type}`));
        this.welcomed = true;
        // A user chatting in one conversation has it open, as the web app tells the
        // server (focus): messages there are seen, so they raise no notification.
        if (this.spec.conversations.length === 1) this.focus(ws, this.spec.conversations[0]!);
        // Unacknowledged sends go again with the same clientMessageId: the server answers a repeat with the original.
        for (const [clientMessageId, m] of this.unacked) this.sendFrame(clientMessageId, m.conversationId, m.body);
        resolve();
      });
      ws.once('error', (err) => reject(err));
      ws.once('close', (code) => {
        reject(new Error(`closed ${code}`));
        if (this.ws !== ws) return; // an older socket, already replaced
        const wasWelcomed = this.welcomed;
        this.welcomed = false;
        this.failPending();
        if (wasWelcomed && !this.closing) {
          this.book.reconnects++;
          void this.connect(Date.now() + 60_000).catch(() => this.book.error('RECONNECT_FAILED'));
        }
      });
    });
  }

  /** Sync after what this device holds; live events wait in a buffer until it is done. */
  private async catchUp(): Promise<void> {
    this.syncing = true;
    try {
      const initial = this.held.size === 0;
      for (;;) {
        const reply = await this.request<SyncReply>('sync', {
          conversations: [...this.held].map(([id, h]) => ({ id, seq: h.seq, receiptsVersion: h.receiptsVersion })),
          userSeq: this.userSeq,
          unknown: initial ? 'heads' : 'events',
        });
        this.userSeq = reply.userSeq;
        let more = false;
        for (const c of reply.conversations) {
          let h = this.held.get(c.id);
          if (!h) this.held.set(c.id, (h = { seq: initial ? c.lastSeq : 0, receiptsVersion: c.receiptsVersion }));
          h.receiptsVersion = c.receiptsVersion;
          for (const ev of c.events) this.apply(ev);
          if (c.hasMore) more = true;
        }
        if (!more && !reply.hasMore) break;
      }
    } finally {
      this.syncing = false;
    }
    const later = this.buffered.sort((a, b) => a.seq - b.seq);
    this.buffered = [];
    for (const ev of later) this.onEvent(ev);
  }

  private request<T>(op: 'sync', data: unknown): Promise<T> {
    const id = ++this.reqId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { kind: 'sync', resolve: resolve as (r: SyncReply) => void, reject });
      this.ws!.send(JSON.stringify({ type: 'req', id, op, data }));
    });
  }

  private onFrame(text: string): void {
    let frame: { type: string; id?: number; ok?: boolean; data?: unknown; error?: { code: string }; event?: WireEvent };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      this.book.error('BAD_FRAME');
      return;
    }
    if (frame.type === 'event' && frame.event) return this.onEvent(frame.event);
    if (frame.type !== 'res' || typeof frame.id !== 'number') return;
    const p = this.pending.get(frame.id);
    if (!p) return;
    this.pending.delete(frame.id);
    if (p.kind === 'send') {
      if (frame.ok) {
        this.unacked.delete(p.clientMessageId);
        this.book.acks++;
      } else {
        this.book.error(frame.error?.code ?? 'UNKNOWN');
        // Retryable refusals (rate limits, overload) are resent after the next connect or by the storm driver; others are final.
        if (frame.error?.code !== 'RATE_LIMITED' && frame.error?.code !== 'UNAVAILABLE') this.unacked.delete(p.clientMessageId);
      }
    } else if (p.kind === 'sync') {
      if (frame.ok) p.resolve(frame.data as SyncReply);
      else p.reject(new Error(frame.error?.code ?? 'sync failed'));
    }
  }

  private onEvent(ev: WireEvent): void {
    if (this.syncing) {
      this.buffered.push(ev);
      return;
    }
    const h = this.held.get(ev.conversationId);
    if (h && ev.seq > h.seq + 1) {
      // A gap: held back until the missing push arrives (two nodes' publishes can cross)
      // or, if it has not after the SDK's debounce, fetched with a sync.
      this.buffered.push(ev);
      this.scheduleGapSync();
      return;
    }
    this.apply(ev);
    if (this.buffered.length > 0) this.releaseContiguous();
  }

  /** Applies the held-back events that no longer follow a gap; the others stay held. */
  private releaseContiguous(): void {
    const waiting = this.buffered.sort((a, b) => a.seq - b.seq);
    this.buffered = [];
    for (const ev of waiting) {
      const h = this.held.get(ev.conversationId);
      if (h && ev.seq > h.seq + 1) this.buffered.push(ev);
      else this.apply(ev);
    }
  }

  private scheduleGapSync(): void {
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.buffered.length === 0 || this.syncing || this.closing) return;
      this.book.error('GAP_SYNC');
      void this.catchUp().catch(() => this.book.error('SYNC_FAILED'));
    }, GAP_SYNC_DELAY_MS);
  }

  private apply(ev: WireEvent): void {
    let h = this.held.get(ev.conversationId);
    if (!h) this.held.set(ev.conversationId, (h = { seq: ev.seq - 1, receiptsVersion: 0 }));
    if (ev.seq <= h.seq) {
      this.book.redelivered++;
      return;
    }
    h.seq = ev.seq;
    if (ev.type === 'message.created' && ev.message?.content) {
      const m = decodeBody(ev.message.content.body);
      if (m) this.book.record(this.spec.index, m);
    }
  }

  send(conversationId: string, clientMessageId: string, body: string): void {
    this.unacked.set(clientMessageId, { conversationId, body });
    if (this.welcomed) this.sendFrame(clientMessageId, conversationId, body);
  }

  private sendFrame(clientMessageId: string, conversationId: string, body: string): void {
    const id = ++this.reqId;
    this.pending.set(id, { kind: 'send', clientMessageId });
    this.ws!.send(JSON.stringify({ type: 'req', id, op: 'send', data: { conversationId, clientMessageId, kind: 'text', content: { body } } }));
  }

  private focus(ws: WebSocket, conversationId: string): void {
    const id = ++this.reqId;
    this.pending.set(id, { kind: 'ping' });
    ws.send(JSON.stringify({ type: 'req', id, op: 'focus', data: { conversationId } }));
  }

  get unackedCount(): number {
    return this.unacked.size;
  }

  ping(): void {
    if (!this.welcomed || !this.ws) return;
    const id = ++this.reqId;
    this.pending.set(id, { kind: 'ping' });
    this.ws.send(JSON.stringify({ type: 'req', id, op: 'ping' }));
  }

  drop(): void {
    this.closing = true;
    this.welcomed = false;
    this.failPending();
    this.ws?.terminate();
  }

  private failPending(): void {
    for (const p of this.pending.values()) if (p.kind === 'sync') p.reject(new Error('closed'));
    this.pending.clear();
  }

  close(): void {
    this.closing = true;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.ws?.close();
  }
}
