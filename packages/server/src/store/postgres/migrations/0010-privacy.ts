/** PostgreSQL schema step 10 (forward-only; never edit once released). */
import type { Migration } from './step';

export const privacyStep: Migration = {
  // The privacy area's migration (SQLite version 6, + 4 as above): retention takes the
  // oldest messages of the boundary month in bounded batches.
  version: 10,
  name: 'privacy',
  up: `
      CREATE INDEX messages_created_idx ON messages (created_at);
    `,
};
