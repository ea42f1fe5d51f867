import { useChat } from '../state/app-context';
import type { Route } from '../state/router';
import { Avatar } from './Avatar';
import { ConversationList } from './ConversationList';
import { Link } from './Link';
import { MailboxList } from './MailboxList';
import { NavTabs } from './NavTabs';
import { Icon } from './Icon';
import { SearchPanel } from './search/SearchPanel';
import { NotificationBell } from './notifications/NotificationBell';

/** The left pane: who I am, the main actions, and the list the route names. */
export function Sidebar({ route }: { route: Route }) {
  const me = useChat((s) => s.me);
  const activeId = route.name === 'conversation' || route.name === 'conversationInfo' ? route.id : null;
  return (
    <aside className="sidebar" aria-label="Conversations">
      <header className="sidebar-header">
        <Link to="/settings" className="me-link" aria-label="Profile and settings">
          <Avatar name={me?.displayName ?? '?'} url={me?.avatarUrl ?? null} seed={me?.id ?? ''} size={36} />
        </Link>
        <h1 className="sidebar-title">Parley</h1>
        <nav className="sidebar-actions" aria-label="Actions">
          <NotificationBell route={route} />
          <Link to="/compose" className="icon-button" aria-label="New message" title="New message"><Icon name="compose" /></Link>
          <Link to="/groups/new" className="icon-button" aria-label="New group" title="New group"><Icon name="group" /></Link>
          <Link to="/people" className="icon-button" aria-label="Find people" title="Find people"><Icon name="people" /></Link>
          <Link to="/settings" className="icon-button" aria-label="Settings" title="Settings"><Icon name="settings" /></Link>
          {me?.role === 'admin' && <Link to="/admin" className="icon-button admin-link" title="Reports (admin)">Admin</Link>}
        </nav>
      </header>
      <SearchPanel />
      <NavTabs current={route.name} />
      <div className="sidebar-list">
        {route.name === 'received' || route.name === 'sent' ? (
          <MailboxList key={route.name} box={route.name} />
        ) : (
          <ConversationList archived={route.name === 'archived'} activeId={activeId} />
        )}
      </div>
    </aside>
  );
}
