/**
 * A bare WebSocket client for server tests (the `ws` package, no SDK): it records every
 * frame the server sends, in order, and lets a test wait for a reply by id, for a push
 * matching a predicate, or for the close code.
 *
 * "Nothing was pushed" is asserted without sleeping: do the bad thing, then a good
 * thing that is pushed (a barrier), wait for the barrier's push and check nothing
 * else arrived in between (pushesSince(mark)).
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type PushFrame, type WelcomeFrame } from '@parley/protocol';

export interface Closed {
  code: number;
  reason: string;
}

type Frame = Record<string, any>;
type Waiter = { pred: (f: Frame) => boolean; from: number; resolve: (f: Frame) => void; reject: (e: Error) => void };

const DEFAULT_WAIT_MS = 20_000;

export class RawSocket {
  /** Every frame received, in arrival order. */
  readonly frames: Frame[] = [];
  readonly closed: Promise<Closed>;
  /** Non-JSON text the server sent (should stay empty). */
  readonly garbage: string[] = [];
  private waiters: Waiter[] = [];
  private closeInfo: Closed | null = null;
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        // Nothing more will arrive: fail the waits now rather than at their timeout.
        for (const w of this.waiters.splice(0)) w.reject(new SocketClosedError(this.closeInfo));
      });
    });
    ws.on('error', () => {
      /* surfaced through `closed` */
    });
    ws.on('message', (data) => {
      let f: Frame;
      try {
        f = JSON.parse(data.toString()) as Frame;
      } catch {
        this.garbage.push(data.toString());
        return;
      }
      const index = this.frames.push(f) - 1;
      for (const w of [...this.waiters]) {
        if (index >= w.from && w.pred(f)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(f);
        }
      }
    });
  }

  static open(url: string): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
      const sock = new RawSocket(ws);
      ws.once('open', () => resolve(sock));
      ws.once('error', reject);
    });
  }

  /** Opens, says hello and waits for welcome. */
  static async connect(url: string, token: string): Promise<RawSocket> {
    const sock = await RawSocket.open(url);
    await sock.hello(token);
    return sock;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  send(frame: unknown): void {
    this.sendRaw(JSON.stringify(frame));
  }

  async hello(token: string, protocol: number = PROTOCOL_VERSION): Promise<WelcomeFrame> {
    this.send({ type: 'hello', protocol, token });
    return (await this.waitFrame((f) => f.type === 'welcome')) as WelcomeFrame;
  }

  /** Sends a request frame and resolves with its reply ({ ok, data } or { ok: false, error }). */
  async request(op: string, data?: unknown, id: string | number = `r${this.nextId++}`): Promise<Frame> {
    const from = this.frames.length;
    this.send(data === undefined ? { type: 'req', id, op } : { type: 'req', id, op, data });
    return this.waitFrame((f) => f.type === 'res' && f.id === id, from);
  }

  /** Like request, but throws unless the reply is ok; returns its data. */
  async ok(op: string, data?: unknown): Promise<any> {
    const res = await this.request(op, data);
    if (!res.ok) throw new Error(`${op} failed: ${JSON.stringify(res.error)}`);
    return res.data;
  }

  /** Resolves with the first frame at index >= from matching pred (already received or future). */
  waitFrame(pred: (f: Frame) => boolean, from = 0, timeoutMs = DEFAULT_WAIT_MS): Promise<Frame> {
    for (let i = from; i < this.frames.length; i++) if (pred(this.frames[i]!)) return Promise.resolve(this.frames[i]!);
    if (this.closeInfo) return Promise.reject(new SocketClosedError(this.closeInfo));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pred,
        from,
        resolve: (f) => (clearTimeout(timer), resolve(f)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching frame within ${timeoutMs} ms (closed: ${JSON.stringify(this.closeInfo)}); got ${JSON.stringify(this.frames.slice(from)).slice(0, 2000)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Index to pass to pushesSince / waitPush: "from now on". */
  mark(): number {
    return this.frames.length;
  }

  waitPush(pred: (f: PushFrame & Frame) => boolean, from = 0, timeoutMs?: number): Promise<PushFrame & Frame> {
    return this.waitFrame((f) => isPush(f) && pred(f as PushFrame & Frame), from, timeoutMs) as Promise<PushFrame & Frame>;
  }

  /** A conversation event push with this type (and seq, when given). */
  waitEvent(conversationId: string, type: string, from = 0, seq?: number): Promise<any> {
    return this.waitPush(
      (f) => f.type === 'event' && f.event.conversationId === conversationId && f.event.type === type && (seq === undefined || f.event.seq === seq),
      from,
    ).then((f) => (f as { event: unknown }).event);
  }

  pushesSince(mark: number, type?: PushFrame['type']): (PushFrame & Frame)[] {
    return this.frames.slice(mark).filter((f) => isPush(f) && (type === undefined || f.type === type)) as (PushFrame & Frame)[];
  }

  /** Conversation events pushed since mark (any conversation unless named). */
  eventsSince(mark: number, conversationId?: string): any[] {
    return this.pushesSince(mark, 'event')
      .map((f) => (f as { event: any }).event)
      .filter((e) => conversationId === undefined || e.conversationId === conversationId);
  }

  async close(): Promise<Closed> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/** A wait ended because the socket closed before a matching frame arrived. */
export class SocketClosedError extends Error {
  constructor(readonly closed: Closed) {
    super(`socket closed (${closed.code}) before the awaited frame arrived`);
    this.name = 'SocketClosedError';
  }
}

function isPush(f: Frame): boolean {
  return f.type === 'event' || f.type === 'receipts' || f.type === 'typing' || f.type === 'presence' || f.type === 'user_event' || f.type === 'user';
}
