/**
 * One WebSocket, from hello to close. It does not reconnect (the client does that):
 * it says hello, matches replies to requests by id, times requests out, pings on the
 * heartbeat and declares the socket dead when the server stays silent.
 *
 * Guarantees:
 * - `onClose` is called exactly once, whatever ends the socket (server close, network
 *   loss, heartbeat or hello timeout, a local close).
 * - Every pending request settles: with the reply, or with a retryable UNAVAILABLE
 *   error when the socket ends or the request times out (the request may still have
 *   been applied; retry with the same client ids).
 */
import {
  CLOSE,
  HEARTBEAT_INTERVAL_MS,
  PROTOCOL_VERSION,
  type ErrorBody,
  type PushFrame,
  type ReplyData,
  type RequestData,
  type RequestOp,
  type WelcomeFrame,
} from '@parley/protocol';
import { ParleyError, connectionLost } from './parley-error';

/** The part of the WebSocket API the SDK uses: the browser's WebSocket and the `ws` package both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  // Loosely typed on purpose: the DOM and `ws` declare different, narrower event types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: any) => void): void;
}
export type WebSocketCtor = new (url: string) => WebSocketLike;

export interface CloseInfo {
  code: number;
  reason: string;
  /** Whether the server had welcomed this socket. */
  welcomed: boolean;
}

export interface ConnectionOptions {
  url: string;
  WebSocket: WebSocketCtor;
  accessToken: string;
  onPush(frame: PushFrame): void;
  onClose(info: CloseInfo): void;
  /** Overrides the heartbeat the server announces (tests). */
  heartbeatMs?: number;
  requestTimeoutMs?: number;
  helloTimeoutMs?: number;
}

const OPEN = 1;
/** Close code the client uses for a socket it declares dead; in the reconnect range. */
const LOCAL_TIMEOUT = CLOSE.HEARTBEAT_TIMEOUT;
/** What a socket that ended without a close frame reports (network loss). */
const ABNORMAL = 1006;

interface Pending {
  resolve(data: unknown): void;
  reject(err: ParleyError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class Connection {
  private readonly ws: WebSocketLike;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private welcomed = false;
  private closed = false;
  /** When the unanswered ping was sent; null when none is outstanding. */
  private pingSentAt: number | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private helloTimer: ReturnType<typeof setTimeout> | null = null;
  private welcome!: { resolve(w: WelcomeFrame): void; reject(err: CloseInfo): void };
  readonly opened: Promise<WelcomeFrame>;

  constructor(private readonly opts: ConnectionOptions) {
    this.opened = new Promise<WelcomeFrame>((resolve, reject) => {
      this.welcome = { resolve, reject };
    });
    // The close is reported through onClose too; a caller that only awaits `opened` must not see an unhandled rejection.
    this.opened.catch(() => {});
    this.ws = new opts.WebSocket(opts.url);
    this.ws.addEventListener('open', () => this.onOpen());
    this.ws.addEventListener('message', (ev: { data: unknown }) => this.onMessage(ev.data));
    this.ws.addEventListener('close', (ev: { code?: number; reason?: string }) => this.finish(ev.code ?? ABNORMAL, ev.reason ?? ''));
    // An error is always followed by close in both implementations; nothing to do here
    // but the listener keeps `ws` from throwing on an unhandled 'error' event.
    this.ws.addEventListener('error', () => {});
    this.helloTimer = setTimeout(() => this.kill('hello timeout'), opts.helloTimeoutMs ?? 15_000);
  }

  get isWelcomed(): boolean {
    return this.welcomed && !this.closed;
  }

  /** Sends a request and waits for its reply. Rejects with the server's error as a ParleyError. */
  request<Op extends RequestOp>(op: Op, data: RequestData<Op>, timeoutMs = this.opts.requestTimeoutMs ?? 15_000): Promise<ReplyData[Op]> {
    if (!this.isWelcomed || this.ws.readyState !== OPEN) return Promise.reject(connectionLost('not connected'));
    const id = this.nextId++;
    return new Promise<ReplyData[Op]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(connectionLost('request timed out'));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (d: unknown) => void, reject, timer });
      try {
        this.ws.send(JSON.stringify({ type: 'req', id, op, data }));
      } catch {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(connectionLost('send failed'));
      }
    });
  }

  /** Closes the socket; onClose reports `code`. */
  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    try {
      this.ws.close(code, reason);
    } catch {
      /* already closing */
    }
    // Do not wait for the closing handshake: a dead network may never complete it.
    this.finish(code, reason);
  }

  private onOpen(): void {
    if (this.closed) return;
    this.ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: this.opts.accessToken }));
  }

  private onMessage(raw: unknown): void {
    if (this.closed) return;
    let frame: { type?: unknown; [k: string]: unknown };
    try {
      frame = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw as ArrayBuffer | Uint8Array));
    } catch {
      return; // not ours to crash on; the server never sends non-JSON
    }
    if (typeof frame !== 'object' || frame === null) return;
    switch (frame.type) {
      case 'welcome':
        return this.onWelcome(frame as unknown as WelcomeFrame);
      case 'res':
        return this.onReply(frame as { id: unknown; ok: boolean; data?: unknown; error?: ErrorBody });
      case 'event':
      case 'receipts':
      case 'typing':
      case 'presence':
      case 'user_event':
      case 'user':
      case 'notification':
        if (this.welcomed) this.opts.onPush(frame as unknown as PushFrame);
        return;
      default:
        return; // unknown frame types are ignored so servers can add pushes
    }
  }

  private onWelcome(w: WelcomeFrame): void {
    if (this.welcomed) return;
    this.welcomed = true;
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
    const interval = this.opts.heartbeatMs ?? (w.heartbeatMs > 0 ? w.heartbeatMs : HEARTBEAT_INTERVAL_MS);
    this.heartbeat = setInterval(() => this.beat(interval), interval);
    this.welcome.resolve(w);
  }

  private onReply(frame: { id: unknown; ok: boolean; data?: unknown; error?: ErrorBody }): void {
    if (typeof frame.id !== 'number') return; // id null: the server could not read a frame of ours
    const p = this.pending.get(frame.id);
    if (!p) return; // timed out already
    this.pending.delete(frame.id);
    clearTimeout(p.timer);
    if (frame.ok) p.resolve(frame.data);
    else p.reject(ParleyError.fromBody(frame.error ?? { code: 'INTERNAL', message: 'malformed error reply' }));
  }

  /**
   * Pings every interval, one ping at a time; a ping unanswered for two intervals means
   * the connection is dead. Judging by the outstanding ping rather than by silence keeps
   * a background tab, whose timers the browser delays, from killing a healthy socket.
   */
  private beat(interval: number): void {
    const now = Date.now();
    if (this.pingSentAt !== null) {
      if (now - this.pingSentAt >= 2 * interval) this.kill('heartbeat timeout');
      return;
    }
    this.pingSentAt = now;
    this.request('ping', {}, 4 * interval).then(
      () => {
        this.pingSentAt = null;
      },
      () => {
        // Unanswered: the next beat past two intervals declares the socket dead.
      },
    );
  }

  /** Drops the socket at once as lost (the network went away): the owner reconnects. */
  drop(reason: string): void {
    this.kill(reason);
  }

  private kill(reason: string): void {
    if (this.closed) return;
    const ws = this.ws as WebSocketLike & { terminate?: () => void };
    try {
      if (typeof ws.terminate === 'function') ws.terminate();
      else ws.close(LOCAL_TIMEOUT, reason);
    } catch {
      /* ignore */
    }
    this.finish(LOCAL_TIMEOUT, reason);
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.heartbeat = this.helloTimer = null;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(connectionLost());
    }
    this.pending.clear();
    const info: CloseInfo = { code, reason, welcomed: this.welcomed };
    if (!this.welcomed) this.welcome.reject(info);
    this.opts.onClose(info);
  }
}
