import { moderationContract } from '../moderation-contract';
import { openSqliteStore } from './index';

moderationContract('sqlite', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});
