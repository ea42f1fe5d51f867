import { useTranslation } from 'react-i18next';
import { useChat } from '../state/app-context';
import { Icon } from './Icon';

/** Shown whenever the client is not online; what is typed meanwhile waits in the outbox. */
export function OfflineBanner() {
  const { t } = useTranslation();
  const status = useChat((s) => s.status);
  const pending = useChat((s) => s.outbox.length);
  if (status === 'online') return null;
  return (
    <div className="offline-banner" role="status" aria-live="polite">
      <Icon name="offline" size={16} />
      <span>{status === 'connecting' ? t('offline.connecting') : t('offline.offline')}</span>
      {pending > 0 && <span className="offline-pending">{t('offline.waiting', { count: pending })}</span>}
    </div>
  );
}
