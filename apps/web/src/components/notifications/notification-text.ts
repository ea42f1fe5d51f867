/**
 * What a notification says in the bell's panel. A `message` notification stands for the
 * new messages of one conversation (`count`), so with more than one it says how many:
 * "3 new messages from Bob", or "… in Book club" for a group (senders may differ; the
 * preview below shows the latest).
 */
import type { Notification } from '@parley/protocol';
import { i18n } from '../../i18n/i18n';
import { nameOf } from '../../state/format';

export function notificationText(n: Notification): string {
  const who = n.actor ? nameOf(n.actor) : i18n.t('common.someone');
  const group = n.conversationKind === 'group' && n.conversationTitle ? n.conversationTitle : null;
  switch (n.kind) {
    case 'added':
      return i18n.t('bell.added', { name: who, group: n.conversationTitle ?? i18n.t('bell.aGroup') });
    case 'mention':
      return group ? i18n.t('bell.mentionIn', { name: who, group }) : i18n.t('bell.mention', { name: who });
    case 'message':
      if (n.count > 1) return group ? i18n.t('bell.messagesIn', { count: n.count, group }) : i18n.t('bell.messages', { count: n.count, name: who });
      return group ? i18n.t('bell.messageIn', { name: who, group }) : who;
  }
}
