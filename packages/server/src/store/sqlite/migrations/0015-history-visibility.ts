/**
 * Who sees a group's history (forward-only; never edit once committed).
 *
 * - conversations.history_visibility: 'all' (every member reads the whole history) or
 *   'joined' (a member reads from their join on). Existing conversations become 'all',
 *   which is what every member could read until now; new groups get the setting their
 *   creator chose (default 'joined', see domain/rules/history-visibility.ts).
 * - members.visible_from_seq: the first seq the membership may read, set when it begins.
 *   Existing members get 1 (the whole log), again what they could read until now.
 * Both reads filter on it beside the (conversation_id, seq) key they already use, so no
 * new index is needed.
 */
export const historyVisibilitySchema = `
ALTER TABLE conversations ADD COLUMN history_visibility TEXT NOT NULL DEFAULT 'all' CHECK (history_visibility IN ('all', 'joined'));
ALTER TABLE members ADD COLUMN visible_from_seq INTEGER NOT NULL DEFAULT 1;
`;
