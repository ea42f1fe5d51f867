import { useTranslation } from 'react-i18next';
import { useServices, useUiState } from '../state/app-context';
import { IconButton } from './IconButton';

/** Short confirmations ("Conversation archived") with an optional Undo, announced politely. */
export function Toasts() {
  const { t } = useTranslation();
  const { ui } = useServices();
  const toasts = useUiState((s) => s.toasts);
  return (
    <section className="toasts" aria-label={t('toast.region')} role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className="toast">
          <span className="toast-text">{toast.text}</span>
          {toast.action && (
            <button type="button" className="toast-action" onClick={() => { toast.action!.run(); ui.dismiss(toast.id); }}>
              {toast.action.label}
            </button>
          )}
          <IconButton icon="close" label={t('common.dismiss')} className="toast-close" onPress={() => ui.dismiss(toast.id)} />
        </div>
      ))}
    </section>
  );
}
