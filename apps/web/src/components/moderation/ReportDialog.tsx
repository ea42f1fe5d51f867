import { useEffect, useRef, useState } from 'react';
import { LIMITS, type Message } from '@parley/protocol';
import { useServices } from '../../state/app-context';
import { describeError } from '../../state/errors';
import { FormError } from '../FormError';
import './moderation.css';

/** Asks for a reason and reports the message to the admins (a modal dialog: focus stays inside, Escape closes). */
export function ReportDialog({ message, onClose }: { message: Message; onClose: () => void }) {
  const { client } = useServices();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return setError('Please say what is wrong with this message.');
    setBusy(true);
    setError(null);
    try {
      await client.request('reportMessage', { params: { id: message.conversationId, messageId: message.id }, body: { reason: reason.trim() } });
      setDone(true);
    } catch (err) {
      setError((err as { code?: string }).code === 'CONFLICT' ? 'You already reported this message.' : describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} className="report-dialog" aria-labelledby={`report-title-${message.id}`} onClose={onClose} onCancel={onClose}>
      <h3 id={`report-title-${message.id}`}>Report message</h3>
      {done ? (
        <>
          <p role="status">Thanks. The admins will look at it.</p>
          <div className="form-actions">
            <button type="button" className="primary" onClick={onClose} autoFocus>Close</button>
          </div>
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <blockquote className="report-quote">{message.body}</blockquote>
          <label htmlFor={`report-reason-${message.id}`}>Reason</label>
          <textarea id={`report-reason-${message.id}`} value={reason} maxLength={LIMITS.reportReasonMax} rows={3} autoFocus
            onChange={(e) => setReason(e.target.value)} placeholder="Spam, harassment, something else…" />
          <FormError message={error} />
          <div className="form-actions">
            <button type="button" onClick={onClose}>Cancel</button>
            <button type="submit" className="primary" disabled={busy}>Send report</button>
          </div>
        </form>
      )}
    </dialog>
  );
}
