import { useTranslation } from 'react-i18next';
import { isInfo, useRoute, type Route } from '../state/router';
import { AdminScreen } from './moderation/AdminScreen';
import { Announcer } from './Announcer';
import { ConversationInfo } from './ConversationInfo';
import { ConversationView } from './ConversationView';
import { DocumentTitle } from './DocumentTitle';
import { EmptyPane } from './EmptyPane';
import { NewChatScreen } from './NewChatScreen';
import { OfflineBanner } from './OfflineBanner';
import { SettingsScreen } from './SettingsScreen';
import { Shortcuts } from './shortcuts/Shortcuts';
import { Sidebar } from './Sidebar';
import { Toasts } from './Toasts';

const LIST_ROUTES: ReadonlySet<Route['name']> = new Set(['chats', 'archived', 'received', 'sent']);

function MainPane({ route }: { route: Route }) {
  switch (route.name) {
    case 'conversation':
      return <ConversationView key={route.id} id={route.id} focusMessageId={route.messageId} />;
    case 'conversationInfo':
      // Details sit beside the chat on wide screens; on a phone (CSS) they are a screen of their own.
      return <ConversationView key={route.id} id={route.id} focusMessageId={null} />;
    case 'newChat':
      return <NewChatScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'admin':
      return <AdminScreen />;
    default:
      return <EmptyPane />;
  }
}

/**
 * Two panes on wide screens (three with a conversation's details); on narrow ones (CSS,
 * below 760 px) only the list or only the open screen, chosen by the route, so each is a
 * screen of its own on a phone.
 */
export function Shell() {
  const { t } = useTranslation();
  const route = useRoute();
  const pane = LIST_ROUTES.has(route.name) ? 'list' : isInfo(route) ? 'info' : 'main';
  return (
    <div className="shell" data-pane={pane}>
      <a href="#content" className="skip-link">{t('a11y.skipToMain')}</a>
      <DocumentTitle />
      <OfflineBanner />
      {/* One main landmark for every layout: on a phone the list alone is the screen. */}
      <main className="panes" id="main">
        <h1 className="visually-hidden">{t('app.name')}</h1>
        <Sidebar route={route} />
        <div className="main-pane" id="content" tabIndex={-1}>
          <MainPane route={route} />
        </div>
        {isInfo(route) && <ConversationInfo key={route.id} id={route.id} />}
      </main>
      <Announcer />
      <Toasts />
      <Shortcuts route={route} />
    </div>
  );
}
