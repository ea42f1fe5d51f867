import { useTranslation } from 'react-i18next';
import { Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';

const MOD = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

/** The list of keyboard shortcuts ("?" or the sidebar's menu). */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const rows: [string[], string][] = [
    [[MOD, 'K'], t('shortcuts.jump')],
    [['Alt', '↓'], t('shortcuts.nextUnread')],
    [['Alt', '↑'], t('shortcuts.previousUnread')],
    [['↑'], t('shortcuts.editLast')],
    [['Enter'], t('shortcuts.send')],
    [['Shift', 'Enter'], t('shortcuts.newLine')],
    [['Esc'], t('shortcuts.close')],
    [['?'], t('shortcuts.help')],
  ];
  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal">
        <Dialog className="dialog">
          <Heading slot="title" className="dialog-title">{t('shortcuts.title')}</Heading>
          <dl className="shortcut-list">
            {rows.map(([keys, what]) => (
              <div key={what} className="shortcut-row">
                <dt>{keys.map((k, i) => <kbd key={i}>{k}</kbd>)}</dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
          <div className="form-actions">
            <button type="button" className="primary" onClick={onClose} autoFocus>{t('common.close')}</button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
