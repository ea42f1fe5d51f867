import type { Route } from '../state/router';
import { Link } from './Link';

const TABS = [
  { name: 'chats', to: '/', label: 'Chats' },
  { name: 'archived', to: '/archived', label: 'Archived' },
  { name: 'received', to: '/received', label: 'Received' },
  { name: 'sent', to: '/sent', label: 'Sent' },
] as const;

/** Which list the sidebar shows; the current one is marked for assistive tech. */
export function NavTabs({ current }: { current: Route['name'] }) {
  const listName = TABS.some((t) => t.name === current) ? current : 'chats';
  return (
    <nav className="nav-tabs" aria-label="Lists">
      {TABS.map((t) => (
        <Link key={t.name} to={t.to} className={`nav-tab ${listName === t.name ? 'active' : ''}`} aria-current={listName === t.name ? 'page' : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
