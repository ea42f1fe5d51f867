/**
 * A database made by the release before typed content, opened by this one: on both
 * backends the migration turns every title + body into a text message, the log into the
 * same shape, keeps edits, deletes, attachments and the search index, and the store goes
 * on appending after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConversationEventSchema, MessageSchema, textMessage, type ConversationId, type MessageId, type UserId } from '@parley/protocol';
import type { Store } from '../port';
import { openSqliteStore } from '../sqlite';
import { openPostgresStore } from '../postgres/postgres-store';
import { TEST_DATABASE_URL, describeWithPostgres, postgresReachable, scratchSchema } from '../postgres/test-support';
import { textEdit, textSend } from '../../test-support/text-content';
import { RELEASE_ATTACHMENT, RELEASE_CONVERSATION, RELEASE_EVENTS, RELEASE_MESSAGES, RELEASE_USERS } from './chat-before-typed-content';
import { writeSqliteRelease } from './write-sqlite';
import { writePostgresRelease } from './write-postgres';

const reachable = await postgresReachable();
const conversationId = RELEASE_CONVERSATION.id as ConversationId;
const [ann, ben] = RELEASE_USERS.map((u) => u.id as UserId) as [UserId, UserId];
const { name, size, contentType, kind, hasThumbnail, width, height } = RELEASE_ATTACHMENT;
const chart = { id: RELEASE_ATTACHMENT.id, name, size, contentType, kind, hasThumbnail, width, height };

function upgradeSuite(open: () => Promise<Store>) {
  let store!: Store;
  it('reads every message back as typed content, nothing lost', async () => {
    store = await open();
    const { messages } = await store.history({ conversationId, viewerId: ben, limit: 50 });
    for (const m of messages) MessageSchema.parse(m);
    expect(messages.map((m) => [m.id, m.kind, m.content, m.editedAt, m.deletedAt, m.attachments ?? null, m.replyTo, m.threadRootId, m.targetId])).toEqual(
      RELEASE_MESSAGES.map((r) => [
        r.id,
        'text',
        r.deleted_at === null ? textMessage(r.body, r.title).content : null,
        r.edited_at,
        r.deleted_at,
        r.attachments ? [chart] : null,
        null,
        null,
        null,
      ]),
    );
  });

  it('turns the log into the same shape: created, edited and erased entries', async () => {
    const { events } = await store.eventsAfter(conversationId, 0, 100);
    for (const e of events) expect(ConversationEventSchema.parse(e)).toEqual(e);
    expect(events.map((e) => [e.seq, e.type])).toEqual(RELEASE_EVENTS.map((e) => [e.seq, e.type]));
    const bySeq = (seq: number) => events.find((e) => e.seq === seq)!;
    expect(bySeq(3)).toMatchObject({ message: { id: 'rel-m1', ...textMessage('Meet at the station at noon', 'Plans'), replyTo: null } });
    expect(bySeq(4)).toMatchObject({ message: { id: 'rel-m2', ...textMessage('See you') } });
    expect(bySeq(5)).toMatchObject({ type: 'message.edited', messageId: 'rel-m2', ...textMessage('See you there, with snacks') });
    expect(bySeq(6)).toMatchObject({ message: { id: 'rel-m3', kind: 'text', content: null } });
    expect(bySeq(8)).toMatchObject({ message: { id: 'rel-m4', ...textMessage('the chart'), attachments: [chart] } });
  });

  it('finds what was indexed before, by body, title, file name and short terms', async () => {
    const find = async (terms: string[]) => (await store.search.searchMessages({ userId: ben, terms, limit: 10 })).hits.map((h) => h.message.id);
    expect(await find(['station'])).toEqual(['rel-m1']);
    expect(await find(['plans'])).toEqual(['rel-m1']);
    expect(await find(['snacks'])).toEqual(['rel-m2']);
    expect(await find(['route-chart'])).toEqual(['rel-m4']);
    expect(await find(['ma'])).toEqual(['rel-m5']);
  });

  it('goes on: new sends continue the log, edits of old messages are typed', async () => {
    const [sent] = await store.appendMessages([{ conversationId, senderId: ben, clientMessageId: 'after-upgrade' as never, messageId: 'rel-m6' as MessageId, ...textSend('after the upgrade'), at: Date.now() }]);
    expect(sent).toMatchObject({ ok: true, message: { seq: RELEASE_CONVERSATION.last_seq + 1 } });
    const edited = await store.editMessage({ conversationId, messageId: 'rel-m1' as MessageId, actorId: ann, ...textEdit('Meet at one', 'Plans'), at: Date.now() });
    expect(edited.message).toMatchObject({ ...textMessage('Meet at one', 'Plans'), seq: 3 });
    expect((await store.search.searchMessages({ userId: ben, terms: ['station'], limit: 10 })).hits).toEqual([]);
    await store.close();
  });
}

describe('upgrade from the release before typed content: sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-release-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  upgradeSuite(async () => {
    const path = join(dir, 'release.db');
    writeSqliteRelease(path);
    return openSqliteStore({ path });
  });
});

describeWithPostgres('upgrade from the release before typed content: postgres', reachable, () => {
  describe('upgrade from the release before typed content: postgres', () => {
    let drop = async () => {};
    afterAll(() => drop());
    upgradeSuite(async () => {
      const scratch = await scratchSchema('parley_release');
      drop = scratch.drop;
      await writePostgresRelease(scratch.sql);
      return openPostgresStore({ url: TEST_DATABASE_URL, schema: scratch.schema, max: 2 });
    });
  });
});
