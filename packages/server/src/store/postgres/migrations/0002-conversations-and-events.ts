/** PostgreSQL schema step 2 (forward-only; never edit once released). */
import type { Migration } from './step';

export const conversationsMembersAndTheEventLogStep: Migration = {
  version: 2,
  name: 'conversations, members and the event log',
  up: `
      CREATE TABLE conversations (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('direct', 'group')),
        title text,
        -- "min:max" of the two user ids; the unique key makes concurrent creators agree.
        direct_key text,
        last_seq bigint NOT NULL DEFAULT 0,
        receipts_version bigint NOT NULL DEFAULT 0,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        CONSTRAINT conversations_direct_key UNIQUE (direct_key)
      );
      CREATE TABLE members (
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        delivered_seq bigint NOT NULL DEFAULT 0,
        read_seq bigint NOT NULL DEFAULT 0,
        archived boolean NOT NULL DEFAULT false,
        joined_at bigint NOT NULL,
        -- Tie-breaker for "oldest admin/member" when several joined in the same millisecond.
        join_order bigint GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (conversation_id, user_id)
      );
      CREATE INDEX members_user_idx ON members (user_id, conversation_id);
      CREATE TABLE events (
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        type text NOT NULL,
        actor_id text NOT NULL,
        at bigint NOT NULL,
        -- Set for message.* events so retention can find them.
        message_id text,
        -- The whole ConversationEvent as appended; never rewritten.
        payload jsonb NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );
      CREATE INDEX events_message_idx ON events (message_id) WHERE message_id IS NOT NULL;
    `,
};
