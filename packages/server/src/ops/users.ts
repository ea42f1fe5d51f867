import type { UserId } from '@parley/protocol';
import { PasswordSchema, UsernameSchema } from '@parley/protocol';
import { hashPassword } from '../domain/auth/passwords';
import { newUserId } from '../domain/ids';
import type { Store, UserRecord } from '../store/port';

/** `parley user add`: creates an account from the command line with the same rules as registration. */
export async function addUser(store: Store, input: { username: string; password: string; displayName?: string }, now = Date.now()): Promise<UserRecord> {
  const username = UsernameSchema.parse(input.username);
  const password = PasswordSchema.parse(input.password);
  return store.createUser({
    id: newUserId() as UserId,
    username,
    displayName: input.displayName?.trim() || username,
    passwordHash: await hashPassword(password),
    createdAt: now,
  });
}
