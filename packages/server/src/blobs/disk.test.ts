import { mkdtemp, readdir, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { blobContract } from './contract';
import { DiskBlobStore } from './disk';
import { assertBlobKey } from './port';

blobContract('disk', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-blobs-'));
  return { blobs: new DiskBlobStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)));
  return out;
}

describe('DiskBlobStore specifics', () => {
  it('leaves no temp file behind when a put fails', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-blobs-'));
    const blobs = new DiskBlobStore(dir);
    const body = Readable.from((async function* () { yield Buffer.alloc(10_000); throw new Error('abort'); })());
    await expect(blobs.put(assertBlobKey('abc123'), body)).rejects.toThrow();
    expect(await filesUnder(dir)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('sweeps temp files a crash left, only once they are old', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-blobs-'));
    const blobs = new DiskBlobStore(dir);
    await mkdir(path.join(dir, 'ab'));
    const old = path.join(dir, 'ab', '.tmp-old');
    const young = path.join(dir, 'ab', '.tmp-young');
    await writeFile(old, 'x');
    await writeFile(young, 'x');
    const now = Date.now();
    await utimes(old, new Date(now - 3_600_000), new Date(now - 3_600_000));
    expect(await blobs.sweepPartial(now, 600_000)).toBe(1);
    expect(await filesUnder(dir)).toEqual(['ab/.tmp-young']);
    await rm(dir, { recursive: true, force: true });
  });
});
