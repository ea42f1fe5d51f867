/**
 * Runs one request frame from an authenticated socket and replies with the same id.
 * Invalid frames get an error reply (BAD_REQUEST, PAYLOAD_TOO_LARGE...) and change
 * nothing; a socket that keeps sending garbage is closed.
 */
import { CLOSE, RequestFrame, findIllFormedString, type ErrorBody, type ReplyData, type ReplyFrame, type RequestOp } from '@parley/protocol';
import type { RawData } from 'ws';
import { AppError, toAppError } from '../domain/errors';
import type { Services } from '../domain/services';
import type { ClientConnection } from './connection';

const BAD_FRAMES_BEFORE_CLOSE = 20;

export class RequestDispatcher {
  private readonly badFrames = new WeakMap<ClientConnection, number>();

  constructor(private readonly s: Services) {}

  async handle(conn: ClientConnection, data: RawData, isBinary: boolean): Promise<void> {
    let raw: unknown;
    try {
      if (isBinary) throw new AppError('BAD_REQUEST', 'frames are JSON text');
      raw = JSON.parse(data.toString());
    } catch (err) {
      return this.bad(conn, null, err instanceof AppError ? err.toBody() : { code: 'BAD_REQUEST', message: 'frame is not valid JSON' });
    }
    // Lone surrogates (from `\ud800` escapes) are refused in every field before any schema runs.
    const illFormed = findIllFormedString(raw);
    if (illFormed) {
      const issues = [{ path: illFormed.map(String).join('.'), message: 'must be well-formed text (no lone surrogates)' }];
      return this.bad(conn, extractId(raw), { code: 'BAD_REQUEST', message: 'text must be well-formed UTF-16 (no lone surrogates)', issues });
    }
    const parsed = RequestFrame.safeParse(raw);
    if (!parsed.success) {
      const id = extractId(raw);
      const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      return this.bad(conn, id, { code: 'BAD_REQUEST', message: 'invalid request frame', issues });
    }
    const frame = parsed.data;
    const started = performance.now();
    try {
      const data = await this.run(conn, frame);
      if (frame.op === 'send') this.s.deps.metrics.sendAckSeconds.observe((performance.now() - started) / 1000);
      this.reply(conn, { type: 'res', id: frame.id, ok: true, data });
    } catch (err) {
      const appErr = toAppError(err, (cause) => this.s.deps.log.error({ err: cause, op: frame.op }, 'request failed'));
      this.s.deps.metrics.errors.inc({ code: appErr.code });
      this.reply(conn, { type: 'res', id: frame.id, ok: false, error: appErr.toBody() });
    }
  }

  private async run(conn: ClientConnection, frame: RequestFrame): Promise<ReplyData[RequestOp]> {
    const { userId } = conn;
    const { deps } = this.s;
    switch (frame.op) {
      case 'send': {
        const { conversationId, ...rest } = frame.data;
        return this.s.messages.send(userId, { conversationId, ...rest });
      }
      case 'typing': {
        const verdict = await deps.limiter.hit(`typing:${userId}`, deps.config.rateLimits.typing, deps.clock());
        if (!verdict.ok) throw new AppError('RATE_LIMITED', 'typing too often', { retryAfterMs: verdict.retryAfterMs });
        await this.s.conversations.typing(userId, frame.data.conversationId, frame.data.state);
        return {};
      }
      case 'read': {
        const r = await this.s.conversations.mark(userId, frame.data.conversationId, 'read', frame.data.seq);
        if (r.readSeq !== null) return { readSeq: r.readSeq };
        // The receipt hides readSeq when I do not share read receipts, but my own reply
        // must carry the stored (capped, never lowered) watermark, not the requested seq.
        const me = await deps.store.getMember(frame.data.conversationId, userId);
        return { readSeq: me?.readSeq ?? 0 };
      }
      case 'delivered': {
        const r = await this.s.conversations.mark(userId, frame.data.conversationId, 'delivered', frame.data.seq);
        return { deliveredSeq: r.deliveredSeq };
      }
      case 'sync': {
        const verdict = await deps.limiter.hit(`sync:${userId}`, deps.config.rateLimits.request, deps.clock());
        if (!verdict.ok) throw new AppError('RATE_LIMITED', 'syncing too often', { retryAfterMs: verdict.retryAfterMs });
        return this.s.sync.sync(userId, frame.data);
      }
      case 'ping':
        return { serverTime: deps.clock() };
      case 'focus':
        await this.s.notifications.setFocus(conn, frame.data.conversationId);
        return {};
      case 'auth':
        return this.renewAccess(conn, frame.data.token);
    }
  }

  /**
   * `auth`: the socket shows a newer access token, verified exactly as at hello, and then
   * lives until that token's expiry rather than the hello's, so a client that refreshes
   * in time is never closed with 4401. Anything short of a valid token of the socket's
   * own user changes nothing: the socket keeps its expiry (and is closed at it).
   */
  private async renewAccess(conn: ClientConnection, token: string): Promise<ReplyData['auth']> {
    const { deps } = this.s;
    const verdict = await deps.limiter.hit(`ws-auth:${conn.userId}`, deps.config.rateLimits.request, deps.clock());
    if (!verdict.ok) throw new AppError('RATE_LIMITED', 'renewing the token too often', { retryAfterMs: verdict.retryAfterMs });
    // Throws UNAUTHENTICATED (invalid, expired, revoked) or ACCOUNT_SUSPENDED. Neither
    // closes the socket here: the token may not even be its user's. A suspension closes
    // the user's sockets by itself, and an unrenewed socket is closed at its old expiry.
    const { userId, expiresAt } = await this.s.auth.authenticate(token);
    // A socket belongs to the user who said hello: its routing, presence and
    // subscriptions are that user's. A valid token of another user is refused.
    if (userId !== conn.userId) throw new AppError('FORBIDDEN', 'the token belongs to another user; a socket cannot change users');
    return { expiresAt: conn.renewAccess(expiresAt) };
  }

  private bad(conn: ClientConnection, id: string | number | null, error: ErrorBody): void {
    this.s.deps.metrics.errors.inc({ code: error.code });
    this.reply(conn, { type: 'res', id, ok: false, error });
    const n = (this.badFrames.get(conn) ?? 0) + 1;
    this.badFrames.set(conn, n);
    if (n >= BAD_FRAMES_BEFORE_CLOSE) conn.close(CLOSE.POLICY_VIOLATION, 'too many invalid frames');
  }

  private reply(conn: ClientConnection, frame: ReplyFrame): void {
    conn.push(JSON.stringify(frame));
  }
}

/** Echo the request id back even for an invalid frame, when it has a usable one. */
function extractId(raw: unknown): string | number | null {
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && Object.hasOwn(raw, 'id')) {
    const id = (raw as { id: unknown }).id;
    if ((typeof id === 'string' && id.length > 0 && id.length <= 64) || (typeof id === 'number' && Number.isInteger(id) && id >= 0)) return id;
  }
  return null;
}
