/**
 * A conversation as the release before typed content stored it (SQLite schema 15,
 * PostgreSQL 18): messages as title + body, an edit, a delete for everyone (the row and
 * its log entries blanked as that release's eraser left them) and an attached file. The
 * writers beside this file put it into a database of that schema; the upgrade test then
 * opens it with the current store. Not a test file.
 */
export const BEFORE_TYPED_CONTENT = { sqlite: 15, postgres: 18 } as const;

const T = 1_700_000_000_000;
const ann = { id: 'rel-ann', username: 'rel_ann', display_name: 'Ann' };
const ben = { id: 'rel-ben', username: 'rel_ben', display_name: 'Ben' };
export const RELEASE_USERS = [ann, ben];
export const RELEASE_CONVERSATION = { id: 'rel-group', title: 'Trip', last_seq: 9, created_at: T, updated_at: T + 9 };
export const RELEASE_MEMBERS = [
  { user_id: ann.id, role: 'owner', joined_at: T },
  { user_id: ben.id, role: 'member', joined_at: T },
];

const chart = { id: 'rel-file', name: 'route-chart.png', size: 2048, contentType: 'image/png', kind: 'image', hasThumbnail: false, width: 40, height: 30 };
export const RELEASE_ATTACHMENT = { ...chart, owner_id: ben.id, message_id: 'rel-m4', created_at: T + 8 };

/** messages rows: title and body columns, attachments as the JSON list the release wrote. */
export const RELEASE_MESSAGES = [
  { id: 'rel-m1', seq: 3, sender_id: ann.id, client_message_id: 'c1', title: 'Plans', body: 'Meet at the station at noon', created_at: T + 3, edited_at: null, deleted_at: null, attachments: null },
  { id: 'rel-m2', seq: 4, sender_id: ben.id, client_message_id: 'c2', title: null, body: 'See you there, with snacks', created_at: T + 4, edited_at: T + 5, deleted_at: null, attachments: null },
  { id: 'rel-m3', seq: 6, sender_id: ann.id, client_message_id: 'c3', title: null, body: '', created_at: T + 6, edited_at: null, deleted_at: T + 7, attachments: null },
  { id: 'rel-m4', seq: 8, sender_id: ben.id, client_message_id: 'c4', title: null, body: 'the chart', created_at: T + 8, edited_at: null, deleted_at: null, attachments: [chart] },
  { id: 'rel-m5', seq: 9, sender_id: ann.id, client_message_id: 'c5', title: 'Later', body: 'Bring a map', created_at: T + 9, edited_at: null, deleted_at: null, attachments: null },
];

const message = (id: string) => {
  const m = RELEASE_MESSAGES.find((x) => x.id === id)!;
  return {
    id: m.id, conversationId: RELEASE_CONVERSATION.id, seq: m.seq, senderId: m.sender_id, clientMessageId: m.client_message_id,
    title: m.title, body: m.body, createdAt: m.created_at, editedAt: null, deletedAt: null, ...(m.attachments ? { attachments: m.attachments } : {}),
  };
};

/** The log: each event's type-specific payload, as appended (message.created carries the message as sent). */
export const RELEASE_EVENTS: { seq: number; type: string; actor_id: string; at: number; message_id: string | null; payload: Record<string, unknown> }[] = [
  { seq: 1, type: 'conversation.created', actor_id: ann.id, at: T, message_id: null, payload: { kind: 'group', title: 'Trip' } },
  { seq: 2, type: 'member.added', actor_id: ann.id, at: T, message_id: null, payload: { userId: ben.id, role: 'member', user: { id: ben.id, username: ben.username, displayName: 'Ben', avatarUrl: null } } },
  { seq: 3, type: 'message.created', actor_id: ann.id, at: T + 3, message_id: 'rel-m1', payload: { message: message('rel-m1') } },
  // Sent as 'See you', then edited: the created event keeps the first text.
  { seq: 4, type: 'message.created', actor_id: ben.id, at: T + 4, message_id: 'rel-m2', payload: { message: { ...message('rel-m2'), body: 'See you' } } },
  { seq: 5, type: 'message.edited', actor_id: ben.id, at: T + 5, message_id: 'rel-m2', payload: { messageId: 'rel-m2', title: null, body: 'See you there, with snacks', editedAt: T + 5 } },
  // Deleted for everyone: the eraser blanked body and title in the log.
  { seq: 6, type: 'message.created', actor_id: ann.id, at: T + 6, message_id: 'rel-m3', payload: { message: { ...message('rel-m3'), title: null, body: '' } } },
  { seq: 7, type: 'message.deleted', actor_id: ann.id, at: T + 7, message_id: 'rel-m3', payload: { messageId: 'rel-m3' } },
  { seq: 8, type: 'message.created', actor_id: ben.id, at: T + 8, message_id: 'rel-m4', payload: { message: message('rel-m4') } },
  { seq: 9, type: 'message.created', actor_id: ann.id, at: T + 9, message_id: 'rel-m5', payload: { message: message('rel-m5') } },
];
