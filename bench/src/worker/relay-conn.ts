/**
 * A client of the bare relay: connects with its id and rooms, sends the same frame
 * shape as a Parley send request (the addressee in data.to), and reads data.body from
 * whatever the relay forwards. The relay stores nothing and acknowledges nothing; the
 * durable floor speaks the same protocol and acknowledges each send after its commit.
 * Neither has catch-up.
 */
import WebSocket from 'ws';
import type { ClientSpec } from './protocol';
import { backoff, type BenchConn } from './conn';
import type { ReceiverBook } from './receiver-book';
import { decodeBody } from './protocol';

export class RelayConn implements BenchConn {
  private ws: WebSocket | null = null;
  private open = false;
  private queued: string[] = [];
  private reqId = 0;
  private closing = false;

  constructor(
    readonly spec: ClientSpec,
    private readonly url: string,
    private readonly book: ReceiverBook,
  ) {}

  async connect(deadlineMs: number): Promise<void> {
    this.closing = false;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.openOnce();
        return;
      } catch (err) {
        if (Date.now() + 50 > deadlineMs) throw err;
        await new Promise((r) => setTimeout(r, backoff(attempt)));
      }
    }
  }

  private openOnce(): Promise<void> {
    const rooms = this.spec.conversations.join(',');
    const ws = new WebSocket(`${this.url}/?id=${encodeURIComponent(this.spec.relayId)}&rooms=${encodeURIComponent(rooms)}`, { perMessageDeflate: false });
    this.ws = ws;
    ws.on('message', (data) => this.onFrame(data.toString()));
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        this.open = true;
        for (const f of this.queued.splice(0)) ws.send(f);
        resolve();
      });
      ws.once('error', (err) => reject(err));
      ws.once('close', () => {
        const wasOpen = this.open;
        this.open = false;
        if (wasOpen && !this.closing && this.ws === ws) {
          this.book.reconnects++;
          void this.connect(Date.now() + 60_000).catch(() => this.book.error('RECONNECT_FAILED'));
        }
        reject(new Error('closed'));
      });
    });
  }

  private onFrame(text: string): void {
    let frame: { type?: unknown; data?: { body?: unknown } };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      this.book.error('BAD_FRAME');
      return;
    }
    if (frame.type === 'res') {
      this.book.acks++; // the durable floor acknowledges after its commit; the relay never does
      return;
    }
    const body = frame.data?.body;
    if (typeof body !== 'string') return;
    const m = decodeBody(body);
    if (m) this.book.record(this.spec.index, m);
  }

  send(conversationId: string, clientMessageId: string, body: string): void {
    const frame = JSON.stringify({ type: 'req', id: ++this.reqId, op: 'send', data: { to: `r:${conversationId}`, clientMessageId, body } });
    if (this.open && this.ws) this.ws.send(frame);
    else this.queued.push(frame);
  }

  drop(): void {
    this.closing = true;
    this.open = false;
    this.ws?.terminate();
  }

  close(): void {
    this.closing = true;
    this.open = false;
    this.ws?.close();
  }

  ping(): void {
    /* the relay has no heartbeat */
  }
}
