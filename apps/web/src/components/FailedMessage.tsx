import { useTranslation } from 'react-i18next';
import type { FailedSend } from '../state/chat-store';
import { useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { Icon } from './Icon';
import { RichText } from './RichText';

/**
 * A send the server refused (blocked, filtered, too many): the text stays, marked, with
 * what went wrong and a way on — send again, take it back to the composer to edit, copy
 * it, or delete it.
 */
export function FailedMessage({ item }: { item: FailedSend }) {
  const { t } = useTranslation();
  const { store, ui } = useServices();
  const edit = () => {
    store.dropFailed(item);
    ui.putDraft(item.conversationId, item.body);
  };
  return (
    <li className="message mine failed" aria-label={t('failed.label')}>
      <div className="message-row">
        <div className="bubble">
          {item.title && <p className="message-title">{item.title}</p>}
          <p className="message-body"><RichText text={item.body} /></p>
        </div>
      </div>
      <div className="failed-bar" role="alert">
        <Icon name="warning" size={16} />
        <span className="failed-reason">{t('failed.reason', { reason: describeError(item.error, 'send') })}</span>
        <span className="failed-actions">
          <button type="button" className="link-button" onClick={() => store.retryFailed(item)}>{t('failed.retry')}</button>
          <button type="button" className="link-button" onClick={edit}>{t('failed.edit')}</button>
          <button type="button" className="link-button" onClick={() => void navigator.clipboard?.writeText(item.body).then(() => ui.toast(t('toast.copied')), () => {})}>{t('failed.copy')}</button>
          <button type="button" className="link-button" onClick={() => store.dropFailed(item)}>{t('failed.delete')}</button>
        </span>
      </div>
    </li>
  );
}
