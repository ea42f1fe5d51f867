import { useTranslation } from 'react-i18next';
import type { Route } from '../state/router';
import { Link } from './Link';

const TABS = [
  { name: 'chats', to: '/' },
  { name: 'archived', to: '/archived' },
  { name: 'received', to: '/received' },
  { name: 'sent', to: '/sent' },
] as const;

/** Which list the sidebar shows; the current one is marked for assistive tech. */
export function NavTabs({ current }: { current: Route['name'] }) {
  const { t } = useTranslation();
  const listName = TABS.some((x) => x.name === current) ? current : 'chats';
  return (
    <nav className="nav-tabs" aria-label={t('nav.label')}>
      {TABS.map((x) => (
        <Link key={x.name} to={x.to} className={`nav-tab ${listName === x.name ? 'active' : ''}`} aria-current={listName === x.name ? 'page' : undefined}>
          {t(`nav.${x.name}`)}
        </Link>
      ))}
    </nav>
  );
}
