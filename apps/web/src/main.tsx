import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { ChatStore } from './state/chat-store';
import { createClient } from './state/client';
import './styles/base.css';
import './styles/layout.css';
import './styles/lists.css';
import './styles/conversation.css';
import './styles/forms.css';

const client = createClient();
// Restored before the store is built, so the first render already knows who is logged in.
const restored = client.restoreSession();
const store = new ChatStore(client);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} store={store} restored={restored} />
  </StrictMode>,
);
