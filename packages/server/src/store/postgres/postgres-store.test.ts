import { storeContract } from '../contract';
import { describeWithPostgres, postgresReachable, postgresTestStore } from './test-support';

const reachable = await postgresReachable();

describeWithPostgres('Store contract: postgres', reachable, () => {
  // One schema per file: the contract makes fresh ids per test, so tests never collide.
  storeContract('postgres', postgresTestStore);
});
