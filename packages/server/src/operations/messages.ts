/** Messages: send (HTTP and WebSocket), compose, edit, delete, history and mailboxes. */
import type { FrameData, HttpBindings, RouteInput, WsBindings } from './kit';
import { http, perUser, userOp, ws } from './kit';

export const messageOperations = {
  history: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'history'>) => s.messages.history(c.userId, input.id, input) }),
  /** One operation over HTTP and WebSocket: one send budget (PARLEY_RATE_SEND), one key. */
  send: userOp({ rate: perUser('send'), run: (s, c, input: FrameData<'send'>) => s.messages.send(c.userId, input) }),
  /** A send to a person by username: counts as a send. */
  compose: userOp({ rate: perUser('send'), run: (s, c, input: RouteInput<'compose'>) => s.compose.compose(c.userId, input) }),
  editMessage: userOp({
    rate: perUser('request'),
    run: async (s, c, { id, messageId, ...edit }: RouteInput<'editMessage'>) => ({ message: await s.messages.edit(c.userId, id, messageId, edit) }),
  }),
  deleteMessage: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'deleteMessage'>) => s.messages.delete(c.userId, input.id, input.messageId, input.for) }),
  received: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'received'>) => s.messages.mailbox(c.userId, 'received', input) }),
  sent: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'sent'>) => s.messages.mailbox(c.userId, 'sent', input) }),
};

const ops = messageOperations;

export const messageRoutes: Pick<HttpBindings, 'history' | 'send' | 'compose' | 'editMessage' | 'deleteMessage' | 'received' | 'sent'> = {
  history: http('history', ops.history),
  send: http('send', ops.send, {
    input: ({ params, body }) => ({ conversationId: params.id, ...body }),
    reply: ({ message, duplicate }, res) => {
      // A retry answers 200 with the original, so clients can tell.
      if (duplicate) res.status(200);
      return { message };
    },
  }),
  compose: http('compose', ops.compose, {
    reply: ({ message, duplicate, conversation }, res) => {
      if (duplicate) res.status(200);
      return { message, conversation };
    },
  }),
  editMessage: http('editMessage', ops.editMessage),
  deleteMessage: http('deleteMessage', ops.deleteMessage),
  received: http('received', ops.received),
  sent: http('sent', ops.sent),
};

export const messageFrames: Pick<WsBindings, 'send'> = {
  send: ws('send', ops.send, (data) => data, (r) => r),
};
