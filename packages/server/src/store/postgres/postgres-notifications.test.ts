import { notificationsContract } from '../notifications-contract';
import { describeWithPostgres, postgresReachable, postgresTestStore } from './test-support';

const reachable = await postgresReachable();

describeWithPostgres('Notifications contract: postgres', reachable, () => {
  notificationsContract('postgres', postgresTestStore);
});
