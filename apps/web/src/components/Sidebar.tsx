import { useTranslation } from 'react-i18next';
import { Button, Menu, MenuItem, MenuTrigger, Popover, Tooltip, TooltipTrigger } from 'react-aria-components';
import { useChat, useServices } from '../state/app-context';
import { navigate, type Route } from '../state/router';
import { Avatar } from './Avatar';
import { ConversationList } from './ConversationList';
import { Icon } from './Icon';
import { Link } from './Link';
import { MailboxList } from './MailboxList';
import { NavTabs } from './NavTabs';
import { NotificationBell } from './notifications/NotificationBell';
import { SearchPanel } from './search/SearchPanel';

/** The left pane: who I am, one "New chat" action, search, and the list the route names. */
export function Sidebar({ route }: { route: Route }) {
  const { t } = useTranslation();
  const { ui } = useServices();
  const me = useChat((s) => s.me);
  const activeId = route.name === 'conversation' || route.name === 'conversationInfo' ? route.id : null;
  return (
    <section className="sidebar" aria-label={t('sidebar.label')}>
      <header className="sidebar-header">
        <Link to="/settings" className="me-link" aria-label={t('sidebar.profile', { name: me?.displayName ?? '' })}>
          <Avatar name={me?.displayName ?? '?'} url={me?.avatarUrl ?? null} seed={me?.id ?? ''} size={34} />
        </Link>
        <span className="sidebar-title" aria-hidden="true">{t('app.name')}</span>
        <div className="sidebar-actions">
          <NotificationBell route={route} />
          <TooltipTrigger delay={600} closeDelay={0}>
            <Button className="button primary new-chat-button" onPress={() => navigate('/new')}>
              <Icon name="compose" size={18} />
              <span>{t('sidebar.newChat')}</span>
            </Button>
            <Tooltip className="tooltip" offset={6}>{t('sidebar.newChatHint')}</Tooltip>
          </TooltipTrigger>
          <MenuTrigger>
            <Button className="icon-button" aria-label={t('sidebar.more')}>
              <Icon name="more" />
            </Button>
            <Popover className="popover" placement="bottom end">
              <Menu className="menu" aria-label={t('sidebar.more')} onAction={(key) => {
                if (key === 'settings') navigate('/settings');
                else if (key === 'admin') navigate('/admin');
                else if (key === 'shortcuts') ui.setShortcutsOpen(true);
              }}>
                <MenuItem id="settings" className="menu-item"><Icon name="settings" size={18} />{t('sidebar.settings')}</MenuItem>
                <MenuItem id="shortcuts" className="menu-item"><Icon name="keyboard" size={18} />{t('sidebar.shortcuts')}</MenuItem>
                {me?.role === 'admin' && <MenuItem id="admin" className="menu-item"><Icon name="shield" size={18} />{t('sidebar.admin')}</MenuItem>}
              </Menu>
            </Popover>
          </MenuTrigger>
        </div>
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
    </section>
  );
}
