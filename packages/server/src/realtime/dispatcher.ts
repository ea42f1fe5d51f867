/**
 * Runs one request frame from an authenticated socket through its operation
 * (operations/bind-ws.ts) and replies with the same id. Invalid frames get an error
 * reply (BAD_REQUEST, PAYLOAD_TOO_LARGE...) and change nothing; a socket that keeps
 * sending garbage is closed.
 */
import { CLOSE, RequestFrame, findIllFormedString, type ErrorBody, type ReplyFrame } from '@parley/protocol';
import type { RawData } from 'ws';
import { AppError, toAppError } from '../domain/errors';
import type { Services } from '../domain/services';
import { runFrame } from '../operations/bind-ws';
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
      // TypeScript cannot tie a union member's op to its data by itself: the frame was parsed as one.
      const data = await runFrame(this.s, conn, frame.op, frame.data as never);
      if (frame.op === 'send') this.s.deps.metrics.sendAckSeconds.observe((performance.now() - started) / 1000);
      this.reply(conn, { type: 'res', id: frame.id, ok: true, data });
    } catch (err) {
      const appErr = toAppError(err, (cause) => this.s.deps.log.error({ err: cause, op: frame.op }, 'request failed'));
      this.s.deps.metrics.errors.inc({ code: appErr.code });
      this.reply(conn, { type: 'res', id: frame.id, ok: false, error: appErr.toBody() });
    }
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
