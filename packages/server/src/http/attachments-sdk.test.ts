/**
 * Attachments through the SDK, on SQLite and PostgreSQL: a signed upload URL minted by
 * the SDK (what the web app's XHR uses), a send carrying the upload (REST and the
 * WebSocket send op), the other member's live event with the attachment list, signed
 * links, and typed errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConversationEvent, ConversationId } from '@parley/protocol';
import { ParleyClient } from '../../../client/src/client';
import type { WebSocketCtor } from '../../../client/src/connection';
import type { Store } from '../store/port';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';
import { startTestServer, type TestNode } from '../testing';
import { pngImage } from '../test-support/attachments';
import { RawSocket } from '../test-support/ws-client';
import { testRateLimits, uniqueName, PASSWORD } from '../test-support/users';

type Server = TestNode & { store: Store; close(): Promise<void> };

function sdkSuite(backend: string, makeStore: () => Promise<{ store?: Store; cleanup: () => Promise<void> }>) {
  describe(`attachments through the SDK (${backend})`, () => {
    let server: Server;
    let cleanup: () => Promise<void>;
    let alice: ParleyClient, bob: ParleyClient;
    let conv: ConversationId;
    const clients: ParleyClient[] = [];

    const client = async () => {
      const c = new ParleyClient({ baseUrl: server.url, WebSocket: WebSocket as unknown as WebSocketCtor });
      await c.register({ username: uniqueName('sdkatt'), password: PASSWORD });
      clients.push(c);
      return c;
    };
    /** Uploads through a signed URL the SDK mints: no token handled by the caller. */
    const upload = async (c: ParleyClient, bytes: Buffer | string, name: string) => {
      const { url } = await c.request('createUploadUrl');
      const res = await fetch(`${server.url}${url}&name=${encodeURIComponent(name)}`, { method: 'POST', body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes) });
      expect(res.status).toBe(201);
      return ((await res.json()) as { attachment: { id: string } }).attachment;
    };

    beforeAll(async () => {
      const made = await makeStore();
      cleanup = made.cleanup;
      server = await startTestServer({ ...(made.store ? { store: made.store } : {}), config: { rateLimits: testRateLimits() } });
      [alice, bob] = [await client(), await client()];
      const res = await alice.request('createGroup', { body: { title: 'Pictures', memberIds: [bob.user!.id] } });
      conv = res.conversation.id;
      await Promise.all([alice.connect(), bob.connect()]);
    });
    afterAll(async () => {
      for (const c of clients) c.disconnect();
      await server.close();
      await cleanup();
    });

    it('sends an uploaded image; the other member sees it live and downloads it through a signed link', async () => {
      const png = await pngImage(300, 200);
      const attachment = await upload(alice, png, 'chart.png');
      const seen = new Promise<ConversationEvent>((resolve) => {
        const off = bob.on('event', (e) => {
          if (e.type === 'message.created' && e.message.attachments) {
            off();
            resolve(e);
          }
        });
      });
      const { message } = await alice.request('send', { params: { id: conv }, body: { clientMessageId: 'sdk-att-1', kind: 'text', content: { body: 'the chart' }, attachmentIds: [attachment.id] } });
      expect(message.attachments).toEqual([{ id: attachment.id, name: 'chart.png', size: png.length, contentType: 'image/png', kind: 'image', width: 300, height: 200, hasThumbnail: true }]);
      const event = await seen;
      expect(event.type === 'message.created' && event.message.attachments).toEqual(message.attachments);

      const { links } = await bob.request('attachmentLinks', { params: { id: conv }, body: { attachmentIds: [attachment.id] } });
      const file = await fetch(server.url + links[0]!.url);
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
      const thumb = await fetch(server.url + links[0]!.thumbnailUrl!);
      expect(thumb.headers.get('content-type')).toBe('image/webp');
    });

    it('carries attachments on the WebSocket send op too', async () => {
      const attachment = await upload(alice, 'plain notes', 'notes.txt');
      const { accessToken } = await (await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: alice.user!.username, password: PASSWORD }),
      })).json() as { accessToken: string };
      const sock = await RawSocket.open(server.wsUrl);
      try {
        await sock.hello(accessToken);
        const reply = await sock.request('send', { conversationId: conv, clientMessageId: 'ws-att-1', attachmentIds: [attachment.id], kind: 'text', content: { body: 'notes' } });
        expect(reply.ok).toBe(true);
        expect((reply as { data: { message: { attachments: unknown[] } } }).data.message.attachments).toMatchObject([{ id: attachment.id, kind: 'file', name: 'notes.txt' }]);
        const again = await sock.request('send', { conversationId: conv, clientMessageId: 'ws-att-2', attachmentIds: [attachment.id], kind: 'text', content: { body: 'again' } });
        expect(again).toMatchObject({ ok: false, error: { code: 'ATTACHMENT_INVALID' } });
      } finally {
        void sock.close();
      }
    });

    it('surfaces refusals as typed SDK errors', async () => {
      const mine = await upload(bob, 'bob only', 'b.txt');
      await expect(alice.request('send', { params: { id: conv }, body: { clientMessageId: 'sdk-att-bad', kind: 'text', content: { body: 'x' }, attachmentIds: [mine.id] } })).rejects.toMatchObject({ code: 'ATTACHMENT_INVALID' });
      const outsider = await client();
      await expect(outsider.request('attachmentLinks', { params: { id: conv }, body: { attachmentIds: [mine.id] } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await bob.request('deleteUpload', { params: { attachmentId: mine.id } });
      await expect(bob.request('deleteUpload', { params: { attachmentId: mine.id } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
}

sdkSuite('sqlite', async () => ({ cleanup: async () => {} }));

const reachable = await postgresReachable();
describeWithPostgres('attachments through the SDK (postgres)', reachable, () => {
  sdkSuite('postgres', postgresTestStore);
});
