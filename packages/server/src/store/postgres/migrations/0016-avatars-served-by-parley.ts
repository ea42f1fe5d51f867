/** PostgreSQL schema step 16 (forward-only; never edit once released). */
import type { Migration } from './step';

export const avatarsServedByParleyStep: Migration = {
  // Avatars served by Parley (SQLite version 13): external avatar URLs,
  // fetched by every viewer's browser, are dropped; avatars are uploaded images now.
  version: 16,
  name: 'avatars served by parley',
  up: `
      UPDATE users SET avatar_url = NULL WHERE avatar_url IS NOT NULL AND avatar_url NOT LIKE '/api/avatars/%';
    `,
};
