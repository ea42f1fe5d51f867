import { attachmentsContract } from '../attachments-contract';
import { describeWithPostgres, postgresReachable, postgresTestStore } from './test-support';

const reachable = await postgresReachable();

describeWithPostgres('Attachments contract: postgres', reachable, () => {
  attachmentsContract('postgres', postgresTestStore);
});
