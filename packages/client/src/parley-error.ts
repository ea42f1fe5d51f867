/**
 * The one error type the SDK throws. `code` comes from the protocol's error catalogue,
 * so apps branch on it (never on message text); `retryable` is the catalogue's flag
 * unless the SDK knows better (a lost connection is always worth retrying).
 */
import { isRetryable, type ErrorBody, type ErrorCode } from '@parley/protocol';

export class ParleyError extends Error {
  readonly code: ErrorCode;
  /** HTTP status when the error came from a REST call. */
  readonly status?: number;
  /** Present with RATE_LIMITED: how long to wait before trying again. */
  readonly retryAfterMs?: number;
  readonly retryable: boolean;
  /** Present with BAD_REQUEST: which fields were wrong. */
  readonly issues?: { path: string; message: string }[];

  constructor(
    code: ErrorCode,
    message: string,
    extra: { status?: number; retryAfterMs?: number; retryable?: boolean; issues?: ErrorBody['issues'] } = {},
  ) {
    super(message);
    this.name = 'ParleyError';
    this.code = code;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
    if (extra.issues !== undefined) this.issues = extra.issues;
    this.retryable = extra.retryable ?? isRetryable(code);
  }

  static fromBody(body: ErrorBody, status?: number): ParleyError {
    return new ParleyError(body.code, body.message, {
      ...(status !== undefined ? { status } : {}),
      ...(body.retryAfterMs !== undefined ? { retryAfterMs: body.retryAfterMs } : {}),
      ...(body.issues !== undefined ? { issues: body.issues } : {}),
    });
  }
}

/** The connection dropped (or never opened) while a request was waiting: safe to retry with the same ids. */
export function connectionLost(message = 'connection lost'): ParleyError {
  return new ParleyError('UNAVAILABLE', message, { retryable: true });
}
