/**
 * Attachments over raw HTTP, on SQLite and on PostgreSQL: upload, type detection,
 * thumbnails, member-only downloads (header and signed links), limits and quota, the
 * bad cases (an HTML file posing as a PNG, a path-traversal name, a pixel bomb, someone
 * else's upload), and the orphan sweep.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/port';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';
import { startTestServer, type TestNode } from '../testing';
import { call } from '../test-support/http-client';
import { chunkedUpload, filesUnder, headersOnlyUpload, pngClaiming, pngImage } from '../test-support/attachments';
import { movableClock, registerUser, registerUsers, testRateLimits, type TestUser } from '../test-support/users';

const MAX = 100_000;
const QUOTA = 250_000;
const TTL_SEC = 3600;

type Server = TestNode & { store: Store; close(): Promise<void> };

function attachmentsSuite(backend: string, makeStore: () => Promise<{ store?: Store; cleanup: () => Promise<void> }>) {
  describe(`attachments over HTTP (${backend})`, () => {
    let server: Server;
    let cleanup: () => Promise<void>;
    let a: TestUser, b: TestUser, c: TestUser;
    let conv: string;
    let n = 0;
    const clock = movableClock();
    const blobDir = () => path.join(server.app.services.deps.config.dataDir, 'blobs');

    beforeAll(async () => {
      const made = await makeStore();
      cleanup = made.cleanup;
      server = await startTestServer({
        ...(made.store ? { store: made.store } : {}),
        clock: clock.now,
        config: { rateLimits: testRateLimits(), attachments: { uploadMaxBytes: MAX, userQuotaBytes: QUOTA, orphanTtlSec: TTL_SEC } },
      });
      [a, b, c] = await registerUsers(server.url, 3, 'att');
      conv = (await a.api.post('/api/conversations/group', { title: 'Files', memberIds: [b.id] })).body.conversation.id;
    });
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    const upload = (who: TestUser, bytes: Buffer | string, name: string, contentType = 'application/octet-stream') =>
      call(server.url, 'POST', `/api/attachments?name=${encodeURIComponent(name)}`, { token: who.token, raw: bytes, contentType });
    const send = (who: TestUser, attachmentIds: string[], conversation = conv) =>
      who.api.post(`/api/conversations/${conversation}/messages`, { clientMessageId: `att-${++n}`, attachmentIds, kind: 'text', content: { body: `see attached ${n}` } });
    const download = async (who: TestUser | null, url: string) => {
      const res = await fetch(server.url + url, who ? { headers: { authorization: `Bearer ${who.token}` } } : {});
      return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const fileUrl = (id: string, conversation = conv) => `/api/conversations/${conversation}/attachments/${id}`;

    it('uploads an image, detects it, makes a thumbnail; a member downloads it inline', async () => {
      const png = await pngImage(640, 480);
      const up = await upload(a, png, 'holiday photo.png', 'text/plain');
      expect(up.status).toBe(201);
      expect(up.body.attachment).toMatchObject({ name: 'holiday photo.png', size: png.length, contentType: 'image/png', kind: 'image', width: 640, height: 480, hasThumbnail: true, messageId: null });
      const id = up.body.attachment.id as string;

      const sent = await send(a, [id]);
      expect(sent.status).toBe(201);
      expect(sent.body.message.attachments).toEqual([{ id, name: 'holiday photo.png', size: png.length, contentType: 'image/png', kind: 'image', width: 640, height: 480, hasThumbnail: true }]);
      const history = await b.api.get(`/api/conversations/${conv}/messages`);
      expect(history.body.messages.at(-1).attachments).toEqual(sent.body.message.attachments);

      const file = await download(b, fileUrl(id));
      expect(file.status).toBe(200);
      expect(file.bytes.equals(png)).toBe(true);
      expect(file.headers.get('content-type')).toBe('image/png');
      expect(file.headers.get('x-content-type-options')).toBe('nosniff');
      expect(file.headers.get('content-disposition')).toBe(`inline; filename="holiday photo.png"; filename*=UTF-8''holiday%20photo.png`);

      const thumb = await download(b, `${fileUrl(id)}/thumbnail`);
      expect(thumb.status).toBe(200);
      expect(thumb.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(thumb.bytes).metadata();
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width!, meta.height!)).toBe(320);
    });

    it('signed links work without a header, only for what they name, only until they expire', async () => {
      const up = await upload(a, await pngImage(50, 40), 'small.png');
      const id = up.body.attachment.id as string;
      expect((await send(a, [id])).status).toBe(201);

      const links = await b.api.post(`/api/conversations/${conv}/attachments/links`, { attachmentIds: [id, 'unknown1'] });
      expect(links.status).toBe(200);
      expect(links.body.links).toHaveLength(1);
      const link = links.body.links[0];
      expect(link).toMatchObject({ id, url: expect.stringContaining('sig='), thumbnailUrl: expect.stringContaining('/thumbnail?') });
      expect((await download(null, link.url)).status).toBe(200);
      expect((await download(null, link.thumbnailUrl)).status).toBe(200);

      // The file signature does not open the thumbnail, nor a tampered or moved link.
      const sig = new URL(link.url, server.url).searchParams.get('sig')!;
      const exp = new URL(link.url, server.url).searchParams.get('exp')!;
      expect((await download(null, `${fileUrl(id)}/thumbnail?exp=${exp}&sig=${sig}`)).status).toBe(401);
      const tampered = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
      expect((await download(null, `${fileUrl(id)}?exp=${exp}&sig=${tampered}`)).status).toBe(401);
      expect((await download(null, `${fileUrl(id)}?exp=${Number(exp) + 1000}&sig=${sig}`)).status).toBe(401);
      expect((await download(null, fileUrl(id))).status).toBe(401);

      clock.advance(6 * 60_000);
      expect((await download(null, link.url)).status).toBe(401);
    });

    it('a non-member cannot download or get links: the conversation does not exist for them', async () => {
      const up = await upload(a, await pngImage(20, 20), 'secret.png');
      const id = up.body.attachment.id as string;
      expect((await send(a, [id])).status).toBe(201);
      const file = await download(c, fileUrl(id));
      expect(file.status).toBe(404);
      expect((await download(c, `${fileUrl(id)}/thumbnail`)).status).toBe(404);
      const links = await c.api.post(`/api/conversations/${conv}/attachments/links`, { attachmentIds: [id] });
      expect(links.status).toBe(404);
      expect(links.body.code).toBe('NOT_FOUND');
      // Through a conversation of their own, the id is just as unknown.
      const own = (await c.api.post('/api/conversations/direct', { userId: a.id })).body.conversation.id;
      expect((await download(c, fileUrl(id, own))).status).toBe(404);
      // And an upload nobody has sent yet is not downloadable by anyone, even its owner.
      const unsent = (await upload(a, await pngImage(20, 20), 'draft.png')).body.attachment.id;
      expect((await download(a, fileUrl(unsent))).status).toBe(404);
    });

    it('an HTML file named .png is detected as not an image and only ever served as a download', async () => {
      const html = '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>';
      const up = await upload(a, html, 'cute-cat.png', 'image/png');
      expect(up.status).toBe(201);
      expect(up.body.attachment).toMatchObject({ name: 'cute-cat.png', contentType: 'application/octet-stream', kind: 'file', hasThumbnail: false });
      expect(up.body.attachment.width).toBeUndefined();
      const id = up.body.attachment.id;
      expect((await send(a, [id])).status).toBe(201);
      const file = await download(b, fileUrl(id));
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/octet-stream');
      expect(file.headers.get('content-disposition')).toMatch(/^attachment; /);
      expect(file.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await download(b, `${fileUrl(id)}/thumbnail`)).status).toBe(404);
    });

    it('an SVG is a file, never an inline image', async () => {
      const svg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>';
      const up = await upload(a, svg, 'logo.svg', 'image/svg+xml');
      expect(up.body.attachment).toMatchObject({ kind: 'file', hasThumbnail: false });
      expect((await send(a, [up.body.attachment.id])).status).toBe(201);
      const file = await download(b, fileUrl(up.body.attachment.id));
      expect(file.headers.get('content-type')).toBe('application/octet-stream');
      expect(file.headers.get('content-disposition')).toMatch(/^attachment; /);
    });

    it('a path-traversal name is stored and served sanitised; nothing is written outside the blob dir', async () => {
      const before = await filesUnder(path.dirname(blobDir()));
      const up = await upload(a, 'root:x:0:0', '../../etc/passwd');
      expect(up.status).toBe(201);
      expect(up.body.attachment.name).toBe('passwd');
      const id = up.body.attachment.id as string;
      expect((await send(a, [id])).status).toBe(201);
      const file = await download(b, fileUrl(id));
      expect(file.headers.get('content-disposition')).toBe(`attachment; filename="passwd"; filename*=UTF-8''passwd`);
      const after = await filesUnder(path.dirname(blobDir()));
      const added = after.filter((f) => !before.includes(f));
      expect(added).toEqual([expect.stringMatching(new RegExp(`^blobs/[0-9a-f]{2}/${id}$`))]);
      expect(after.some((f) => f.includes('passwd'))).toBe(false);
    });

    it('an image claiming too many pixels is kept as a file without thumbnail', async () => {
      const bomb = await pngClaiming(20_000, 20_000);
      const up = await upload(a, bomb, 'huge.png');
      expect(up.status).toBe(201);
      expect(up.body.attachment).toMatchObject({ contentType: 'image/png', kind: 'file', hasThumbnail: false });
      expect((await send(a, [up.body.attachment.id])).status).toBe(201);
      const file = await download(b, fileUrl(up.body.attachment.id));
      expect(file.headers.get('content-disposition')).toMatch(/^attachment; /);
    });

    it('an upload declaring more than the limit is refused before its body is read, leaving nothing', async () => {
      const before = await filesUnder(blobDir());
      const res = await headersOnlyUpload(server.url, '/api/attachments?name=big.bin', a.token, 50 * 1024 * 1024);
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
      const justOver = await upload(a, Buffer.alloc(MAX + 1, 1), 'just-over.bin');
      expect(justOver.status, JSON.stringify(justOver.body)).toBe(413);
      expect(justOver.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await filesUnder(blobDir())).toEqual(before);
    });

    it('a chunked upload over the limit is stopped while streaming, and its partial file removed', async () => {
      const [d] = await registerUsers(server.url, 1, 'chunk');
      const before = await filesUnder(blobDir());
      const chunk = Buffer.alloc(16 * 1024, 7);
      const res = await chunkedUpload(server.url, '/api/attachments?name=stream.bin', d.token, Array.from({ length: 10 }, () => chunk));
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await filesUnder(blobDir())).toEqual(before);
      expect(await server.store.attachments.usage(d.id)).toBe(0);

      const ok = await chunkedUpload(server.url, '/api/attachments?name=stream.bin', d.token, [chunk, chunk]);
      expect(ok.status).toBe(201);
      expect(ok.body.attachment.size).toBe(2 * chunk.length);
    });

    it('refuses empty uploads and a missing name', async () => {
      expect((await upload(a, '', 'empty.txt')).body.code).toBe('BAD_REQUEST');
      const noName = await call(server.url, 'POST', '/api/attachments', { token: a.token, raw: 'x', contentType: 'text/plain' });
      expect(noName.body.code).toBe('BAD_REQUEST');
      expect((await call(server.url, 'POST', '/api/attachments?name=x', { raw: 'x' })).status).toBe(401);
    });

    it('enforces the per-user quota; deleting an unsent upload frees it', async () => {
      const [d] = await registerUsers(server.url, 1, 'quota');
      const blob = Buffer.alloc(90_000, 3);
      const first = await upload(d, blob, '1.bin');
      expect((await upload(d, blob, '2.bin')).status).toBe(201);
      const third = await upload(d, blob, '3.bin');
      expect(third.status).toBe(413);
      expect(third.body.code).toBe('QUOTA_EXCEEDED');
      expect((await d.api.delete(`/api/attachments/${first.body.attachment.id}`)).status).toBe(204);
      expect((await upload(d, blob, '3.bin')).status).toBe(201);
    });

    it('only the uploader can attach an upload, once; a bad id fails the send and stores nothing', async () => {
      const mine = (await upload(a, 'mine', 'a.txt')).body.attachment.id;
      const theirs = (await upload(b, 'theirs', 'b.txt')).body.attachment.id;
      const lastSeq = async () => (await a.api.get(`/api/conversations/${conv}`)).body.conversation.lastSeq;
      const seq = await lastSeq();
      for (const ids of [[theirs], [mine, theirs], ['nosuchattachment'], [mine, mine]]) {
        const res = await send(a, ids);
        expect(res.status).toBe(422);
        expect(res.body.code).toBe('ATTACHMENT_INVALID');
      }
      expect(await lastSeq()).toBe(seq);
      // b cannot delete a's upload either.
      expect((await b.api.delete(`/api/attachments/${mine}`)).status).toBe(404);
      expect((await send(a, [mine])).status).toBe(201);
      expect((await send(a, [mine])).body.code).toBe('ATTACHMENT_INVALID');
      expect((await a.api.delete(`/api/attachments/${mine}`)).status).toBe(404);
      const tooMany = await send(a, Array.from({ length: 11 }, (_, i) => `id${i}`));
      expect(tooMany.body.code).toBe('BAD_REQUEST');
    });

    it('uploads through a signed upload URL without a header; a forged one is refused', async () => {
      const minted = await b.api.post('/api/attachments/upload-url', {});
      expect(minted.status).toBe(200);
      const res = await call(server.url, 'POST', `${minted.body.url}&name=via-link.txt`, { raw: 'hello', contentType: 'text/plain' });
      expect(res.status).toBe(201);
      expect(res.body.attachment.name).toBe('via-link.txt');
      expect((await send(b, [res.body.attachment.id])).status).toBe(201);
      const forged = minted.body.url.replace(`uid=${b.id}`, `uid=${a.id}`);
      expect((await call(server.url, 'POST', `${forged}&name=x.txt`, { raw: 'x' })).status).toBe(401);
    });

    it('signed links are bound to the session: logout everywhere revokes download and upload links; leaving revokes downloads', async () => {
      const [d, e] = [await registerUser(server.url, 'attd'), await registerUser(server.url, 'atte')];
      expect((await a.api.post(`/api/conversations/${conv}/members`, { userIds: [d.id, e.id] })).status).toBe(200);
      const id = (await upload(a, await pngImage(12, 12), 'bound.png')).body.attachment.id;
      expect((await send(a, [id])).status).toBe(201);
      const linkOf = async (who: TestUser) => (await who.api.post(`/api/conversations/${conv}/attachments/links`, { attachmentIds: [id] })).body.links[0];
      const [dLink, eLink] = [await linkOf(d), await linkOf(e)];
      const uploadUrl = (await d.api.post('/api/attachments/upload-url', {})).body.url;
      expect((await download(null, dLink.url)).status).toBe(200);
      expect((await download(null, eLink.thumbnailUrl)).status).toBe(200);

      // Another user's id in the link does not carry the signature over.
      expect((await download(null, dLink.url.replace(`u=${d.id}`, `u=${e.id}`))).status).toBe(401);

      expect((await d.api.post('/api/auth/logout-all', {})).status).toBe(204);
      expect((await download(null, dLink.url)).status).toBe(401);
      expect((await download(null, dLink.thumbnailUrl)).status).toBe(401);
      expect((await call(server.url, 'POST', `${uploadUrl}&name=late.txt`, { raw: 'late', contentType: 'text/plain' })).status).toBe(401);

      expect((await a.api.delete(`/api/conversations/${conv}/members/${e.id}`)).status).toBe(204);
      expect((await download(null, eLink.url)).status).toBe(404);
      // Others' links are untouched.
      expect((await download(null, (await linkOf(b)).url)).status).toBe(200);
    });

    it('deleting the message for everyone makes its attachments unavailable, then removes their files', async () => {
      const id = (await upload(a, await pngImage(10, 10), 'gone.png')).body.attachment.id;
      const msg = (await send(a, [id])).body.message;
      const signed = (await b.api.post(`/api/conversations/${conv}/attachments/links`, { attachmentIds: [id] })).body.links[0];
      expect((await download(b, fileUrl(id))).status).toBe(200);
      expect((await a.api.delete(`/api/conversations/${conv}/messages/${msg.id}?for=everyone`)).status).toBe(204);
      for (const who of [b, a]) expect((await download(who, fileUrl(id))).status).toBe(404);
      expect((await download(b, `${fileUrl(id)}/thumbnail`)).status).toBe(404);
      expect((await download(null, signed.url)).status).toBe(404);
      expect((await b.api.post(`/api/conversations/${conv}/attachments/links`, { attachmentIds: [id] })).body.links).toEqual([]);
      expect((await send(a, [id])).body.code).toBe('ATTACHMENT_INVALID');
      // The next sweep removes the record and the bytes, long before the upload's TTL.
      expect((await filesUnder(blobDir())).filter((f) => f.includes(id))).toHaveLength(2);
      expect(await server.app.services.attachments.sweep(clock.now())).toBeGreaterThanOrEqual(1);
      expect(await server.store.attachments.get(id)).toBeNull();
      expect((await filesUnder(blobDir())).filter((f) => f.includes(id))).toEqual([]);
    });

    it('the sweep deletes uploads never sent once they are older than the TTL, with their files', async () => {
      const sent = (await upload(a, await pngImage(10, 10), 'kept.png')).body.attachment.id;
      expect((await send(a, [sent])).status).toBe(201);
      const orphan = (await upload(a, await pngImage(10, 10), 'orphan.png')).body.attachment.id;
      const service = server.app.services.attachments;
      expect(await service.sweep(clock.now() + TTL_SEC * 1000 - 1)).toBe(0);
      const onDisk = (await filesUnder(blobDir())).filter((f) => f.includes(orphan));
      expect(onDisk).toHaveLength(2); // file and thumbnail
      expect(await service.sweep(clock.now() + TTL_SEC * 1000 + 1)).toBeGreaterThanOrEqual(1);
      expect(await server.store.attachments.get(orphan)).toBeNull();
      expect((await filesUnder(blobDir())).filter((f) => f.includes(orphan))).toEqual([]);
      expect(await server.store.attachments.get(sent)).not.toBeNull();
      expect((await download(b, fileUrl(sent))).status).toBe(200);
    });
  });
}

attachmentsSuite('sqlite', async () => ({ cleanup: async () => {} }));

const reachable = await postgresReachable();
describeWithPostgres('attachments over HTTP (postgres)', reachable, () => {
  attachmentsSuite('postgres', postgresTestStore);
});
