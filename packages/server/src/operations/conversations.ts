/** Conversations, membership and my state in them: watermarks, archive, typing. */
import type { FrameData, HttpBindings, RouteInput, WsBindings } from './kit';
import { http, perUser, userOp, ws } from './kit';

export const conversationOperations = {
  listConversations: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'listConversations'>) => s.conversations.list(c.userId, input) }),
  createDirect: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'createDirect'>) => s.conversations.openDirect(c.userId, input.userId) }),
  createGroup: userOp({
    rate: perUser('request'),
    run: async (s, c, input: RouteInput<'createGroup'>) => ({
      conversation: await s.conversations.createGroup(c.userId, input.title, input.memberIds, input.historyVisibility),
    }),
  }),
  getConversation: userOp({ rate: perUser('request'), run: async (s, c, input: RouteInput<'getConversation'>) => ({ conversation: await s.conversations.view(c.userId, input.id) }) }),
  renameConversation: userOp({
    rate: perUser('request'),
    run: async (s, c, input: RouteInput<'renameConversation'>) => ({ conversation: await s.conversations.rename(c.userId, input.id, input.title) }),
  }),
  updateConversationSettings: userOp({
    rate: perUser('request'),
    run: async (s, c, input: RouteInput<'updateConversationSettings'>) => ({
      conversation: await s.conversations.setHistoryVisibility(c.userId, input.id, input.historyVisibility),
    }),
  }),
  addMembers: userOp({
    rate: perUser('request'),
    run: async (s, c, input: RouteInput<'addMembers'>) => ({ conversation: await s.conversations.addMembers(c.userId, input.id, input.userIds) }),
  }),
  removeMember: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'removeMember'>) => s.conversations.removeMember(c.userId, input.id, input.userId) }),
  setMemberRole: userOp({
    rate: perUser('request'),
    run: async (s, c, input: RouteInput<'setMemberRole'>) => ({ conversation: await s.conversations.setRole(c.userId, input.id, input.userId, input.role) }),
  }),
  leaveConversation: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'leaveConversation'>) => s.conversations.removeMember(c.userId, input.id, c.userId) }),
  archiveConversation: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'archiveConversation'>) => s.conversations.setArchived(c.userId, input.id, true) }),
  unarchiveConversation: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'unarchiveConversation'>) => s.conversations.setArchived(c.userId, input.id, false) }),
  events: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'events'>) => s.conversations.events(c.userId, input.id, input.after, input.limit) }),
  /** My read watermark, over HTTP (markRead) and WebSocket (read): one operation, one budget. */
  read: userOp({ rate: perUser('request'), run: (s, c, input: FrameData<'read'>) => s.conversations.markRead(c.userId, input.conversationId, input.seq) }),
  delivered: userOp({
    // Clients ack every message they receive: the acks follow what senders send (and
    // senders are limited), a watermark only moves forward and acks are group-committed.
    // Counting them against the request budget would starve the client's other requests
    // in a busy group, and cost a limiter call on the hottest path.
    rate: { rule: null, why: 'acks follow received messages, which senders\' limits bound; watermarks are idempotent and group-committed' },
    run: (s, c, input: FrameData<'delivered'>) => s.conversations.markDelivered(c.userId, input.conversationId, input.seq),
  }),
  typing: userOp({ rate: perUser('typing'), run: (s, c, input: FrameData<'typing'>) => s.conversations.typing(c.userId, input.conversationId, input.state) }),
};

const ops = conversationOperations;

export const conversationRoutes: Pick<
  HttpBindings,
  | 'listConversations'
  | 'createDirect'
  | 'createGroup'
  | 'getConversation'
  | 'renameConversation'
  | 'updateConversationSettings'
  | 'addMembers'
  | 'removeMember'
  | 'setMemberRole'
  | 'leaveConversation'
  | 'archiveConversation'
  | 'unarchiveConversation'
  | 'events'
  | 'markRead'
> = {
  listConversations: http('listConversations', ops.listConversations),
  createDirect: http('createDirect', ops.createDirect, {
    reply: ({ conversation, created }, res) => {
      // 201 when it was made now; the same conversation again is 200.
      if (created) res.status(201);
      return { conversation };
    },
  }),
  createGroup: http('createGroup', ops.createGroup),
  getConversation: http('getConversation', ops.getConversation),
  renameConversation: http('renameConversation', ops.renameConversation),
  updateConversationSettings: http('updateConversationSettings', ops.updateConversationSettings),
  addMembers: http('addMembers', ops.addMembers),
  removeMember: http('removeMember', ops.removeMember),
  setMemberRole: http('setMemberRole', ops.setMemberRole),
  leaveConversation: http('leaveConversation', ops.leaveConversation),
  archiveConversation: http('archiveConversation', ops.archiveConversation),
  unarchiveConversation: http('unarchiveConversation', ops.unarchiveConversation),
  events: http('events', ops.events),
  markRead: http('markRead', ops.read, { input: ({ params, body }) => ({ conversationId: params.id, ...body }), reply: () => undefined }),
};

export const conversationFrames: Pick<WsBindings, 'read' | 'delivered' | 'typing'> = {
  read: ws('read', ops.read, (data) => data, (r) => r),
  delivered: ws('delivered', ops.delivered, (data) => data, (r) => r),
  typing: ws('typing', ops.typing, (data) => data, () => ({})),
};
