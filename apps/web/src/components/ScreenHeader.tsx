import { useTranslation } from 'react-i18next';
import { Icon } from './Icon';
import { Link } from './Link';

/** Title bar of a main-pane screen; the back link matters on phones, where the list is another screen. */
export function ScreenHeader({ title, back = '/' }: { title: string; back?: string }) {
  const { t } = useTranslation();
  return (
    <header className="screen-header">
      <Link to={back} className="icon-button back-button" aria-label={t('common.back')}>
        <Icon name="back" />
      </Link>
      <h2>{title}</h2>
    </header>
  );
}
