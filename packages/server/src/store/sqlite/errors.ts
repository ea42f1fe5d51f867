/**
 * Turns better-sqlite3 errors into port errors. The StoreError message is generic on
 * purpose: SQL text and driver messages stay in `cause` and never reach a client.
 */
import { StoreError } from '../port';
import { RuleError } from '../../domain/rules/refusals';

const UNAVAILABLE_PREFIXES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_NOTADB', 'SQLITE_CORRUPT'];

export function translateSqliteError(err: unknown): unknown {
  if (err instanceof StoreError || err instanceof RuleError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new StoreError('CONFLICT', 'conflicting record', { cause: err });
  }
  // A reference to a row that does not exist (e.g. a refresh token for an unknown user).
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new StoreError('NOT_FOUND', 'referenced record not found', { cause: err });
  }
  if (UNAVAILABLE_PREFIXES.some((p) => code.startsWith(p))) {
    return new StoreError('UNAVAILABLE', 'storage unavailable', { cause: err });
  }
  // better-sqlite3 throws a TypeError once the connection is closed.
  if (err instanceof TypeError && /database connection is not open/.test(err.message)) {
    return new StoreError('UNAVAILABLE', 'storage closed', { cause: err });
  }
  return err;
}

export function notFound(what: string): StoreError {
  return new StoreError('NOT_FOUND', `${what} not found`);
}
export function notMember(): StoreError {
  return new StoreError('NOT_MEMBER', 'not a member of the conversation');
}
