import { privacyContract } from '../privacy-contract';
import { openSqliteStore } from './sqlite-store';

privacyContract('sqlite', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});
