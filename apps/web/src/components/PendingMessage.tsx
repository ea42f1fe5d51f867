import { useTranslation } from 'react-i18next';
import { draftOf, type OutboxItem } from '@parley/client';
import { clockTime } from '../state/format';
import { Icon } from './Icon';
import { RichText } from './RichText';
import { PaperclipIcon } from './attachments/icons';

/** A message still in the outbox: shown as mine, with a clock until the server acknowledges it. */
export function PendingMessage({ item }: { item: OutboxItem }) {
  const { t } = useTranslation();
  // Uploaded files travel as ids, files picked offline as references (items saved by older SDKs have neither).
  const files = (item.attachmentIds?.length ?? 0) + (item.files?.length ?? 0);
  // The app queues text; a queued draft of another kind shows no words until it is sent.
  const draft = draftOf(item);
  const text = draft.kind === 'text' ? { title: draft.content.title ?? null, body: draft.content.body } : { title: null, body: '' };
  return (
    <li className="message mine pending" aria-label={t('message.waiting')}>
      <div className="message-row">
        <div className="bubble">
          {text.title && <p className="message-title">{text.title}</p>}
          {files > 0 && (
            <p className="pending-files" data-testid="pending-attachments">
              <PaperclipIcon /> {t('message.files', { count: files })}
            </p>
          )}
          <p className="message-body">
            <span className="message-text"><RichText text={text.body} /></span>
            <span className="message-meta">
              <time>{clockTime(item.createdAt)}</time>
              <span className="tick" role="img" aria-label={t('status.sending')} title={t('status.sending')}><Icon name="clock" size={14} /></span>
            </span>
          </p>
        </div>
      </div>
    </li>
  );
}
