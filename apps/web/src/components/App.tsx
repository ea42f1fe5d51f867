import { useEffect, useMemo, useState } from 'react';
import type { ParleyClient } from '@parley/client';
import { AppContext } from '../state/app-context';
import type { ChatStore } from '../state/chat-store';
import { LoginScreen } from './LoginScreen';
import { Shell } from './Shell';

/**
 * The auth gate: a saved session (restored before the first render) skips the login screen; the store runs while a
 * session exists and stops when it ends (logout, revoked, refresh refused).
 */
export function App({ client, store, restored }: { client: ParleyClient; store: ChatStore; restored: boolean }) {
  const [loggedIn, setLoggedIn] = useState(restored);
  const [endedReason, setEndedReason] = useState<string | null>(null);
  const services = useMemo(() => ({ client, store }), [client, store]);

  useEffect(() => {
    if (!loggedIn) return;
    store.start();
    const off = client.on('sessionEnded', (reason) => {
      setEndedReason(reason === 'logout' ? null : 'Your session has ended. Please log in again.');
      setLoggedIn(false);
    });
    return () => {
      off();
      store.stop();
    };
  }, [loggedIn, client, store]);

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
      {loggedIn ? <Shell /> : <LoginScreen notice={endedReason} onLoggedIn={() => setLoggedIn(true)} />}
    </AppContext.Provider>
  );
}
