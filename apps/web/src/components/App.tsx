import { useEffect, useMemo, useState } from 'react';
import type { ParleyClient } from '@parley/client';
import { AppContext } from '../state/app-context';
import type { ChatStore } from '../state/chat-store';
import type { UiStore } from '../state/ui';
import { LoginScreen } from './LoginScreen';
import { Shell } from './Shell';

/** Why the login screen shows again: a catalogue key, or nothing after a plain logout. */
type Ended = 'sessionEnded' | 'accountDeleted' | null;

/**
 * The auth gate: a saved session (restored before the first render) skips the login screen; the store runs while a
 * session exists and stops when it ends (logout, revoked, refresh refused, account erased).
 */
export function App({ client, store, ui, restored }: { client: ParleyClient; store: ChatStore; ui: UiStore; restored: boolean }) {
  const [loggedIn, setLoggedIn] = useState(restored);
  const [ended, setEnded] = useState<Ended>(null);
  const services = useMemo(() => ({ client, store, ui }), [client, store, ui]);

  useEffect(() => {
    if (!loggedIn) return;
    store.start();
    const off = client.on('sessionEnded', (reason) => {
      setEnded(ui.getState().erasing ? 'accountDeleted' : reason === 'logout' ? null : 'sessionEnded');
      ui.setErasing(false);
      setLoggedIn(false);
    });
    return () => {
      off();
      store.stop();
    };
  }, [loggedIn, client, store, ui]);

  useEffect(() => {
    // Browsers keep a dead socket open for a long time after the network goes; drop it now.
    const offline = () => store.networkLost();
    const online = () => store.networkBack();
    const visibility = () => store.setVisible(document.visibilityState === 'visible');
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    document.addEventListener('visibilitychange', visibility);
    visibility();
    return () => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      document.removeEventListener('visibilitychange', visibility);
    };
  }, [store]);

  return (
    <AppContext.Provider value={services}>
      {loggedIn ? <Shell /> : <LoginScreen notice={ended} onLoggedIn={() => { setEnded(null); setLoggedIn(true); }} />}
    </AppContext.Provider>
  );
}
