/**
 * The attachments contract: Store.attachments and the attachment side of
 * appendMessages, run against every adapter (sqlite-attachments.test.ts,
 * postgres-attachments.test.ts). Speaks only through the port; fresh ids per test.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ConversationEventSchema,
  MessageSchema,
  type AttachmentId,
  type ClientMessageId,
  type ConversationId,
  type MessageId,
  type UserId,
} from '@parley/protocol';
import { StoreError, type SendInput, type Store } from './port';
import { RuleError } from '../domain/rules/refusals';
import { openForSuite, type StoreFactory } from './contract';
import { textSend } from '../test-support/text-content';

const T0 = 1_700_000_000_000;
const QUOTA = 1_000_000;

export function attachmentsContract(name: string, factory: StoreFactory): void {
  describe(`Attachments contract: ${name}`, () => {
    let store!: Store;
    openForSuite(factory, (s) => (store = s));

    const fresh = (prefix: string) => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;

    async function user(): Promise<UserId> {
      const id = fresh('u') as UserId;
      await store.createUser({ id, username: id.toLowerCase(), displayName: 'U', passwordHash: 'h', createdAt: T0 });
      return id;
    }
    async function pair(): Promise<{ a: UserId; b: UserId; conv: ConversationId }> {
      const [a, b] = [await user(), await user()];
      const conv = fresh('c') as ConversationId;
      await store.getOrCreateDirect({ id: conv, a, b, at: T0 });
      return { a, b, conv };
    }
    async function upload(ownerId: UserId, opts: { at?: number; size?: number; image?: boolean; complete?: boolean } = {}): Promise<AttachmentId> {
      const id = fresh('a') as AttachmentId;
      const size = opts.size ?? 100;
      await store.attachments.reserve({ id, ownerId, name: 'photo.png', reservedBytes: size, quotaBytes: QUOTA, at: opts.at ?? T0 });
      if (opts.complete !== false) {
        await store.attachments.complete({
          id,
          size,
          contentType: opts.image ? 'image/png' : 'application/pdf',
          kind: opts.image ? 'image' : 'file',
          width: opts.image ? 640 : null,
          height: opts.image ? 480 : null,
          hasThumbnail: !!opts.image,
        });
      }
      return id;
    }
    function send(conv: ConversationId, senderId: UserId, attachmentIds: AttachmentId[], clientMessageId = fresh('k')): SendInput {
      return { conversationId: conv, senderId, clientMessageId: clientMessageId as ClientMessageId, messageId: fresh('m') as MessageId, ...textSend('with files', null), at: T0 + 1, attachmentIds };
    }
    async function code(p: Promise<unknown>): Promise<string> {
      try {
        await p;
      } catch (err) {
        if (err instanceof StoreError || err instanceof RuleError) return err.code;
        throw err;
      }
      return 'OK';
    }

    it('reserves, completes and reads back an upload', async () => {
      const a = await user();
      const id = await upload(a, { image: true, size: 1234 });
      const rec = await store.attachments.get(id);
      expect(rec).toMatchObject({ id, ownerId: a, state: 'ready', name: 'photo.png', size: 1234, contentType: 'image/png', kind: 'image', width: 640, height: 480, hasThumbnail: true, messageId: null, conversationId: null, createdAt: T0, releasedAt: null });
      expect(await store.attachments.get(fresh('a') as AttachmentId)).toBeNull();
    });

    it('counts pending reservations and ready uploads against the quota, atomically', async () => {
      const a = await user();
      await upload(a, { size: 300_000, complete: false });
      await upload(a, { size: 300_000 });
      expect(await store.attachments.usage(a)).toBe(600_000);
      expect(await code(store.attachments.reserve({ id: fresh('a') as AttachmentId, ownerId: a, name: 'x', reservedBytes: 400_001, quotaBytes: QUOTA, at: T0 }))).toBe('QUOTA_EXCEEDED');
      // Five concurrent reservations of 150 kB with 400 kB left: at most two can pass.
      const results = await Promise.all(
        Array.from({ length: 5 }, () => code(store.attachments.reserve({ id: fresh('a') as AttachmentId, ownerId: a, name: 'x', reservedBytes: 150_000, quotaBytes: QUOTA, at: T0 }))),
      );
      expect(results.filter((r) => r === 'OK')).toHaveLength(2);
      expect(results.filter((r) => r === 'QUOTA_EXCEEDED')).toHaveLength(3);
      expect(await store.attachments.usage(a)).toBe(900_000);
    });

    it('completing an upload whose reservation is gone is NOT_FOUND', async () => {
      const a = await user();
      const id = await upload(a, { complete: false });
      expect(await store.attachments.deleteUnattached({ id })).not.toBeNull();
      expect(await code(store.attachments.complete({ id, size: 1, contentType: 'x', kind: 'file', width: null, height: null, hasThumbnail: false }))).toBe('NOT_FOUND');
    });

    it('links the sender\'s uploads to the new message, in the order given, on every read path', async () => {
      const { a, b, conv } = await pair();
      const img = await upload(a, { image: true });
      const doc = await upload(a);
      const [res] = await store.appendMessages([send(conv, a, [img, doc])]);
      if (!res?.ok) throw new Error(`send failed: ${JSON.stringify(res)}`);
      const message = MessageSchema.parse(res.message);
      expect(message.attachments?.map((x) => x.id)).toEqual([img, doc]);
      expect(message.attachments?.[0]).toEqual({ id: img, name: 'photo.png', size: 100, contentType: 'image/png', kind: 'image', width: 640, height: 480, hasThumbnail: true });
      expect(message.attachments?.[1]).toEqual({ id: doc, name: 'photo.png', size: 100, contentType: 'application/pdf', kind: 'file', hasThumbnail: false });
      ConversationEventSchema.parse(res.event);

      expect((await store.attachments.get(img))).toMatchObject({ messageId: message.id, conversationId: conv });
      expect((await store.getMessage(conv, message.id))?.attachments).toEqual(message.attachments);
      const { messages } = await store.history({ conversationId: conv, viewerId: b, limit: 10 });
      expect(messages.at(-1)?.attachments).toEqual(message.attachments);
      const { events } = await store.eventsAfter(conv, 0, 50);
      const created = events.find((e) => e.type === 'message.created' && e.message.id === message.id);
      expect(created && created.type === 'message.created' ? created.message.attachments : null).toEqual(message.attachments);
      expect((await store.getConversationView(conv, b))?.lastMessage?.attachments).toEqual(message.attachments);
      const received = await store.mailbox({ userId: b, box: 'received', limit: 10 });
      expect(received[0]?.attachments).toEqual(message.attachments);
    });

    it('a message without attachments has no attachments field', async () => {
      const { a, conv } = await pair();
      const [res] = await store.appendMessages([{ ...send(conv, a, []) }]);
      expect(res?.ok && 'attachments' in res.message).toBe(false);
      const { messages } = await store.history({ conversationId: conv, viewerId: a, limit: 10 });
      expect('attachments' in messages.at(-1)!).toBe(false);
    });

    it('refuses unknown, foreign, pending, attached and repeated ids, storing nothing', async () => {
      const { a, b, conv } = await pair();
      const mine = await upload(a);
      const theirs = await upload(b);
      const pending = await upload(a, { complete: false });
      const attached = await upload(a);
      const [ok] = await store.appendMessages([send(conv, a, [attached])]);
      expect(ok?.ok).toBe(true);
      const before = (await store.getConversation(conv))!.lastSeq;

      const bad: AttachmentId[][] = [[mine, fresh('a') as AttachmentId], [mine, theirs], [pending], [mine, attached], [mine, mine]];
      const results = await store.appendMessages(bad.map((ids) => send(conv, a, ids)));
      expect(results).toEqual(bad.map(() => ({ ok: false, code: 'ATTACHMENT_INVALID' })));
      expect((await store.getConversation(conv))!.lastSeq).toBe(before);
      expect((await store.attachments.get(mine))?.messageId).toBeNull();
      expect((await store.attachments.get(theirs))?.messageId).toBeNull();
    });

    it('in one batch, the first send claiming an upload wins and the second is refused', async () => {
      const { a, conv } = await pair();
      const id = await upload(a);
      const [first, second] = await store.appendMessages([send(conv, a, [id]), send(conv, a, [id])]);
      expect(first?.ok).toBe(true);
      expect(second).toEqual({ ok: false, code: 'ATTACHMENT_INVALID' });
    });

    it('concurrent sends claiming the same upload: exactly one carries it', async () => {
      const { a, conv } = await pair();
      const id = await upload(a);
      const results = (await Promise.all([1, 2, 3].map(() => store.appendMessages([send(conv, a, [id])])))).flat();
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.code === 'ATTACHMENT_INVALID')).toHaveLength(2);
    });

    it('a retried send returns the original message with its attachments', async () => {
      const { a, conv } = await pair();
      const id = await upload(a);
      const input = send(conv, a, [id]);
      const [first] = await store.appendMessages([input]);
      const [again] = await store.appendMessages([{ ...input, messageId: fresh('m') as MessageId }]);
      expect(again).toMatchObject({ ok: true, duplicate: true });
      expect(again?.ok && again.message).toEqual(first?.ok && first.message);
    });

    it('deleteUnattached never deletes an attached upload, and honours owner and age', async () => {
      const { a, b, conv } = await pair();
      const attached = await upload(a);
      await store.appendMessages([send(conv, a, [attached])]);
      expect(await store.attachments.deleteUnattached({ id: attached })).toBeNull();
      const free = await upload(a, { at: T0 + 1000 });
      expect(await store.attachments.deleteUnattached({ id: free, ownerId: b })).toBeNull();
      expect(await store.attachments.deleteUnattached({ id: free, createdBefore: T0 + 1000 })).toBeNull();
      expect((await store.attachments.deleteUnattached({ id: free, ownerId: a, createdBefore: T0 + 1001 }))?.id).toBe(free);
      expect(await store.attachments.get(free)).toBeNull();
    });

    it('lists unattached uploads older than a time, oldest first', async () => {
      const { a, conv } = await pair();
      // Far in the future, so leftovers of other tests (all near T0) sort before these.
      const base = T0 + 10 ** 9 + Math.floor(Math.random() * 10 ** 6) * 10;
      const old2 = await upload(a, { at: base + 2 });
      const old1 = await upload(a, { at: base + 1 });
      const attached = await upload(a, { at: base + 3 });
      await store.appendMessages([send(conv, a, [attached])]);
      const young = await upload(a, { at: base + 5 });
      const listed = (await store.attachments.listUnattached({ createdBefore: base + 5, limit: 1000 })).map((r) => r.id);
      expect(listed.filter((id) => [old1, old2, attached, young].includes(id as AttachmentId))).toEqual([old1, old2]);
    });

    it('deleting the message for everyone removes its attachments from every read', async () => {
      const { a, b, conv } = await pair();
      const id = await upload(a, { image: true });
      const [res] = await store.appendMessages([send(conv, a, [id])]);
      if (!res?.ok) throw new Error('send failed');
      await store.deleteMessageForEveryone({ conversationId: conv, messageId: res.message.id, actorId: a, at: T0 + 2 });
      const msg = await store.getMessage(conv, res.message.id);
      expect(msg?.deletedAt).not.toBeNull();
      expect(msg && 'attachments' in msg).toBe(false);
      const { messages } = await store.history({ conversationId: conv, viewerId: b, limit: 10 });
      expect(messages.some((m) => m.attachments)).toBe(false);
    });

    it('deleting a message for everyone releases its uploads: never attachable again, swept at once', async () => {
      const { a, b, conv } = await pair();
      const [mine, modded] = [await upload(a), await upload(b)];
      const [sent, other] = await store.appendMessages([send(conv, a, [mine]), send(conv, b, [modded])]);
      if (!sent?.ok || !other?.ok) throw new Error('send failed');
      await store.deleteMessageForEveryone({ conversationId: conv, messageId: sent.message.id, actorId: a, at: T0 + 2 });
      // A moderator's delete goes through the same eraser.
      await store.moderation.deleteMessageAsModerator({ conversationId: conv, messageId: other.message.id, moderatorId: a, at: T0 + 3 });
      expect(await store.attachments.get(mine)).toMatchObject({ messageId: null, conversationId: null, releasedAt: T0 + 2 });
      expect(await store.attachments.get(modded)).toMatchObject({ messageId: null, conversationId: null, releasedAt: T0 + 3 });
      // Detached, yet not free for the owner's next message.
      expect(await store.appendMessages([send(conv, a, [mine])])).toEqual([{ ok: false, code: 'ATTACHMENT_INVALID' }]);
      // The sweep takes released uploads whatever their age (created at T0, not before it).
      const listed = (await store.attachments.listUnattached({ createdBefore: T0, limit: 10_000 })).map((r) => r.id);
      expect(listed).toEqual(expect.arrayContaining([mine, modded]));
      expect((await store.attachments.deleteUnattached({ id: mine, createdBefore: T0 }))?.id).toBe(mine);
      expect(await store.attachments.get(mine)).toBeNull();
      expect(await store.attachments.usage(a)).toBe(0);
    });
  });
}
