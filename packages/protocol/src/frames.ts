/**
 * WebSocket frames. Three kinds: requests from the client (with an id), replies from
 * the server (same id, result or error), and pushes (server-initiated). The first
 * client frame must be `hello`, naming the protocol version and the access token
 * (never in the URL, so it stays out of access logs). The `auth` request renews that
 * token on the open socket, so it need not be closed when the hello's token expires.
 */
import { z } from 'zod';
import { ERROR_CODES, type ErrorBody } from './errors';
import {
  ConversationEventSchema,
  ConversationIdSchema,
  MessageSchema,
  Millis,
  PresenceSchema,
  PublicUserSchema,
  ReceiptSchema,
  Seq,
  UserEventSchema,
  UserIdSchema,
} from './models';
import { MarkBody, sendFields, SyncRequest, SyncResponse } from './rest';
import { withContent } from './message-kinds';
import { FocusData, NotificationPushSchema } from './notifications';

/** An access token as frames carry it (hello, auth). */
const AccessToken = z.string().min(1).max(4096);

export const HelloFrame = z.strictObject({
  type: z.literal('hello'),
  protocol: z.number().int(),
  token: AccessToken,
});
export type HelloFrame = z.infer<typeof HelloFrame>;

const RequestId = z.union([z.string().min(1).max(64), z.number().int().min(0)]);

const req = <Op extends string, D extends z.ZodType>(op: Op, data: D) =>
  z.strictObject({ type: z.literal('req'), id: RequestId, op: z.literal(op), data });

export const SendData = withContent({ ...sendFields, conversationId: ConversationIdSchema });
export const TypingData = z.strictObject({ conversationId: ConversationIdSchema, state: z.enum(['start', 'stop']) });
export const MarkData = MarkBody.extend({ conversationId: ConversationIdSchema });
/**
 * A newer access token of the same user for the open socket: the socket then lives until
 * this token's expiry instead of the hello's (see docs/protocol.md, "Token expiry").
 */
export const AuthData = z.strictObject({ token: AccessToken });

/** Every request a client may send after hello, by op. */
export const RequestFrame = z.discriminatedUnion('op', [
  req('send', SendData),
  req('typing', TypingData),
  req('read', MarkData),
  req('delivered', MarkData),
  req('sync', SyncRequest),
  req('ping', z.strictObject({}).optional()),
  req('focus', FocusData),
  req('auth', AuthData),
]);
export type RequestFrame = z.infer<typeof RequestFrame>;
export type RequestOp = RequestFrame['op'];

/** What each op replies with on success. */
export interface ReplyData {
  send: { message: z.infer<typeof MessageSchema>; duplicate: boolean };
  typing: Record<string, never>;
  read: { readSeq: number };
  delivered: { deliveredSeq: number };
  sync: SyncResponse;
  ping: { serverTime: number };
  focus: Record<string, never>;
  /** Epoch ms (server clock) until which the socket may now stay open: the token's exp. */
  auth: { expiresAt: number };
}
export type RequestData<Op extends RequestOp> = Extract<z.input<typeof RequestFrame>, { op: Op }>['data'];

export const ErrorBodySchema = z.strictObject({
  code: z.enum(ERROR_CODES as [string, ...string[]]),
  message: z.string(),
  retryAfterMs: z.number().int().optional(),
  issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
});

export const WelcomeFrame = z.strictObject({
  type: z.literal('welcome'),
  protocol: z.number().int(),
  userId: UserIdSchema,
  heartbeatMs: z.number().int(),
  serverTime: Millis,
});

export const ReplyFrame = z.union([
  z.strictObject({ type: z.literal('res'), id: RequestId, ok: z.literal(true), data: z.unknown() }),
  z.strictObject({ type: z.literal('res'), id: RequestId.nullable(), ok: z.literal(false), error: ErrorBodySchema }),
]);

/** Server-initiated pushes. */
export const PushFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('event'), event: ConversationEventSchema }),
  /**
   * Watermark changes in one conversation, coalesced over a short window (one frame per
   * window, not one per reader: in a big group every member acking every message would
   * otherwise cost members² frames). Covers every change after fromVersion up to
   * receiptsVersion; a client holding an older version than fromVersion has a gap and syncs.
   */
  z.strictObject({ type: z.literal('receipts'), conversationId: ConversationIdSchema, fromVersion: Seq, receiptsVersion: Seq, receipts: z.array(ReceiptSchema) }),
  z.strictObject({ type: z.literal('typing'), conversationId: ConversationIdSchema, userId: UserIdSchema, state: z.enum(['start', 'stop']) }),
  z.strictObject({ type: z.literal('presence'), presence: PresenceSchema }),
  /** A member's profile changed (display name, avatar): pushed to every conversation they are in. */
  z.strictObject({ type: z.literal('user'), user: PublicUserSchema }),
  z.strictObject({ type: z.literal('user_event'), event: UserEventSchema }),
  NotificationPushSchema,
]);
export type PushFrame = z.infer<typeof PushFrame>;

export const ServerFrame = z.union([WelcomeFrame, ReplyFrame, PushFrame]);
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;
export type ReplyFrame =
  | { type: 'res'; id: string | number; ok: true; data: unknown }
  | { type: 'res'; id: string | number | null; ok: false; error: ErrorBody };
export type ServerFrame = WelcomeFrame | ReplyFrame | PushFrame;
export { Seq };
