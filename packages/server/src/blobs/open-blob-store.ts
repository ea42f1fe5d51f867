/** Picks the blob adapter from configuration (PARLEY_BLOB_STORE=disk|s3). */
import path from 'node:path';
import type { Config } from '../config';
import { DiskBlobStore } from './disk';
import type { BlobStore } from './port';
import type { S3BlobStoreOptions } from './s3';

export function openBlobStore(config: Pick<Config, 'dataDir' | 'blobs'>): BlobStore {
  const b = config.blobs;
  if (b.store === 's3') {
    if (!b.s3Bucket) throw new Error('PARLEY_S3_BUCKET is required when PARLEY_BLOB_STORE=s3');
    return lazyS3({
      bucket: b.s3Bucket,
      ...(b.s3Endpoint ? { endpoint: b.s3Endpoint } : {}),
      ...(b.s3Region ? { region: b.s3Region } : {}),
    });
  }
  return new DiskBlobStore(path.join(config.dataDir, 'blobs'));
}

/** The AWS SDK takes seconds to load: nodes on disk storage never load it, S3 nodes on first use. */
function lazyS3(opts: S3BlobStoreOptions): BlobStore {
  let store: Promise<BlobStore> | null = null;
  const get = () => (store ??= import('./s3').then(({ S3BlobStore }) => new S3BlobStore(opts)));
  return {
    kind: 's3',
    put: async (key, body, o) => (await get()).put(key, body, o),
    get: async (key) => (await get()).get(key),
    size: async (key) => (await get()).size(key),
    delete: async (key) => (await get()).delete(key),
    close: async () => {
      if (store) await (await store).close();
    },
  };
}
