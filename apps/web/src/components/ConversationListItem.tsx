import type { Conversation } from '@parley/protocol';
import { useChat, usePresence } from '../state/app-context';
import { conversationName, listTime, nameOf, peerOf } from '../state/format';
import { conversationPath } from '../state/router';
import { Avatar } from './Avatar';
import { Link } from './Link';
import { PresenceDot } from './PresenceDot';

function preview(c: Conversation, me: string | undefined): string {
  const m = c.lastMessage;
  if (!m) return c.kind === 'group' ? 'Group created' : 'No messages yet';
  if (m.deletedAt) return 'Message deleted';
  const who = m.senderId === me ? 'You: ' : c.kind === 'group' ? `${nameOf(c.members.find((x) => x.user.id === m.senderId)?.user)}: ` : '';
  const text = m.title ? `${m.title} — ${m.body}` : m.body;
  return who + text.replace(/\s+/g, ' ');
}

export function ConversationListItem({ conversation: c, active }: { conversation: Conversation; active: boolean }) {
  const me = useChat((s) => s.me?.id);
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
            <span className="conversation-item-preview">{preview(c, me)}</span>
            {unread > 0 && (
              <span className="unread-badge" aria-label={`${unread} unread`}>
                {unread > 99 ? '99+' : unread}
              </span>
            )}
          </span>
        </span>
      </Link>
    </li>
  );
}
