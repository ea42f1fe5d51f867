/**
 * Privacy (GDPR): a user's own export of their data, and erasure of their account.
 *
 * Erasure keeps the conversation logs whole for everyone else: the account's messages
 * stay in place as tombstones (body '', title null, no attachments, deletedAt set),
 * and the user record stays as a placeholder that shows as a deleted account:
 * displayName DELETED_ACCOUNT.displayName, avatarUrl null, and a username that starts
 * with DELETED_ACCOUNT.usernamePrefix and can never be registered or looked up (it
 * has capitals and a '-'), so the old username is free to register again.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { ConversationIdSchema, MeSchema, MessageIdSchema, MessageSchema, Millis, PublicUserSchema, RoleSchema, Seq } from './models';

export const DELETED_ACCOUNT = {
  displayName: 'Deleted account',
  usernamePrefix: 'Deleted-',
} as const;

/** True for the placeholder user record an erased account leaves behind. */
export function isDeletedAccount(user: { username: string }): boolean {
  return user.username.startsWith(DELETED_ACCOUNT.usernamePrefix);
}

export const EraseAccountBody = z.strictObject({
  /** The account's current password, as confirmation. */
  password: z.string().min(1).max(LIMITS.passwordMax),
});

export const EXPORT_FORMAT = 'parley.export' as const;

export const ExportConversationSchema = z.strictObject({
  id: ConversationIdSchema,
  kind: z.enum(['direct', 'group']),
  title: z.string().nullable(),
  createdAt: Millis,
  me: z.strictObject({ role: RoleSchema, joinedAt: Millis, archived: z.boolean(), readSeq: Seq }),
  members: z.array(z.strictObject({ user: PublicUserSchema, role: RoleSchema, joinedAt: Millis })),
});

export const ExportFileSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  size: z.number().int().min(0),
  contentType: z.string(),
  kind: z.enum(['image', 'file']),
  conversationId: ConversationIdSchema.nullable(),
  messageId: MessageIdSchema.nullable(),
  createdAt: Millis,
  /** Where to download the bytes (Authorization header) while a message carries the file; null otherwise. */
  downloadPath: z.string().nullable(),
});

/**
 * The archive GET /api/me/export streams (application/json, as a download). It holds
 * only what is mine or what I can see now: my profile, the conversations I am in with
 * their members, every message I wrote that still exists (also in conversations I have
 * left, named by id only), and what is known about my uploaded files, with the path to download each
 * (the archive holds no file bytes: they can be far larger than JSON should carry).
 */
export const ExportArchiveSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  /** 2: messages carry kind and typed content (message-kinds.ts), as the API gives them. */
  version: z.literal(2),
  exportedAt: Millis,
  profile: MeSchema.extend({ lastSeenAt: Millis.nullable() }),
  conversations: z.array(ExportConversationSchema),
  messages: z.array(MessageSchema),
  files: z.array(ExportFileSchema),
  /** People I blocked. */
  blocks: z.array(z.strictObject({ user: PublicUserSchema, blockedAt: Millis })),
  /** Browser push subscriptions of my devices (endpoints only; keys are not exported). */
  pushSubscriptions: z.array(z.strictObject({ endpoint: z.string(), createdAt: Millis })),
});
export type ExportArchive = z.infer<typeof ExportArchiveSchema>;
