import { notificationsContract } from '../notifications-contract';
import { openSqliteStore } from './index';

notificationsContract('sqlite', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});
