import type { Conversation } from '@parley/protocol';
import { useState } from 'react';
import { useChat, usePresence, useStore } from '../state/app-context';
import { describeError } from '../state/errors';
import { conversationName, lastSeenText, peerOf } from '../state/format';
import { navigate } from '../state/router';
import { Avatar } from './Avatar';
import { FormError } from './FormError';
import { Icon } from './Icon';
import { IconButton } from './IconButton';
import { Link } from './Link';

export function ConversationHeader({ conversation: c }: { conversation: Conversation }) {
  const store = useStore();
  const me = useChat((s) => s.me?.id);
  const peer = c.kind === 'direct' ? peerOf(c, me as never) : undefined;
  const presence = usePresence(peer?.user.id);
  const [error, setError] = useState<string | null>(null);
  const name = conversationName(c, me as never);
  const subtitle =
    c.kind === 'group'
      ? `${c.members.length} member${c.members.length === 1 ? '' : 's'}`
      : presence?.status === 'online'
        ? 'online'
        : presence?.status === 'offline'
          ? lastSeenText(presence.lastSeenAt)
          : `@${peer?.user.username ?? ''}`;

  const toggleArchive = async () => {
    try {
      await store.setArchived(c, !c.me.archived);
      setError(null);
      if (!c.me.archived) navigate('/');
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <header className="conversation-header">
      <Link to={c.me.archived ? '/archived' : '/'} className="icon-button back-button" aria-label="Back to conversations">
        <Icon name="back" />
      </Link>
      <Avatar name={name} url={peer?.user.avatarUrl ?? null} seed={peer?.user.id ?? c.id} size={38} />
      <div className="conversation-header-text">
        <h2 className="conversation-title">{name}</h2>
        <p className="conversation-subtitle">{subtitle}</p>
      </div>
      <IconButton icon="archive" label={c.me.archived ? 'Unarchive conversation' : 'Archive conversation'} onClick={() => void toggleArchive()} />
      <Link to={`/c/${encodeURIComponent(c.id)}/info`} className="icon-button" aria-label="Conversation details" title="Conversation details">
        <Icon name="info" />
      </Link>
      {error && <div className="header-error"><FormError message={error} /></div>}
    </header>
  );
}
