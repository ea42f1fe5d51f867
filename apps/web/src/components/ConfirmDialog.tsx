import { Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useTranslation } from 'react-i18next';

/** "Are you sure?" for what cannot be undone (React Aria modal: focus kept inside, Escape cancels). */
export function ConfirmDialog({ title, text, confirmLabel, onConfirm, onCancel }: {
  title: string;
  text: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && onCancel()}>
      <Modal className="modal">
        <Dialog className="dialog" role="alertdialog">
          <Heading slot="title" className="dialog-title">{title}</Heading>
          <p className="dialog-text">{text}</p>
          <div className="form-actions">
            <button type="button" onClick={onCancel} autoFocus>{t('common.cancel')}</button>
            <button type="button" className="danger-solid" onClick={onConfirm}>{confirmLabel}</button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
