import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { syncBadge } from './offline/badge';
import { persistStore } from './offline/hydrate';
import { registerServiceWorker } from './offline/service-worker';
import { initI18n } from './i18n/i18n';
import { ChatStore } from './state/chat-store';
import { createClient } from './state/client';
import { applyTheme } from './state/theme';
import { UiStore } from './state/ui';
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/lists.css';
import './styles/conversation.css';
import './styles/forms.css';
import './styles/overlays.css';

// Before the first render: the right language and theme from the first frame.
initI18n();
applyTheme();
const client = createClient();
// Restored before the store is built, so the first render already knows who is logged in.
const restored = client.restoreSession();
const store = new ChatStore(client);
const ui = new UiStore();
// Offline-first: the shell from the service worker, the store saved to the SDK's cache, the unread badge.
registerServiceWorker();
persistStore(client, store);
syncBadge(store);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} store={store} ui={ui} restored={restored} />
  </StrictMode>,
);
