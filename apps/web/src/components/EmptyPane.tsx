import { useTranslation } from 'react-i18next';
import { Link } from './Link';

/** Two speech bubbles, drawn (no emoji: a device without an emoji font shows a box). */
function Illustration() {
  return (
    <svg className="empty-illustration" width="120" height="96" viewBox="0 0 120 96" aria-hidden="true" focusable="false">
      <rect x="6" y="10" width="72" height="46" rx="14" className="illu-a" />
      <path d="M22 56v14l14-14z" className="illu-a" />
      <rect x="42" y="36" width="72" height="44" rx="14" className="illu-b" />
      <path d="M98 80v12L86 80z" className="illu-b" />
      <rect x="20" y="24" width="40" height="6" rx="3" className="illu-line" />
      <rect x="20" y="36" width="28" height="6" rx="3" className="illu-line" />
      <rect x="56" y="50" width="44" height="6" rx="3" className="illu-line-b" />
      <rect x="56" y="62" width="30" height="6" rx="3" className="illu-line-b" />
    </svg>
  );
}

export function EmptyPane() {
  const { t } = useTranslation();
  return (
    <div className="empty-pane">
      <Illustration />
      <h2>{t('empty.title')}</h2>
      <p>{t('empty.text')}</p>
      <div className="empty-actions">
        <Link className="button primary" to="/new">{t('empty.start')}</Link>
      </div>
      <p className="empty-hint">{t('empty.hint')}</p>
    </div>
  );
}
