import type { UserId } from '@parley/protocol';
import { PasswordSchema, UsernameSchema } from '@parley/protocol';
import { hashPassword } from '../domain/auth/passwords';
import { newUserId } from '../domain/ids';
import type { Store, UserRecord } from '../store/port';

/** `parley user add`: creates an account from the command line with the same rules as registration. */
export async function addUser(store: Store, input: { username: string; password: string; displayName?: string; admin?: boolean }, now = Date.now()): Promise<UserRecord> {
  const username = UsernameSchema.parse(input.username);
  const password = PasswordSchema.parse(input.password);
  const user = await store.createUser({
    id: newUserId() as UserId,
    username,
    displayName: input.displayName?.trim() || username,
    passwordHash: await hashPassword(password),
    createdAt: now,
  });
  if (!input.admin) return user;
  await store.moderation.setRole(user.id, 'admin');
  return { ...user, role: 'admin' };
}

/** `parley user promote`: makes an existing account an admin (effective on its next request). */
export async function promoteUser(store: Store, username: string): Promise<UserRecord> {
  const user = await store.getUserByUsername(username.toLowerCase());
  if (!user) throw new Error(`no user named "${username}"`);
  await store.moderation.setRole(user.id, 'admin');
  return { ...user, role: 'admin' };
}
