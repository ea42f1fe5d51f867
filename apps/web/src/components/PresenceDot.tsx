import { useTranslation } from 'react-i18next';
import type { Presence } from '@parley/protocol';

/** Green when online; nothing when hidden or unknown (privacy: no hint at all). */
export function PresenceDot({ presence }: { presence: Presence | undefined }) {
  const { t } = useTranslation();
  if (!presence || presence.status !== 'online') return null;
  return <span className="presence-dot online" role="img" aria-label={t('presence.online')} />;
}
