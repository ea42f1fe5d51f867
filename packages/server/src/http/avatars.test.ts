/**
 * Avatars are images uploaded to Parley and served by it, never outside URLs every
 * viewer's browser would fetch (issue 16.12), on SQLite and on PostgreSQL: upload, the
 * served square WebP, replacing and removing, refusals (external URLs, non-images, pixel
 * bombs, oversized bodies), erasure, and the SDK's uploadAvatar.
 */
import sharp from 'sharp';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVATAR_LIMITS, isAvatarPath } from '@parley/protocol';
import { ParleyClient } from '../../../client/src/client';
import type { WebSocketCtor } from '../../../client/src/connection';
import type { Store } from '../store/port';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';
import { startTestServer, type TestNode } from '../testing';
import { call } from '../test-support/http-client';
import { pngClaiming, pngImage } from '../test-support/attachments';
import { PASSWORD, registerUsers, testRateLimits, type TestUser } from '../test-support/users';

type Server = TestNode & { store: Store; close(): Promise<void> };
const MAX = 200_000;

function avatarsSuite(backend: string, makeStore: () => Promise<{ store?: Store; cleanup: () => Promise<void> }>) {
  describe(`avatars (${backend})`, () => {
    let server: Server;
    let cleanup: () => Promise<void>;
    let a: TestUser, b: TestUser;

    beforeAll(async () => {
      const made = await makeStore();
      cleanup = made.cleanup;
      server = await startTestServer({ ...(made.store ? { store: made.store } : {}), config: { rateLimits: testRateLimits(), avatarMaxBytes: MAX } });
      [a, b] = await registerUsers(server.url, 2, 'ava');
    });
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    const put = (who: TestUser | null, bytes: Buffer | string, contentType = 'image/png') =>
      call(server.url, 'PUT', '/api/me/avatar', { ...(who ? { token: who.token } : {}), raw: bytes, contentType });

    it('an external avatar URL is refused: nothing makes viewers fetch another server', async () => {
      for (const avatarUrl of ['https://tracker.example/pixel.gif', 'http://10.0.0.1/x.png', '/api/avatars/x/abcdefgh.webp']) {
        const res = await a.api.patch('/api/me', { avatarUrl });
        expect(res.status, avatarUrl).toBe(400);
        expect(res.body.code).toBe('BAD_REQUEST');
      }
      expect((await a.api.get('/api/me')).body.user.avatarUrl).toBeNull();
    });

    it('an uploaded image becomes a square WebP that Parley serves to anyone holding the URL', async () => {
      const res = await put(a, await pngImage(640, 300));
      expect(res.status).toBe(200);
      const url = res.body.user.avatarUrl as string;
      expect(isAvatarPath(url)).toBe(true);
      expect(url.startsWith(`/api/avatars/${a.id}/`)).toBe(true);

      // Other users see it in my public profile; the image needs no Authorization header (an <img>).
      expect((await b.api.get(`/api/users/${a.id}`)).body.user.avatarUrl).toBe(url);
      const img = await fetch(server.url + url);
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/webp');
      expect(img.headers.get('cache-control')).toContain('immutable');
      expect(img.headers.get('content-security-policy')).toContain("img-src 'self' data: blob:");
      const meta = await sharp(Buffer.from(await img.arrayBuffer())).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'webp', width: AVATAR_LIMITS.sizePx, height: AVATAR_LIMITS.sizePx });
    });

    it('a new upload replaces the URL; the old one stops resolving', async () => {
      const first = (await put(a, await pngImage(100, 100))).body.user.avatarUrl as string;
      const second = (await put(a, await pngImage(120, 90))).body.user.avatarUrl as string;
      expect(second).not.toBe(first);
      expect((await fetch(server.url + first)).status).toBe(404);
      expect((await fetch(server.url + second)).status).toBe(200);
      expect((await fetch(`${server.url}/api/avatars/${a.id}/${'x'.repeat(16)}.webp`)).status).toBe(404);
    });

    it('refuses what is not an image, a pixel bomb, an oversized body, and anonymous uploads; nothing changes', async () => {
      const before = (await a.api.get('/api/me')).body.user.avatarUrl;
      expect((await put(a, '<html><script>alert(1)</script></html>', 'image/png')).body.code).toBe('BAD_REQUEST');
      expect((await put(a, Buffer.from('%PDF-1.7\n'), 'image/png')).body.code).toBe('BAD_REQUEST');
      expect((await put(a, await pngClaiming(100_000, 100_000))).body.code).toBe('BAD_REQUEST');
      const big = await put(a, Buffer.alloc(MAX + 1, 1));
      expect({ status: big.status, code: big.body.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
      expect((await put(null, await pngImage(10, 10))).status).toBe(401);
      expect((await a.api.get('/api/me')).body.user.avatarUrl).toBe(before);
    });

    it('avatarUrl: null removes the avatar and its image', async () => {
      const url = (await put(b, await pngImage(50, 50))).body.user.avatarUrl as string;
      const stored = await server.app.services.attachments.blobs.get(`avatar-${b.id}` as never);
      expect(stored).not.toBeNull();
      stored!.destroy();
      const res = await b.api.patch('/api/me', { avatarUrl: null });
      expect(res.status).toBe(200);
      expect(res.body.user.avatarUrl).toBeNull();
      expect((await fetch(server.url + url)).status).toBe(404);
      expect(await server.app.services.attachments.blobs.get(`avatar-${b.id}` as never)).toBeNull();
    });

    it('account erasure deletes the image', async () => {
      const [c] = await registerUsers(server.url, 1, 'avaerase');
      const url = (await put(c, await pngImage(20, 20))).body.user.avatarUrl as string;
      expect((await call(server.url, 'DELETE', '/api/me', { token: c.token, json: { password: c.password } })).status).toBe(204);
      expect((await fetch(server.url + url)).status).toBe(404);
      expect(await server.app.services.attachments.blobs.get(`avatar-${c.id}` as never)).toBeNull();
    });

    it('the SDK uploads an avatar and keeps the session user up to date', async () => {
      const sdk = new ParleyClient({ baseUrl: server.url, WebSocket: WebSocket as unknown as WebSocketCtor });
      await sdk.login({ username: a.username, password: PASSWORD });
      const me = await sdk.uploadAvatar(new Blob([new Uint8Array(await pngImage(64, 64))], { type: 'image/png' }));
      expect(isAvatarPath(me.avatarUrl!)).toBe(true);
      expect(sdk.user?.avatarUrl).toBe(me.avatarUrl);
      await expect(sdk.uploadAvatar(new Uint8Array(Buffer.from('not an image')))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });
}

avatarsSuite('sqlite', async () => ({ cleanup: async () => {} }));

const reachable = await postgresReachable();
describeWithPostgres('avatars (postgres)', reachable, () => {
  avatarsSuite('postgres', postgresTestStore);
});
