/** PostgreSQL schema step 3 (forward-only; never edit once released). */
import type { Migration } from './step';

export const messagesPartitionedByMonthStep: Migration = {
  version: 3,
  name: 'messages partitioned by month',
  up: `
      -- Partition key created_at (epoch ms). Monthly partitions come from
      -- ensurePartitions; the DEFAULT partition catches anything outside them.
      CREATE TABLE messages (
        conversation_id text NOT NULL,
        seq bigint NOT NULL,
        id text NOT NULL,
        sender_id text NOT NULL,
        client_message_id text NOT NULL,
        title text,
        body text NOT NULL,
        created_at bigint NOT NULL,
        edited_at bigint,
        deleted_at bigint,
        PRIMARY KEY (conversation_id, seq, created_at)
      ) PARTITION BY RANGE (created_at);
      CREATE TABLE messages_default PARTITION OF messages DEFAULT;
      -- Received lists walk each conversation newest first; sent lists walk the sender's.
      CREATE INDEX messages_conversation_time_idx ON messages (conversation_id, created_at DESC, id DESC);
      CREATE INDEX messages_sender_time_idx ON messages (sender_id, created_at DESC, id DESC);

      -- Idempotency and id lookup live outside the partitioned table because a unique
      -- index there would have to include created_at. The row locates the message
      -- exactly (conversation, seq, created_at), so lookups prune to one partition.
      CREATE TABLE message_keys (
        sender_id text NOT NULL,
        client_message_id text NOT NULL,
        message_id text NOT NULL,
        conversation_id text NOT NULL,
        seq bigint NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (sender_id, client_message_id),
        CONSTRAINT message_keys_message_key UNIQUE (message_id)
      );

      CREATE TABLE hidden_messages (
        conversation_id text NOT NULL,
        message_id text NOT NULL,
        user_id text NOT NULL,
        user_seq bigint NOT NULL,
        PRIMARY KEY (conversation_id, message_id, user_id)
      );
    `,
};
