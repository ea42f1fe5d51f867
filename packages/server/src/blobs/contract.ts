/**
 * The blob contract: every BlobStore adapter passes it (disk.test.ts; an S3 run needs a
 * reachable endpoint). Speaks only through the port; fresh keys per test.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBlobKey, type BlobStore } from './port';

export type BlobStoreFactory = () => Promise<{ blobs: BlobStore; cleanup: () => Promise<void> }>;

export function blobContract(name: string, factory: BlobStoreFactory): void {
  describe(`Blob contract: ${name}`, () => {
    let blobs: BlobStore;
    let cleanup: () => Promise<void> = async () => {};
    beforeAll(async () => {
      ({ blobs, cleanup } = await factory());
    });
    afterAll(async () => {
      await cleanup();
    });
    const key = () => assertBlobKey(randomBytes(12).toString('hex'));

    /** A body that yields its chunks, then fails. */
    function failingBody(chunks: Buffer[]): Readable {
      return Readable.from(
        (async function* () {
          for (const c of chunks) yield c;
          throw new Error('client went away');
        })(),
      );
    }

    it('stores a streamed body and reads it back', async () => {
      const k = key();
      const parts = ['hello ', 'blob ', 'world'];
      expect(await blobs.put(k, Readable.from(parts.map((p) => Buffer.from(p))), { contentType: 'text/plain' })).toEqual({ size: 16 });
      expect(await blobs.size(k)).toBe(16);
      expect(await text((await blobs.get(k))!)).toBe('hello blob world');
    });

    it('stores a large body in many chunks', async () => {
      const k = key();
      const chunk = randomBytes(64 * 1024);
      const n = 100; // 6.4 MB: more than one S3 part
      const body = Readable.from((function* () { for (let i = 0; i < n; i++) yield chunk; })());
      expect((await blobs.put(k, body)).size).toBe(chunk.length * n);
      expect(await blobs.size(k)).toBe(chunk.length * n);
      await blobs.delete(k);
    });

    it('a body that fails leaves nothing under the key', async () => {
      const k = key();
      await expect(blobs.put(k, failingBody([randomBytes(1000), randomBytes(1000)]))).rejects.toThrow();
      expect(await blobs.get(k)).toBeNull();
      expect(await blobs.size(k)).toBeNull();
    });

    it('a failed overwrite keeps the previous blob whole', async () => {
      const k = key();
      await blobs.put(k, Readable.from([Buffer.from('first')]));
      await expect(blobs.put(k, failingBody([Buffer.from('second, partial')]))).rejects.toThrow();
      expect(await text((await blobs.get(k))!)).toBe('first');
    });

    it('absent keys read as null and delete is idempotent', async () => {
      const k = key();
      expect(await blobs.get(k)).toBeNull();
      expect(await blobs.size(k)).toBeNull();
      await blobs.delete(k);
      await blobs.put(k, Readable.from([Buffer.from('x')]));
      await blobs.delete(k);
      await blobs.delete(k);
      expect(await blobs.get(k)).toBeNull();
    });

    it('refuses keys that are not server-made', async () => {
      for (const bad of ['../../etc/passwd', 'a/b', '', '.hidden', 'x'.repeat(200), 'a b']) {
        expect(() => assertBlobKey(bad)).toThrow();
        await expect(blobs.put(bad as never, Readable.from([Buffer.from('x')]))).rejects.toThrow();
      }
    });
  });
}
