/**
 * What the main thread and the SQLite writer thread say to each other (see
 * threaded-store.ts), and which port methods write.
 *
 * Every method that changes the database is listed here and runs on the writer thread;
 * every other method is a read and runs on the main thread's connection, which is
 * opened query-only: a write method missing from this list fails loudly (SQLITE_READONLY)
 * instead of quietly blocking the event loop on a commit.
 */
import { StoreError, type StoreErrorCode } from '../port';
import { isRefusal, RuleError } from '../../domain/rules/refusals';
import type { SqliteStoreOptions } from './sqlite-store';

/** The sub-port a call goes to; null for the Store itself. */
export type SubPort = 'attachments' | 'search' | 'privacy' | 'maintenance' | 'moderation' | 'notifications';

export const WRITE_METHODS: Readonly<Record<'store' | SubPort, readonly string[]>> = {
  store: [
    'createUser', 'updateProfile', 'updatePrivacy', 'setLastSeen', 'setLastSeenMany', 'revokeAllSessions',
    'insertRefreshToken', 'markRefreshTokenUsed', 'revokeRefreshFamily',
    'getOrCreateDirect', 'createGroup', 'renameGroup', 'setHistoryVisibility', 'addMembers', 'removeMember', 'setMemberRole', 'setArchived',
    'appendMessages', 'editMessage', 'deleteMessageForEveryone', 'hideMessage',
    'advanceWatermark', 'advanceWatermarks',
  ],
  attachments: ['reserve', 'complete', 'deleteUnattached'],
  search: [],
  privacy: ['eraseUser'],
  maintenance: ['run'],
  moderation: ['block', 'unblock', 'createReport', 'resolveReport', 'resolveReportsOfMessage', 'deleteMessageAsModerator', 'setRole', 'setSuspended'],
  notifications: ['createNotifications', 'markRead', 'markAllRead', 'setMuted', 'savePushSubscription', 'deletePushSubscription', 'deletePushEndpoint'],
};

/** Pages (4 KiB) of WAL before the writer checkpoints: 40 MiB, see walAutocheckpointPages. */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** How often the checkpointer thread copies the WAL back into the file (checkpoint-worker.ts). */
export const BACKGROUND_CHECKPOINT_MS = 100;

export interface CheckpointerOptions {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  everyMs: number;
}

/** How the writer thread opens the database: what the main thread was given. */
export type WriterOptions = Pick<SqliteStoreOptions, 'path' | 'synchronous' | 'busyTimeoutMs'>;

export type WriterRequest =
  | { id: number; kind: 'call'; port: 'store' | SubPort; method: string; args: unknown[] }
  | { id: number; kind: 'ping' }
  | { id: number; kind: 'close' };

export type WriterReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

export type WriterStartup = { kind: 'ready' } | { kind: 'failed'; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  /** A RuleError's refusal: rebuilt from the catalogue on the main thread. */
  refusal?: string;
}

// A Record over the union: adding a code to StoreErrorCode fails to compile until it is listed here.
const STORE_CODES: Readonly<Record<StoreErrorCode, true>> = { NOT_FOUND: true, NOT_MEMBER: true, CONFLICT: true, UNAVAILABLE: true };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof RuleError) return { name: err.name, message: err.message, refusal: err.refusal };
  if (err instanceof StoreError) return { name: err.name, message: err.message, code: err.code };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

/** StoreErrors and RuleErrors come back as such (callers branch on the code); anything else is a plain Error. */
export function deserializeError(e: SerializedError): Error {
  if (e.refusal !== undefined && isRefusal(e.refusal)) return new RuleError(e.refusal);
  if (e.code !== undefined && Object.hasOwn(STORE_CODES, e.code)) return new StoreError(e.code as StoreErrorCode, e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
