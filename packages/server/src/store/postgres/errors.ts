/**
 * Driver errors become port errors here and nowhere else. The StoreError message is a
 * fixed phrase: SQL text, parameters and driver messages stay in `cause` only.
 */
import { StoreError } from '../port';
import { RuleError } from '../../domain/rules/refusals';

const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const DRIVER_CONNECTION_CODES = new Set([
  'CONNECTION_ENDED',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * SQLSTATEs meaning the server cannot serve us right now: class 08 (connection
 * exception), 57P01..57P05 (admin/crash shutdown, cannot connect now, idle session
 * timeout), class 53 (insufficient resources: disk full, out of memory, too many
 * connections), and our own deadlines (below).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || /^57P0[1-5]$/.test(code) || DEADLINE_SQLSTATES.has(code);
}

/**
 * The server gave up on a statement under our own deadlines (db.ts): statement_timeout
 * (57014 query_canceled), lock_timeout (55P03 lock_not_available), an abandoned
 * transaction (25P03 idle_in_transaction_session_timeout). Retrying later can succeed.
 */
const DEADLINE_SQLSTATES = new Set(['57014', '55P03', '25P03']);

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  return errorCode(err) === '23505';
}

/** Deadlock or serialization failure: retrying the whole transaction can succeed. */
export function isRetryableConflict(err: unknown): boolean {
  const code = errorCode(err);
  return code === '40P01' || code === '40001';
}

export function isUnavailable(err: unknown): boolean {
  const code = errorCode(err);
  if (code === undefined) return false;
  return CONNECTION_ERRNOS.has(code) || DRIVER_CONNECTION_CODES.has(code) || isUnavailableSqlState(code);
}

/** Maps anything thrown by the driver to a StoreError; unexpected errors pass through as-is. */
export function translateError(err: unknown): unknown {
  if (err instanceof StoreError || err instanceof RuleError) return err;
  if (isUniqueViolation(err)) return new StoreError('CONFLICT', 'already exists', { cause: err });
  if (isUnavailable(err)) return new StoreError('UNAVAILABLE', 'database unavailable', { cause: err });
  return err;
}

/** Runs fn and rethrows its failure translated. */
export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateError(err);
  }
}
