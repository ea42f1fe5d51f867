import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation, PublicUser } from '@parley/protocol';
import { i18n } from '../i18n/i18n';
import { useChat, usePresence, useStore } from '../state/app-context';
import { conversationName, listTime, nameOf, peerOf } from '../state/format';
import { messageBody, messageTitle } from '../state/message-text';
import { conversationPath } from '../state/router';
import { Avatar } from './Avatar';
import { Link } from './Link';
import { PresenceDot } from './PresenceDot';

function preview(c: Conversation, me: string | undefined, formerMembers: Readonly<Record<string, PublicUser>>): string {
  const m = c.lastMessage;
  if (!m) return c.kind === 'group' ? i18n.t('list.groupCreated') : i18n.t('list.noMessages');
  if (m.deletedAt) return i18n.t('message.deleted');
  const author = c.members.find((x) => x.user.id === m.senderId)?.user ?? formerMembers[m.senderId];
  const title = messageTitle(m);
  const text = (title ? `${title} — ${messageBody(m)}` : messageBody(m)).replace(/\s+/g, ' ');
  if (m.senderId === me) return i18n.t('list.previewMine', { text });
  return c.kind === 'group' ? i18n.t('list.previewFrom', { name: nameOf(author), text }) : text;
}

export function ConversationListItem({ conversation: c, active }: { conversation: Conversation; active: boolean }) {
  const { t } = useTranslation();
  const store = useStore();
  const me = useChat((s) => s.me?.id);
  const formerMembers = useChat((s) => s.formerMembers);
  const departed = useChat((s) => s.departed[c.id]);
  // The last message's author may have left the group: ask for their name, as the timeline does.
  const lastSender = c.kind === 'group' ? c.lastMessage?.senderId : undefined;
  const gone = lastSender !== undefined && lastSender !== me && !c.members.some((x) => x.user.id === lastSender);
  useEffect(() => {
    if (gone && lastSender) store.askFormerMember(lastSender);
  }, [gone, lastSender, store]);
  const peer = c.kind === 'direct' ? peerOf(c, me as never) : undefined;
  const presence = usePresence(peer?.user.id);
  const name = conversationName(c, me as never);
  const unread = c.unreadCount;
  return (
    <li>
      <Link to={conversationPath(c.id)} className={`conversation-item ${active ? 'active' : ''} ${unread ? 'unread' : ''}`} aria-current={active ? 'page' : undefined}>
        <span className="avatar-wrap">
          <Avatar name={name} url={peer?.user.avatarUrl ?? null} seed={peer?.user.id ?? c.id} size={44} />
          <PresenceDot presence={presence} />
        </span>
        <span className="conversation-item-text">
          <span className="conversation-item-top">
            <span className="conversation-item-name">{name}</span>
            <time className="conversation-item-time" dateTime={new Date(c.lastMessage?.createdAt ?? c.updatedAt).toISOString()}>
              {listTime(c.lastMessage?.createdAt ?? c.updatedAt)}
            </time>
          </span>
          <span className="conversation-item-bottom">
            <span className="conversation-item-preview">{departed ? t('departed.short') : preview(c, me, formerMembers)}</span>
            {unread > 0 && (
              <span className="unread-badge" aria-label={t('list.unread', { count: unread })}>
                {unread > 99 ? '99+' : unread}
              </span>
            )}
          </span>
        </span>
      </Link>
    </li>
  );
}
