/**
 * One handler per route of the protocol's ROUTES table. The `Handlers` type maps every
 * route name to a handler, so a route without a handler does not compile.
 */
import type { RouteName, RouteParsedBody, RouteParsedParams, RouteParsedQuery, RouteResponse, UserId } from '@parley/protocol';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '../domain/auth/auth-service';
import type { Services } from '../domain/services';
import { AppError } from '../domain/errors';
import { attachmentHandlers } from './attachments-handlers';
import { moderationHandlers } from './moderation-handlers';
import { searchHandlers } from './search-handlers';
import { privacyHandlers } from './privacy-handlers';
import { notificationHandlers } from './notifications-handlers';

export interface HandlerContext<N extends RouteName> {
  /** Present on every route declared with auth: true. */
  auth: AuthContext | null;
  params: RouteParsedParams<N>;
  query: RouteParsedQuery<N>;
  body: RouteParsedBody<N>;
  ip: string;
  reply: FastifyReply;
}

export type Handler<N extends RouteName> = (ctx: HandlerContext<N>) => Promise<RouteResponse<N>>;
export type Handlers = { [N in RouteName]: Handler<N> };

function uid(ctx: { auth: AuthContext | null }): UserId {
  if (!ctx.auth) throw new Error('route declared auth: true reached without auth');
  return ctx.auth.userId;
}

export function buildHandlers(s: Services): Handlers {
  return {
    register: async ({ body, ip }) => s.auth.register(body, ip),
    login: async ({ body, ip }) => s.auth.login(body, ip),
    refresh: async ({ body, ip }) => s.auth.refresh(body.refreshToken, ip),
    logout: async ({ body }) => s.auth.logout(body.refreshToken),
    logoutAll: async (ctx) => s.auth.logoutAll(uid(ctx)),

    me: async (ctx) => ({ user: s.auth.view(ctx.auth!.user) }),
    updateProfile: async (ctx) => ({ user: await s.users.updateProfile(uid(ctx), ctx.body) }),
    updatePrivacy: async (ctx) => ({ user: await s.users.updatePrivacy(uid(ctx), ctx.body) }),
    searchUsers: async ({ query }) => ({ users: await s.users.search(query.prefix, query.limit) }),
    getUser: async (ctx) => s.users.get(uid(ctx), ctx.params.userId),

    listConversations: async (ctx) => s.conversations.list(uid(ctx), ctx.query),
    createDirect: async (ctx) => {
      const { conversation, created } = await s.conversations.openDirect(uid(ctx), ctx.body.userId);
      if (created) ctx.reply.code(201);
      return { conversation };
    },
    createGroup: async (ctx) => ({ conversation: await s.conversations.createGroup(uid(ctx), ctx.body.title, ctx.body.memberIds, ctx.body.historyVisibility) }),
    getConversation: async (ctx) => ({ conversation: await s.conversations.view(uid(ctx), ctx.params.id) }),
    renameConversation: async (ctx) => ({ conversation: await s.conversations.rename(uid(ctx), ctx.params.id, ctx.body.title) }),
    updateConversationSettings: async (ctx) => ({ conversation: await s.conversations.setHistoryVisibility(uid(ctx), ctx.params.id, ctx.body.historyVisibility) }),
    addMembers: async (ctx) => ({ conversation: await s.conversations.addMembers(uid(ctx), ctx.params.id, ctx.body.userIds) }),
    removeMember: async (ctx) => s.conversations.removeMember(uid(ctx), ctx.params.id, ctx.params.userId),
    setMemberRole: async (ctx) => ({ conversation: await s.conversations.setRole(uid(ctx), ctx.params.id, ctx.params.userId, ctx.body.role) }),
    leaveConversation: async (ctx) => s.conversations.removeMember(uid(ctx), ctx.params.id, uid(ctx)),
    archiveConversation: async (ctx) => s.conversations.setArchived(uid(ctx), ctx.params.id, true),
    unarchiveConversation: async (ctx) => s.conversations.setArchived(uid(ctx), ctx.params.id, false),

    history: async (ctx) => s.messages.history(uid(ctx), ctx.params.id, ctx.query),
    send: async (ctx) => {
      const { message, duplicate } = await s.messages.send(uid(ctx), { conversationId: ctx.params.id, ...ctx.body });
      if (duplicate) ctx.reply.code(200);
      return { message };
    },
    editMessage: async (ctx) => ({ message: await s.messages.edit(uid(ctx), ctx.params.id, ctx.params.messageId, ctx.body) }),
    deleteMessage: async (ctx) => s.messages.delete(uid(ctx), ctx.params.id, ctx.params.messageId, ctx.query.for),
    markRead: async (ctx) => {
      await s.conversations.mark(uid(ctx), ctx.params.id, 'read', ctx.body.seq);
    },
    events: async (ctx) => s.conversations.events(uid(ctx), ctx.params.id, ctx.query.after, ctx.query.limit),
    compose: async (ctx) => {
      const me = uid(ctx);
      const recipient = await s.deps.store.getUserByUsername(ctx.body.recipient.toLowerCase());
      if (!recipient || recipient.id === me) throw new AppError('USER_NOT_FOUND', 'no such recipient');
      const { conversation } = await s.conversations.openDirect(me, recipient.id);
      const { message, duplicate } = await s.messages.send(me, { conversationId: conversation.id, clientMessageId: ctx.body.clientMessageId, title: ctx.body.title, body: ctx.body.body });
      // A retry answers like send's: 200 with the original, so clients can tell.
      if (duplicate) ctx.reply.code(200);
      return { message, conversation: await s.conversations.view(me, conversation.id) };
    },
    received: async (ctx) => s.messages.mailbox(uid(ctx), 'received', ctx.query),
    sent: async (ctx) => s.messages.mailbox(uid(ctx), 'sent', ctx.query),
    sync: async (ctx) => s.sync.sync(uid(ctx), ctx.body),
    ...attachmentHandlers(s),
    ...moderationHandlers(s),
    ...searchHandlers(s),
    ...privacyHandlers(s),
    ...notificationHandlers(s),
  };
}
