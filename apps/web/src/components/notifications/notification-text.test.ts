import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationId, MessageId, Notification, UserId } from '@parley/protocol';
import { initI18n, setLanguage } from '../../i18n/i18n';
import { notificationText } from './notification-text';

initI18n();

const bob = { id: 'u_bob' as UserId, username: 'bob', displayName: 'Bob', avatarUrl: null };
const notice = (over: Partial<Notification>): Notification => ({
  id: 'n1', kind: 'message', conversationId: 'c1' as ConversationId, conversationKind: 'direct', conversationTitle: null, actor: bob,
  messageId: 'm1' as MessageId, seq: 1, preview: 'hi', count: 1, createdAt: 1, readAt: null, ...over,
});

describe('notificationText', () => {
  afterAll(() => setLanguage('en'));

  it('names the sender of one message, and counts several (by sender in a direct conversation, by group in a group)', () => {
    expect(notificationText(notice({}))).toBe('Bob');
    expect(notificationText(notice({ count: 3 }))).toBe('3 new messages from Bob');
    expect(notificationText(notice({ conversationKind: 'group', conversationTitle: 'Book club' }))).toBe('Bob in Book club');
    expect(notificationText(notice({ conversationKind: 'group', conversationTitle: 'Book club', count: 2 }))).toBe('2 new messages in Book club');
    setLanguage('es');
    expect(notificationText(notice({ count: 3 }))).toBe('3 mensajes nuevos de Bob');
    expect(notificationText(notice({ conversationKind: 'group', conversationTitle: 'Club', count: 2 }))).toBe('2 mensajes nuevos en Club');
    setLanguage('en');
  });

  it('mentions and adds stay one each', () => {
    expect(notificationText(notice({ kind: 'mention' }))).toBe('Bob mentioned you');
    expect(notificationText(notice({ kind: 'added', conversationKind: 'group', conversationTitle: 'Book club', messageId: null, seq: null }))).toBe('Bob added you to Book club');
  });
});
