import { memo, useState } from 'react';
import type { Message } from '@parley/protocol';
import { useStore } from '../state/app-context';
import { describeError } from '../state/errors';
import { clockTime } from '../state/format';
import type { MessageStatus as Status } from '../state/receipts';
import { FormError } from './FormError';
import { MessageEditor } from './MessageEditor';
import { MessageMenu } from './MessageMenu';
import { MessageStatus } from './MessageStatus';
import { RichText } from './RichText';
import { ReportDialog } from './moderation/ReportDialog';
import { MessageAttachments } from './attachments/MessageAttachments';

interface Props {
  message: Message;
  mine: boolean;
  /** Shown above the text (groups, someone else's first message in a row). */
  senderName: string | null;
  /** For my messages: the tick and, in groups, how many read it. */
  status: Status | null;
  isGroup: boolean;
  canDeleteForEveryone: boolean;
  highlighted: boolean;
  groupedWithPrevious: boolean;
  accessibleName: string;
}

/** One message. Memoised on plain props: a new message or receipt re-renders only what changed. */
export const MessageItem = memo(function MessageItem({ message: m, mine, senderName, status, isGroup, canDeleteForEveryone, highlighted, groupedWithPrevious, accessibleName }: Props) {
  const store = useStore();
  const [editing, setEditing] = useState(false);
  const [reporting, setReporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const deleted = m.deletedAt !== null;

  const remove = async (scope: 'me' | 'everyone') => {
    try {
      setError(null);
      await store.deleteMessage(m, scope);
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <li id={`message-${m.id}`} tabIndex={-1} aria-label={accessibleName}
      className={`message ${mine ? 'mine' : 'theirs'} ${highlighted ? 'highlighted' : ''} ${groupedWithPrevious ? 'grouped' : ''}`}>
      <div className={`bubble ${deleted ? 'deleted' : ''}`}>
        {senderName && <p className="message-sender">{senderName}</p>}
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
            {m.attachments && <MessageAttachments conversationId={m.conversationId} attachments={m.attachments} />}
          </>
        )}
        <span className="message-meta">
          {m.editedAt && !deleted && <span className="edited">edited</span>}
          <time dateTime={new Date(m.createdAt).toISOString()}>{clockTime(m.createdAt)}</time>
          {status && !deleted && <MessageStatus status={status} isGroup={isGroup} />}
        </span>
        <FormError message={error} />
      </div>
      {!editing && (
        <MessageMenu
          canEdit={mine && !deleted}
          canDeleteForEveryone={canDeleteForEveryone && !deleted}
          onEdit={() => setEditing(true)}
          onDelete={(scope) => void remove(scope)}
          onReport={!mine && !deleted ? () => setReporting(true) : undefined}
        />
      )}
      {reporting && <ReportDialog message={m} onClose={() => setReporting(false)} />}
    </li>
  );
}, (a, b) =>
  a.message === b.message && a.mine === b.mine && a.senderName === b.senderName && a.isGroup === b.isGroup &&
  a.canDeleteForEveryone === b.canDeleteForEveryone && a.highlighted === b.highlighted && a.groupedWithPrevious === b.groupedWithPrevious &&
  a.accessibleName === b.accessibleName && a.status?.tick === b.status?.tick && a.status?.readBy === b.status?.readBy && a.status?.of === b.status?.of);
