import { useState } from 'react';
import type { Conversation, Message, UserId } from '@parley/protocol';
import { useStore } from '../state/app-context';
import { describeError } from '../state/errors';
import { clockTime, nameOf } from '../state/format';
import { FormError } from './FormError';
import { MessageEditor } from './MessageEditor';
import { MessageMenu } from './MessageMenu';
import { MessageStatus } from './MessageStatus';
import { RichText } from './RichText';

interface Props {
  conversation: Conversation;
  message: Message;
  mine: boolean;
  highlighted: boolean;
  groupedWithPrevious: boolean;
}

export function MessageItem({ conversation: c, message: m, mine, highlighted, groupedWithPrevious }: Props) {
  const store = useStore();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sender = c.members.find((x) => x.user.id === m.senderId)?.user;
  const deleted = m.deletedAt !== null;
  const myRole = c.me.role;
  const canDeleteForEveryone = !deleted && (mine || (c.kind === 'group' && myRole !== 'member'));

  const remove = async (scope: 'me' | 'everyone') => {
    try {
      setError(null);
      await store.deleteMessage(m, scope);
    } catch (err) {
      setError(describeError(err));
    }
  };

  const label = `${mine ? 'You' : nameOf(sender)} at ${clockTime(m.createdAt)}`;
  return (
    <li id={`message-${m.id}`} tabIndex={-1} aria-label={label}
      className={`message ${mine ? 'mine' : 'theirs'} ${highlighted ? 'highlighted' : ''} ${groupedWithPrevious ? 'grouped' : ''}`}>
      <div className={`bubble ${deleted ? 'deleted' : ''}`}>
        {!mine && c.kind === 'group' && !groupedWithPrevious && <p className="message-sender">{nameOf(sender)}</p>}
        {deleted ? (
          <p className="message-body deleted-text">This message was deleted</p>
        ) : editing ? (
          <MessageEditor initial={m.body} onCancel={() => setEditing(false)} onSave={async (body) => {
            await store.edit(m, body);
            setEditing(false);
          }} />
        ) : (
          <>
            {m.title && <p className="message-title">{m.title}</p>}
            <p className="message-body"><RichText text={m.body} /></p>
          </>
        )}
        <span className="message-meta">
          {m.editedAt && !deleted && <span className="edited">edited</span>}
          <time dateTime={new Date(m.createdAt).toISOString()}>{clockTime(m.createdAt)}</time>
          {mine && !deleted && <MessageStatus conversation={c} message={m} me={m.senderId as UserId} />}
        </span>
        <FormError message={error} />
      </div>
      {!editing && (
        <MessageMenu
          canEdit={mine && !deleted}
          canDeleteForEveryone={canDeleteForEveryone}
          onEdit={() => setEditing(true)}
          onDelete={(scope) => void remove(scope)}
        />
      )}
    </li>
  );
}
