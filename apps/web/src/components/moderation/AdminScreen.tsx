import { useCallback, useEffect, useState } from 'react';
import type { AdminReport } from '@parley/protocol';
import { useChat, useServices } from '../../state/app-context';
import { describeError } from '../../state/errors';
import { clockTime } from '../../state/format';
import { FormError } from '../FormError';
import { ScreenHeader } from '../ScreenHeader';
import './moderation.css';

/** Open reports for admins: delete the message for everyone, resolve, or suspend its sender. */
export function AdminScreen() {
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
      <section className="screen" aria-label="Admin">
        <ScreenHeader title="Not found" />
        <p className="screen-form muted">There is nothing here.</p>
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
    <section className="screen" aria-label="Admin">
      <ScreenHeader title="Reports" />
      <div className="screen-form">
        <FormError message={error} />
        {notice && <p role="status" className="muted">{notice}</p>}
        {reports === null ? (
          <p className="muted">Loading…</p>
        ) : reports.length === 0 ? (
          <p className="muted">No open reports.</p>
        ) : (
          <ul className="report-list" aria-label="Open reports">
            {reports.map((r) => (
              <li key={r.id} className="report-item" aria-label={`Report by ${r.reporter.username}`}>
                <p className="report-meta">
                  <strong>@{r.reporter.username}</strong> reported {r.sender ? <strong>@{r.sender.username}</strong> : 'a message'} at {clockTime(r.createdAt)}
                </p>
                <p className="report-reason">“{r.reason}”</p>
                <blockquote className="report-quote">{r.message && r.message.deletedAt === null ? r.message.body : 'This message was deleted'}</blockquote>
                <p className="muted report-where">Conversation {r.conversationId}</p>
                <div className="form-actions">
                  {r.message && r.message.deletedAt === null && (
                    <button type="button" className="danger"
                      onClick={() => void act(() => client.request('adminDeleteMessage', { params: { id: r.conversationId, messageId: r.messageId } }), 'Message deleted for everyone.')}>
                      Delete message
                    </button>
                  )}
                  {r.sender && (
                    <button type="button" className="danger"
                      onClick={() => void act(() => client.request('adminSuspendUser', { params: { userId: r.sender!.id } }), `@${r.sender!.username} is suspended.`)}>
                      Suspend {r.sender.username}
                    </button>
                  )}
                  <button type="button" onClick={() => void act(() => client.request('adminResolveReport', { params: { reportId: r.id } }), 'Report resolved.')}>
                    Resolve
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
