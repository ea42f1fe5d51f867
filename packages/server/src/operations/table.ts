/**
 * The table of operations: every operation, and every HTTP route and WebSocket request
 * op bound to one. The two binding maps are typed over every route of ROUTES and every
 * op of RequestFrame, so a route or op without an operation does not compile.
 */
import type { HttpBindings, Operation, WsBindings } from './kit';
import { authFrames, authOperations, authRoutes } from './auth';
import { userOperations, userRoutes } from './users';
import { conversationFrames, conversationOperations, conversationRoutes } from './conversations';
import { messageFrames, messageOperations, messageRoutes } from './messages';
import { syncFrames, syncOperations, syncRoutes } from './sync';
import { attachmentOperations, attachmentRoutes } from './attachments';
import { moderationOperations, moderationRoutes } from './moderation';
import { searchOperations, searchRoutes } from './search';
import { privacyOperations, privacyRoutes } from './privacy';
import { notificationFrames, notificationOperations, notificationRoutes } from './notifications';

export const OPERATIONS: Readonly<Record<string, Operation<never, unknown, never>>> = {
  ...authOperations,
  ...userOperations,
  ...conversationOperations,
  ...messageOperations,
  ...syncOperations,
  ...attachmentOperations,
  ...moderationOperations,
  ...searchOperations,
  ...privacyOperations,
  ...notificationOperations,
};

export const HTTP_BINDINGS: HttpBindings = {
  ...authRoutes,
  ...userRoutes,
  ...conversationRoutes,
  ...messageRoutes,
  ...syncRoutes,
  ...attachmentRoutes,
  ...moderationRoutes,
  ...searchRoutes,
  ...privacyRoutes,
  ...notificationRoutes,
};

export const WS_BINDINGS: WsBindings = {
  ...authFrames,
  ...conversationFrames,
  ...messageFrames,
  ...syncFrames,
  ...notificationFrames,
};
