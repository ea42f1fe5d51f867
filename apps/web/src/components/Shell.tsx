import { useRoute, type Route } from '../state/router';
import { ComposeScreen } from './ComposeScreen';
import { ConversationInfo } from './ConversationInfo';
import { ConversationView } from './ConversationView';
import { DocumentTitle } from './DocumentTitle';
import { EmptyPane } from './EmptyPane';
import { NewGroupScreen } from './NewGroupScreen';
import { OfflineBanner } from './OfflineBanner';
import { PeopleScreen } from './PeopleScreen';
import { SettingsScreen } from './SettingsScreen';
import { Sidebar } from './Sidebar';
import { AdminScreen } from './moderation/AdminScreen';

const LIST_ROUTES: ReadonlySet<Route['name']> = new Set(['chats', 'archived', 'received', 'sent']);

function MainPane({ route }: { route: Route }) {
  switch (route.name) {
    case 'conversation':
      return <ConversationView key={route.id} id={route.id} focusMessageId={route.messageId} />;
    case 'conversationInfo':
      return <ConversationInfo key={route.id} id={route.id} />;
    case 'compose':
      return <ComposeScreen to={route.to} />;
    case 'newGroup':
      return <NewGroupScreen />;
    case 'people':
      return <PeopleScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'admin':
      return <AdminScreen />;
    default:
      return <EmptyPane />;
  }
}

/**
 * Two panes on wide screens; on narrow ones (CSS, below 760 px) only the list or only
 * the open screen, chosen by the route, so each is a screen of its own on a phone.
 */
export function Shell() {
  const route = useRoute();
  const pane = LIST_ROUTES.has(route.name) ? 'list' : 'main';
  return (
    <div className="shell" data-pane={pane}>
      <DocumentTitle />
      <OfflineBanner />
      <div className="panes">
        <Sidebar route={route} />
        <main className="main-pane" id="main">
          <MainPane route={route} />
        </main>
      </div>
    </div>
  );
}
