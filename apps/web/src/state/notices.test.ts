/**
 * Timeline notices in the store: a history page asks the events route for exactly its
 * seq range (one request), keeps the membership and title events, names people even
 * after they left, and live events add notices once (a seq already fetched is not
 * repeated). A fake client stands in for the SDK.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyClient } from '@parley/client';
import type { Conversation, ConversationEvent, ConversationId, Message, PublicUser, UserId } from '@parley/protocol';
import { initI18n } from '../i18n/i18n';
import { ChatStore } from './chat-store';

initI18n();
import { mergeNotices, noticeText, noticesFrom, type Notice } from './notices';

const CID = 'c_group' as ConversationId;
const user = (name: string): PublicUser => ({ id: `u_${name}` as UserId, username: name, displayName: name[0]!.toUpperCase() + name.slice(1), avatarUrl: null });
const ann = user('ann');
const bob = user('bob');
const carl = user('carl');
const dan = user('dan');
const CREATED = 1_000;

const base = (seq: number, actor: PublicUser, at = CREATED + seq * 1000) => ({ conversationId: CID, seq, actorId: actor.id, at });
const message = (seq: number, from: PublicUser): Message => ({
  id: `m_${seq}` as Message['id'], conversationId: CID, seq, senderId: from.id, clientMessageId: `cm_${seq}` as Message['clientMessageId'],
  kind: 'text', content: { title: null, body: `message ${seq}` }, replyTo: null, threadRootId: null, targetId: null, createdAt: CREATED + seq * 1000, editedAt: null, deletedAt: null,
});

/** The group's log: created with Bob, Carl added, a rename, Carl leaves; messages in between. */
const LOG: ConversationEvent[] = [
  { ...base(1, ann, CREATED), type: 'conversation.created', kind: 'group', title: 'Plans' },
  { ...base(2, ann, CREATED), type: 'member.added', userId: ann.id, role: 'owner', user: ann },
  { ...base(3, ann, CREATED), type: 'member.added', userId: bob.id, role: 'member', user: bob },
  { ...base(4, bob), type: 'message.created', message: message(4, bob) },
  { ...base(5, ann), type: 'member.added', userId: carl.id, role: 'member', user: carl },
  { ...base(6, carl), type: 'message.created', message: message(6, carl) },
  { ...base(7, ann), type: 'conversation.renamed', title: 'Trip' },
  { ...base(8, bob), type: 'message.created', message: message(8, bob) },
  { ...base(9, carl), type: 'member.left', userId: carl.id },
];
const MESSAGES = LOG.flatMap((e) => (e.type === 'message.created' ? [e.message] : []));

const conversation: Conversation = {
  id: CID, kind: 'group', title: 'Trip', historyVisibility: 'all',
  members: [ann, bob].map((u) => ({ user: u, role: u === ann ? 'owner' : 'member', deliveredSeq: 9, readSeq: 9, joinedAt: CREATED })),
  lastSeq: 9, receiptsVersion: 0, lastMessage: message(8, bob), unreadCount: 0,
  me: { role: 'owner', readSeq: 9, deliveredSeq: 9, archived: false, visibleFromSeq: 1 }, createdAt: CREATED, updatedAt: CREATED + 9000,
};

/** History pages of two messages; the events route as the server answers it. */
function fakeClient() {
  const handlers = new Map<string, (x: unknown) => void>();
  const requests: { name: string; query: Record<string, number> }[] = [];
  const client = {
    user: { ...ann, settings: {} }, status: 'online', outbox: [],
    on: (name: string, fn: (x: unknown) => void) => (handlers.set(name, fn), () => handlers.delete(name)),
    connect: async () => {},
    disconnect: () => {},
    markRead: async () => {},
    request: async (name: string, args: { query?: Record<string, number> }) => {
      const query = args.query ?? {};
      requests.push({ name, query });
      if (name === 'listConversations') return { conversations: query.archived === ('true' as never) ? [] : [conversation], nextCursor: null };
      if (name === 'history') {
        const older = MESSAGES.filter((m) => query.before === undefined || m.seq < query.before);
        return { messages: older.slice(-2), hasMore: older.length > 2 };
      }
      if (name === 'events') {
        const after = LOG.filter((e) => e.seq > query.after!);
        return { events: after.slice(0, query.limit), hasMore: after.length > query.limit! };
      }
      throw new Error(`unexpected request ${name}`);
    },
  };
  const emit = (name: string, x: unknown) => handlers.get(name)?.(x);
  return { client: client as unknown as ParleyClient, requests, emit };
}

const texts = (notices: readonly Notice[] | undefined) => (notices ?? []).map((n) => `${n.seq}: ${noticeText(n, ann.id, conversation.members)}`);

describe('timeline notices', () => {
  let store: ChatStore | null = null;
  afterEach(() => store?.stop());

  it('fetches each history page’s notices over its seq range, and adds live ones once', async () => {
    const { client, requests, emit } = fakeClient();
    store = new ChatStore(client);
    store.start();
    await store.loadList();

    await store.openConversation(CID);
    // The newest page (messages 6 and 8) covers seq 6 onwards.
    expect(requests.filter((r) => r.name === 'events').map((r) => r.query)).toEqual([{ after: 5, limit: 500 }]);
    let w = store.getState().windows[CID]!;
    expect(w.messages.map((m) => m.seq)).toEqual([6, 8]);
    // Carl is no longer a member and his joining is on an older page: not yet named.
    expect(texts(w.notices)).toEqual(['7: You renamed the group to “Trip”', '9: Someone left']);

    await store.loadOlder(CID);
    // The older page (message 4, the first) covers seq 1 to 5: one request bounded by it.
    expect(requests.filter((r) => r.name === 'events').map((r) => r.query)).toEqual([{ after: 5, limit: 500 }, { after: 0, limit: 5 }]);
    w = store.getState().windows[CID]!;
    // The members the group was created with are in "created"; Carl is now named everywhere.
    expect(texts(w.notices)).toEqual(['1: You created the group “Plans”', '5: You added Carl', '7: You renamed the group to “Trip”', '9: Carl left']);

    // Live: a notice event adds one, a message adds none, and a replayed seq is not repeated.
    emit('event', { ...base(10, bob), type: 'member.added', userId: dan.id, role: 'member', user: dan });
    emit('event', { ...base(11, dan), type: 'message.created', message: message(11, dan) });
    emit('event', LOG[6]);
    emit('event', { ...base(12, ann), type: 'member.removed', userId: bob.id });
    w = store.getState().windows[CID]!;
    expect(texts(w.notices).slice(4)).toEqual(['10: Bob added Dan', '12: You removed Bob']);
    expect(w.messages.map((m) => m.seq)).toEqual([4, 6, 8, 11]);
  });
});

describe('notice text', () => {
  it('names people from the events, says "you" for me, and shows nothing for direct conversations', () => {
    const notices = noticesFrom(LOG, conversation);
    expect(notices.map((n) => noticeText(n, bob.id))).toEqual(['Ann created the group “Plans”', 'Ann added Carl', 'Ann renamed the group to “Trip”', 'Carl left']);
    expect(noticesFrom(LOG, { ...conversation, kind: 'direct', title: null })).toEqual([]);
    expect(mergeNotices(notices, notices)).toEqual(notices);
  });

  it('says who got which role', () => {
    const roles: ConversationEvent[] = [
      { ...base(10, ann), type: 'member.role', userId: bob.id, role: 'admin' },
      { ...base(11, ann), type: 'member.role', userId: bob.id, role: 'owner' },
      { ...base(12, bob), type: 'member.role', userId: ann.id, role: 'member' },
    ];
    expect(noticesFrom(roles, conversation).map((n) => noticeText(n, ann.id))).toEqual(['You made Bob an admin', 'You made Bob the owner', 'Bob made you a member']);
  });
});
