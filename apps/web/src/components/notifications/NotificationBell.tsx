import './notifications.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NOTIFICATION_COUNT_CAP, type Notification } from '@parley/protocol';
import { useServices } from '../../state/app-context';
import { listTime } from '../../state/format';
import { conversationPath, navigate, type Route } from '../../state/router';
import { FormError } from '../FormError';
import { notificationText as describe } from './notification-text';
import { useNotifications } from './use-notifications';

/**
 * The bell in the sidebar: unread count, and a panel with my notifications (newest
 * first). Opening one goes to its conversation (at the message) and marks it read.
 */
export function NotificationBell({ route }: { route: Route }) {
  const { t } = useTranslation();
  const { client } = useServices();
  const focusedId = route.name === 'conversation' ? route.id : null;
  const { items, unread, hasMore, error, markRead, markAll, loadMore } = useNotifications(client, focusedId);
  const [open, setOpen] = useState(false);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  const shown = unread >= NOTIFICATION_COUNT_CAP ? `${NOTIFICATION_COUNT_CAP - 1}+` : String(unread);
  const choose = (n: Notification) => {
    void markRead(n);
    setOpen(false);
    navigate(conversationPath(n.conversationId, n.messageId ?? undefined));
  };

  return (
    <div className="notification-bell">
      <button
        type="button"
        className="icon-button bell-button"
        aria-label={unread > 0 ? t('bell.labelUnread', { count: unread }) : t('bell.label')}
        aria-expanded={open}
        aria-controls="notification-panel"
        title={t('bell.label')}
        onClick={() => setOpen(!open)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        {unread > 0 && <span className="bell-badge" data-testid="notification-count">{shown}</span>}
      </button>
      {open && (
        <div className="notification-panel" id="notification-panel" role="dialog" aria-label={t('bell.label')} ref={panel}>
          <div className="notification-panel-header">
            <h2>{t('bell.label')}</h2>
            <button type="button" className="link-button" disabled={unread === 0} onClick={() => void markAll()}>{t('bell.markAll')}</button>
          </div>
          <FormError message={error} />
          {items.length === 0 ? (
            <p className="muted notification-empty">{t('bell.empty')}</p>
          ) : (
            <ul className="notification-list" aria-label={t('bell.list')}>
              {items.map((n) => (
                <li key={n.id} className={n.readAt === null ? 'notification unread' : 'notification'}>
                  <button type="button" className="notification-open" onClick={() => choose(n)}>
                    <span className="notification-title">{describe(n)}</span>
                    {n.preview && <span className="notification-preview">{n.preview}</span>}
                    <span className="notification-time">{listTime(n.createdAt)}</span>
                  </button>
                  {n.readAt === null && (
                    <button type="button" className="link-button notification-read" aria-label={t('bell.markReadOf', { what: describe(n) })} onClick={() => void markRead(n)}>{t('bell.markRead')}</button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {hasMore && <button type="button" className="link-button" onClick={() => void loadMore()}>{t('bell.older')}</button>}
        </div>
      )}
    </div>
  );
}
