import { notificationsContract } from '../notifications-contract';
import { openPostgresStore } from './postgres-store';
import { TEST_DATABASE_URL, describeWithPostgres, dropSchema, freshSchemaName, postgresReachable } from './test-support';

const reachable = await postgresReachable();

describeWithPostgres('Notifications contract: postgres', reachable, () => {
  notificationsContract('postgres', async () => {
    const schema = freshSchemaName();
    const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema, max: 4 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });
});
