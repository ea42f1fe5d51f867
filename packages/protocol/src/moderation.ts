/**
 * Moderation and safety: blocking users, reporting messages, and the admin surface
 * (open reports, deleting a reported message for everyone, suspending accounts).
 *
 * Blocking is mutual in effect: once either of two users blocks the other, neither can
 * open or use their direct conversation, compose to the other, or add the other to a
 * group (BLOCKED); each stops receiving the other's typing and presence, and sees the
 * other's presence as 'hidden'. Unblocking restores all of it.
 *
 * The admin routes answer ROUTE_NOT_FOUND to anyone who is not an admin, exactly as an
 * unknown route does, so the admin surface is invisible to everyone else.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { ConversationIdSchema, MessageIdSchema, MessageSchema, Millis, PublicUserSchema, UserIdSchema } from './models';

const idString = z.string().min(1).max(LIMITS.idMax).regex(/^[A-Za-z0-9_-]+$/, 'invalid id');

export const BlockBody = z.strictObject({ userId: UserIdSchema });
export const BlockParams = z.strictObject({ userId: UserIdSchema });
export const BlockedUserSchema = z.strictObject({ user: PublicUserSchema, blockedAt: Millis });
export type BlockedUser = z.infer<typeof BlockedUserSchema>;
/** The users I blocked, most recent first. */
export const BlockListResponse = z.strictObject({ blocks: z.array(BlockedUserSchema) });

export const ReportIdSchema = idString;
export const ReportReasonSchema = z
  .string()
  .max(LIMITS.reportReasonMax)
  .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), 'control characters are not allowed')
  .refine((s) => s.trim().length > 0, 'must not be empty');
export const ReportBody = z.strictObject({ reason: ReportReasonSchema });

export const ReportSchema = z.strictObject({
  id: ReportIdSchema,
  conversationId: ConversationIdSchema,
  messageId: MessageIdSchema,
  reason: z.string(),
  createdAt: Millis,
});
export type Report = z.infer<typeof ReportSchema>;
export const ReportResponse = z.strictObject({ report: ReportSchema });

/** A report as an admin sees it: with the message (null once gone), its sender and the reporter. */
export const AdminReportSchema = ReportSchema.extend({
  reporter: PublicUserSchema,
  sender: PublicUserSchema.nullable(),
  message: MessageSchema.nullable(),
  resolvedAt: Millis.nullable(),
});
export type AdminReport = z.infer<typeof AdminReportSchema>;
export const AdminReportListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMITS.pageMax).default(LIMITS.pageDefault),
  /** Opaque: the nextCursor of the previous page. */
  cursor: z.string().max(200).optional(),
});
/** Open reports, oldest first. */
export const AdminReportListResponse = z.strictObject({ reports: z.array(AdminReportSchema), nextCursor: z.string().nullable() });
export const ReportParams = z.strictObject({ reportId: ReportIdSchema });
export const ReportMessageParams = z.strictObject({ id: ConversationIdSchema, messageId: MessageIdSchema });
export const AdminUserParams = z.strictObject({ userId: UserIdSchema });
