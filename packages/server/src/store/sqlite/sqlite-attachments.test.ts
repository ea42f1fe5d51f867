import { attachmentsContract } from '../attachments-contract';
import { openSqliteStore } from './index';

attachmentsContract('sqlite', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});
