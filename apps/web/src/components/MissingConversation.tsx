import { useTranslation } from 'react-i18next';
import { ScreenHeader } from './ScreenHeader';

/** A conversation I cannot see: not loaded yet, or never a member (the server says 404 alike). */
export function MissingConversation({ loading }: { loading: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="screen" aria-label={t('conversation.label')}>
      <ScreenHeader title={loading ? t('common.loading') : t('missing.title')} />
      <div className="conversation-missing">
        <p>{loading ? t('common.loading') : t('missing.text')}</p>
      </div>
    </section>
  );
}
