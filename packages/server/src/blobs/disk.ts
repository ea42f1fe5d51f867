/**
 * Blobs as files under one directory. A put streams into a temp file in the same
 * directory, fsyncs it and renames it into place (rename is atomic on one file
 * system), so a failed or aborted upload leaves no file under its key; a crash may
 * leave a `.tmp-*` file, which sweepPartial() removes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, type BlobKey, type BlobStore } from './port';

export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk' as const;

  constructor(private readonly dir: string) {}

  /**
   * Keys live one level down, in one of 256 shards picked by a hash of the key's stem
   * (ids are time-ordered, so their first characters would put everything in one), so
   * no directory grows to millions of files; a key and its ".suffix" share a shard.
   */
  private pathOf(key: BlobKey): string {
    assertBlobKey(key);
    const shard = createHash('sha256').update(key.split('.')[0]!).digest('hex').slice(0, 2);
    return path.join(this.dir, shard, key);
  }

  async put(key: BlobKey, body: Readable): Promise<{ size: number }> {
    const final = this.pathOf(key);
    await mkdir(path.dirname(final), { recursive: true });
    const temp = path.join(path.dirname(final), `.tmp-${randomBytes(8).toString('hex')}`);
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, count, createWriteStream(temp, { flags: 'wx' }));
      const fh = await open(temp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, final);
      return { size };
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: BlobKey): Promise<Readable | null> {
    const file = this.pathOf(key);
    try {
      await stat(file);
    } catch {
      return null;
    }
    return createReadStream(file);
  }

  async size(key: BlobKey): Promise<number | null> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      return null;
    }
  }

  async delete(key: BlobKey): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Removes temp files older than `olderThanMs` (left by a crash mid-upload). */
  async sweepPartial(now: number, olderThanMs: number): Promise<number> {
    let removed = 0;
    let shards: string[];
    try {
      shards = await readdir(this.dir);
    } catch {
      return 0;
    }
    for (const shard of shards) {
      const sub = path.join(this.dir, shard);
      let names: string[];
      try {
        names = await readdir(sub);
      } catch {
        continue;
      }
      for (const name of names.filter((n) => n.startsWith('.tmp-'))) {
        const file = path.join(sub, name);
        const info = await stat(file).catch(() => null);
        if (info && now - info.mtimeMs > olderThanMs) {
          await rm(file, { force: true });
          removed++;
        }
      }
    }
    return removed;
  }

  async close(): Promise<void> {}
}
