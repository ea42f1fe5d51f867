import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '@parley/protocol';
import { useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { clockTime } from '../state/format';
import { messageBody, messageTitle } from '../state/message-text';
import type { MessageStatus as Status } from '../state/receipts';
import { ConfirmDialog } from './ConfirmDialog';
import { FormError } from './FormError';
import { MessageEditor } from './MessageEditor';
import { MessageMenu, type MessageAction } from './MessageMenu';
import { MessageTicks, ReadBy } from './MessageStatus';
import { MessageAttachments } from './attachments/MessageAttachments';
import { rendererOf } from './messages/renderers';
import { ReportDialog } from './moderation/ReportDialog';

interface Props {
  message: Message;
  mine: boolean;
  /** Shown above the text (groups, someone else's first message in a row). */
  senderName: string | null;
  /** For my messages: the tick. */
  status: Status | null;
  /** My newest message in a group: says how many read it (once, not on every bubble). */
  showReadBy: boolean;
  canDeleteForEveryone: boolean;
  /** May be removed by the menu (not in a conversation I was removed from). */
  readOnly: boolean;
  highlighted: boolean;
  groupedWithPrevious: boolean;
  accessibleName: string;
  /** Asked to edit from outside (the Up arrow in an empty composer). */
  editing: boolean;
  onEditingChange: (id: string | null) => void;
}

/** One message. Memoised on plain props: a new message or receipt re-renders only what changed. */
export const MessageItem = memo(function MessageItem({ message: m, mine, senderName, status, showReadBy, canDeleteForEveryone, readOnly, highlighted, groupedWithPrevious, accessibleName, editing, onEditingChange }: Props) {
  const { t } = useTranslation();
  const { store, ui } = useServices();
  const [reporting, setReporting] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const deleted = m.deletedAt !== null || m.content === null;
  const title = messageTitle(m);
  const renderer = rendererOf(m);

  const remove = async (scope: 'me' | 'everyone') => {
    try {
      setError(null);
      await store.deleteMessage(m, scope);
      ui.toast(scope === 'me' ? t('toast.deletedForMe') : t('toast.deletedForAll'));
    } catch (err) {
      setError(describeError(err));
    }
  };
  const actions: MessageAction[] = deleted || readOnly ? [] : [
    ...(mine && renderer.editable ? (['edit'] as const) : []),
    'copy',
    'deleteMe',
    ...(canDeleteForEveryone ? (['deleteAll'] as const) : []),
    ...(!mine ? (['report'] as const) : []),
  ];
  const onAction = (a: MessageAction) => {
    if (a === 'edit') onEditingChange(m.id);
    else if (a === 'copy') void navigator.clipboard?.writeText(messageBody(m)).then(() => ui.toast(t('toast.copied')), () => {});
    else if (a === 'deleteMe') void remove('me');
    else if (a === 'deleteAll') setConfirming(true);
    else setReporting(true);
  };

  return (
    <li id={`message-${m.id}`} tabIndex={-1} aria-label={accessibleName}
      className={`message ${mine ? 'mine' : 'theirs'} ${highlighted ? 'highlighted' : ''} ${groupedWithPrevious ? 'grouped' : ''}`}>
      <div className="message-row">
        <div className={`bubble ${deleted ? 'deleted' : ''} ${editing ? 'editing' : ''}`}>
          {senderName && <p className="message-sender">{senderName}</p>}
          {deleted ? (
            <p className="message-body deleted-text">{t('message.deletedText')}</p>
          ) : editing ? (
            <MessageEditor initial={messageBody(m)} onCancel={() => onEditingChange(null)} onSave={async (body) => {
              await store.edit(m, body);
              onEditingChange(null);
            }} />
          ) : (
            <>
              {title && <p className="message-title">{title}</p>}
              {m.attachments && <MessageAttachments conversationId={m.conversationId} attachments={m.attachments} />}
              <p className="message-body">
                <span className="message-text">{m.content !== null && <renderer.Body content={m.content} />}</span>
                <span className="message-meta">
                  {m.editedAt && <span className="edited">{t('message.edited')}</span>}
                  <time dateTime={new Date(m.createdAt).toISOString()}>{clockTime(m.createdAt)}</time>
                  {status && <MessageTicks status={status} />}
                </span>
              </p>
            </>
          )}
          <FormError message={error} />
        </div>
        {!editing && actions.length > 0 && <MessageMenu actions={actions} onAction={onAction} />}
      </div>
      {showReadBy && status && !deleted && <ReadBy status={status} />}
      {reporting && <ReportDialog message={m} onClose={() => setReporting(false)} />}
      {confirming && (
        <ConfirmDialog title={t('message.confirmDeleteTitle')} text={t('message.confirmDeleteText')} confirmLabel={t('message.deleteAll')}
          onCancel={() => setConfirming(false)} onConfirm={() => { setConfirming(false); void remove('everyone'); }} />
      )}
    </li>
  );
}, (a, b) =>
  a.message === b.message && a.mine === b.mine && a.senderName === b.senderName && a.showReadBy === b.showReadBy && a.readOnly === b.readOnly &&
  a.canDeleteForEveryone === b.canDeleteForEveryone && a.highlighted === b.highlighted && a.groupedWithPrevious === b.groupedWithPrevious &&
  a.accessibleName === b.accessibleName && a.editing === b.editing && a.onEditingChange === b.onEditingChange &&
  a.status?.tick === b.status?.tick && a.status?.readBy === b.status?.readBy && a.status?.of === b.status?.of);
