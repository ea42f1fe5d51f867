import { searchContract } from '../search-contract';
import { openSqliteStore } from './sqlite-store';

searchContract('sqlite', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});
