export { openPostgresStore, createPostgresStore, type PostgresStoreOptions } from './postgres-store';
export { migratePostgres, appliedMigrations, MIGRATIONS, LATEST_VERSION } from './migrations';
export { ensurePartitions, dropPartitionsOlderThan, listPartitions } from './partitions';
