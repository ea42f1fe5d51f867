/**
 * The few server modules the bench uses directly, in one place: the storage adapters
 * (to seed users, conversations and history fast, before a node starts), the password
 * hash (computed once for every seeded user) and the access-token issuer (nodes
 * accept tokens signed with the shared PARLEY_JWT_SECRET). Read-only use; the bench
 * never changes server code.
 */
export type { Store, SendInput } from '../../../packages/server/src/store/port';
export { openSqliteStore } from '../../../packages/server/src/store/sqlite';
export { WAL_AUTOCHECKPOINT_PAGES } from '../../../packages/server/src/store/sqlite/writer-protocol';
export { AccessTokens } from '../../../packages/server/src/domain/auth/tokens';
export { hashPassword } from '../../../packages/server/src/domain/auth/passwords';
export { newId } from '../../../packages/server/src/domain/ids';

export async function openPostgres(url: string) {
  const { openPostgresStore } = await import('../../../packages/server/src/store/postgres');
  return openPostgresStore({ url });
}
