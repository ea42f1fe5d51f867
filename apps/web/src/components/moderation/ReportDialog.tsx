import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { LIMITS, type Message } from '@parley/protocol';
import { useServices } from '../../state/app-context';
import { describeError } from '../../state/errors';
import { messageBody } from '../../state/message-text';
import { FormError } from '../FormError';
import './moderation.css';

/** Asks for a reason and reports the message to the admins (React Aria modal: focus stays inside, Escape closes). */
export function ReportDialog({ message, onClose }: { message: Message; onClose: () => void }) {
  const { t } = useTranslation();
  const { client } = useServices();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return setError(t('report.needReason'));
    setBusy(true);
    setError(null);
    try {
      await client.request('reportMessage', { params: { id: message.conversationId, messageId: message.id }, body: { reason: reason.trim() } });
      setDone(true);
    } catch (err) {
      setError((err as { code?: string }).code === 'CONFLICT' ? t('report.already') : describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal">
        <Dialog className="dialog report-dialog">
          <Heading slot="title" className="dialog-title">{t('report.title')}</Heading>
          {done ? (
            <>
              <p role="status">{t('report.thanks')}</p>
              <div className="form-actions">
                <button type="button" className="primary" onClick={onClose} autoFocus>{t('common.close')}</button>
              </div>
            </>
          ) : (
            <form onSubmit={(e) => void submit(e)} noValidate>
              <blockquote className="report-quote">{messageBody(message)}</blockquote>
              <div className="field">
                <label htmlFor={`report-reason-${message.id}`}>{t('report.reason')}</label>
                <textarea id={`report-reason-${message.id}`} value={reason} maxLength={LIMITS.reportReasonMax} rows={3} autoFocus
                  onChange={(e) => setReason(e.target.value)} placeholder={t('report.placeholder')} />
              </div>
              <FormError message={error} />
              <div className="form-actions">
                <button type="button" onClick={onClose}>{t('common.cancel')}</button>
                <button type="submit" className="primary" disabled={busy}>{t('report.send')}</button>
              </div>
            </form>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
