import { privacyContract } from '../privacy-contract';
import { describeWithPostgres, postgresReachable, postgresTestStore } from './test-support';

const reachable = await postgresReachable();

describeWithPostgres('Privacy contract: postgres', reachable, () => {
  privacyContract('postgres', postgresTestStore);
});
