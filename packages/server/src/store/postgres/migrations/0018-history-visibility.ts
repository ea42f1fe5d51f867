/** PostgreSQL schema step 18 (forward-only; never edit once released). */
import type { Migration } from './step';

export const historyVisibilityStep: Migration = {
  // Who sees a group's history (SQLite version 15). conversations.history_visibility:
  // 'all' or 'joined'; existing conversations become 'all', what every member could
  // read until now (new groups get their creator's choice, default 'joined'). members.visible_from_seq: the first seq a
  // membership may read, set when it begins; existing members read the whole log (1).
  // Adding a column with a constant default rewrites no rows.
  version: 18,
  name: 'history visibility',
  up: `
      ALTER TABLE conversations ADD COLUMN history_visibility text NOT NULL DEFAULT 'all' CHECK (history_visibility IN ('all', 'joined'));
      ALTER TABLE members ADD COLUMN visible_from_seq bigint NOT NULL DEFAULT 1;
    `,
};
