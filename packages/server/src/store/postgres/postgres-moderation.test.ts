import { moderationContract } from '../moderation-contract';
import { describeWithPostgres, postgresReachable, postgresTestStore } from './test-support';

const reachable = await postgresReachable();

describeWithPostgres('Moderation contract: postgres', reachable, () => {
  moderationContract('postgres', postgresTestStore);
});
