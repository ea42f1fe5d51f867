import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { FormError } from './FormError';

/** GDPR in the app: download everything of mine as JSON, or erase my account (password to confirm). */
export function YourData() {
  const { t } = useTranslation();
  const { client, ui } = useServices();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [erasing, setErasing] = useState(false);

  const exportData = async () => {
    setBusy(true);
    setError(null);
    try {
      const archive = await client.request('exportMyData');
      const url = URL.createObjectURL(new Blob([JSON.stringify(archive, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `parley-export-${client.user?.username ?? 'me'}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      ui.toast(t('data.exported'));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="settings-card" aria-labelledby="data-heading">
      <h3 id="data-heading" className="section-title">{t('data.title')}</h3>
      <p className="muted">{t('data.text')}</p>
      <FormError message={error} />
      <div className="form-actions spread">
        <button type="button" disabled={busy} onClick={() => void exportData()}>{t('data.export')}</button>
        <button type="button" className="danger" onClick={() => setErasing(true)}>{t('data.delete')}</button>
      </div>
      {erasing && <EraseDialog onClose={() => setErasing(false)} />}
    </section>
  );
}

function EraseDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { client, ui } = useServices();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!password) return setError(t('login.enterPassword'));
    setBusy(true);
    setError(null);
    // Set first: the server ends every session (and socket) before this request answers.
    ui.setErasing(true);
    try {
      await client.request('eraseAccount', { body: { password } });
      await client.logout();
    } catch (err) {
      ui.setErasing(false);
      setError(describeError(err, 'erase'));
      setBusy(false);
    }
  };

  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal">
        <Dialog className="dialog" role="alertdialog">
          <Heading slot="title" className="dialog-title">{t('data.deleteTitle')}</Heading>
          <form onSubmit={(e) => void submit(e)} noValidate>
            <p className="dialog-text">{t('data.deleteText')}</p>
            <div className="field">
              <label htmlFor="erase-password">{t('data.password')}</label>
              <input id="erase-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
            </div>
            <FormError message={error} />
            <div className="form-actions">
              <button type="button" onClick={onClose}>{t('common.cancel')}</button>
              <button type="submit" className="danger-solid" disabled={busy}>{t('data.deleteConfirm')}</button>
            </div>
          </form>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
