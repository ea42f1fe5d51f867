import type { UserId } from '@parley/protocol';
import type { WebSocket } from 'ws';

/** The session a socket's access token belongs to: what revoking it, or logging out everywhere, is checked against. */
export interface ConnectionSession {
  /** The token's sid (null for tokens older than the claim). */
  id: string | null;
  /** The user's sessionVersion the token carries; logging out everywhere moves it. */
  version: number;
}

/**
 * One authenticated socket. Pushes are pre-encoded Buffers shared by every recipient
 * (one serialization per fan-out). A socket whose unsent data passes the limit is
 * closed as a slow consumer: it reconnects and catches up from the store instead of
 * growing this process's memory without bound.
 */
export class ClientConnection {
  lastFrameAt: number;
  closed = false;
  /** Set once the gateway has removed it from routing and presence. */
  released = false;
  /**
   * Epoch ms at which the access token this socket last proved expires: the hello's,
   * then that of each `auth` renewal (the JWT's exp, from verification; one number per
   * connection, no timer). The gateway's sweep closes the socket with 4401 at this time.
   * Changed only through renewAccess().
   */
  accessExpiresAt: number;
  /** The session of the token the socket last proved (hello's, then each renewal's). Changed only through renewAccess(). */
  session: ConnectionSession;
  /**
   * Pushes routed to the socket before its welcome: routing must know the socket before
   * welcome (or an event in between would be missed), but the protocol promises welcome
   * as the first frame, and clients ignore anything before it. Null once welcomed.
   */
  private beforeWelcome: { frames: (Buffer | string)[]; bytes: number } | null = { frames: [], bytes: 0 };
  private writesHeld = false;

  constructor(
    readonly id: string,
    readonly userId: UserId,
    readonly ws: WebSocket,
    private readonly maxBufferedBytes: number,
    private readonly onSlow: (conn: ClientConnection) => void,
    now: number,
    /** The exp of the token the socket said hello with (see the field). */
    accessExpiresAt: number,
    session: ConnectionSession,
  ) {
    this.lastFrameAt = now;
    this.accessExpiresAt = accessExpiresAt;
    this.session = session;
  }

  /**
   * The socket showed another valid access token of its user (the `auth` request): it
   * may live until that token's expiry. Never moves the expiry back: two renewals whose
   * verifications finish out of order, or a still-valid older token, cannot shorten the
   * socket's life below what a token it already proved allows. The socket belongs from
   * now on to the session of the token it showed last (a client that logged in again
   * renews with its new session's token): revoking that session closes it.
   */
  renewAccess(expiresAt: number, session: ConnectionSession): number {
    if (expiresAt > this.accessExpiresAt) this.accessExpiresAt = expiresAt;
    this.session = session;
    return this.accessExpiresAt;
  }

  /** Returns false when the frame was not queued (socket closed or too slow). */
  push(frame: Buffer | string): boolean {
    if (this.closed) return false;
    const held = this.beforeWelcome;
    if (held) {
      if (held.bytes + frame.length > this.maxBufferedBytes) {
        this.onSlow(this);
        return false;
      }
      held.frames.push(frame);
      held.bytes += frame.length;
      return true;
    }
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.onSlow(this);
      return false;
    }
    this.holdWrites();
    this.ws.send(frame, { binary: false });
    return true;
  }

  /**
   * Frames pushed to this socket until the current tick's callbacks are done go out in
   * one write: a send's acknowledgement and its echo, or a commit batch's events, cost
   * one syscall instead of one per frame. Order and content do not change.
   */
  private holdWrites(): void {
    if (this.writesHeld) return;
    const socket = (this.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (!socket) return;
    this.writesHeld = true;
    socket.cork();
    process.nextTick(() => {
      this.writesHeld = false;
      socket.uncork();
    });
  }

  /** Sends the welcome, then what was pushed while the hello was being served, in order. */
  welcome(frame: string): void {
    const held = this.beforeWelcome;
    if (!held) throw new Error('welcomed twice');
    this.beforeWelcome = null;
    if (this.closed) return;
    this.ws.send(frame, { binary: false });
    for (const f of held.frames) this.ws.send(f, { binary: false });
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
    // A peer that never answers the close handshake must not hold the socket open.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }
}
