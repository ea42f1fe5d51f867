import { useTranslation } from 'react-i18next';
import { useCallback, useEffect, useState } from 'react';
import type { AdminReport } from '@parley/protocol';
import { useChat, useServices } from '../../state/app-context';
import { messageBody } from '../../state/message-text';
import { describeError } from '../../state/errors';
import { clockTime } from '../../state/format';
import { FormError } from '../FormError';
import { ScreenHeader } from '../ScreenHeader';
import './moderation.css';

/** Open reports for admins: delete the message for everyone, resolve, or suspend its sender. */
export function AdminScreen() {
  const { t } = useTranslation();
  const { client } = useServices();
  const isAdmin = useChat((s) => s.me?.role === 'admin');
  const [reports, setReports] = useState<AdminReport[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setReports((await client.request('adminListReports', { query: { limit: 100 } })).reports);
    } catch (err) {
      setError(describeError(err));
    }
  }, [client]);

  useEffect(() => {
    if (isAdmin) void load();
  }, [isAdmin, load]);

  if (!isAdmin) {
    return (
      <section className="screen" aria-label={t('admin.label')}>
        <ScreenHeader title={t('admin.notFound')} />
        <p className="screen-form muted">{t('admin.nothing')}</p>
      </section>
    );
  }

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      await fn();
      setNotice(done);
      await load();
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section className="screen" aria-label={t('admin.label')}>
      <ScreenHeader title={t('admin.reports')} />
      <div className="screen-form">
        <FormError message={error} />
        {notice && <p role="status" className="muted">{notice}</p>}
        {reports === null ? (
          <p className="muted">{t('common.loading')}</p>
        ) : reports.length === 0 ? (
          <p className="muted">{t('admin.none')}</p>
        ) : (
          <ul className="report-list" aria-label={t('admin.open')}>
            {reports.map((r) => (
              <li key={r.id} className="report-item" aria-label={t('admin.reportBy', { username: r.reporter.username })}>
                <p className="report-meta">
                  {t('admin.reported', { reporter: r.reporter.username, sender: r.sender ? `@${r.sender.username}` : t('admin.aMessage'), time: clockTime(r.createdAt) })}
                </p>
                <p className="report-reason">{t('admin.reason', { reason: r.reason })}</p>
                <blockquote className="report-quote">{r.message && r.message.deletedAt === null ? messageBody(r.message) : t('message.deletedText')}</blockquote>
                <p className="muted report-where">{t('admin.where', { id: r.conversationId })}</p>
                <div className="form-actions">
                  {r.message && r.message.deletedAt === null && (
                    <button type="button" className="danger"
                      onClick={() => void act(() => client.request('adminDeleteMessage', { params: { id: r.conversationId, messageId: r.messageId } }), t('admin.deleted'))}>
                      {t('admin.deleteMessage')}
                    </button>
                  )}
                  {r.sender && (
                    <button type="button" className="danger"
                      onClick={() => void act(() => client.request('adminSuspendUser', { params: { userId: r.sender!.id } }), t('admin.suspended', { username: r.sender!.username }))}>
                      {t('admin.suspend', { username: r.sender.username })}
                    </button>
                  )}
                  <button type="button" onClick={() => void act(() => client.request('adminResolveReport', { params: { reportId: r.id } }), t('admin.resolved'))}>
                    {t('admin.resolve')}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
