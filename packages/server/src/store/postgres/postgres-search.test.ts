import { searchContract } from '../search-contract';
import { describeWithPostgres, postgresReachable, postgresTestStore } from './test-support';

const reachable = await postgresReachable();

describeWithPostgres('Search contract: postgres', reachable, () => {
  searchContract('postgres', postgresTestStore);
});
