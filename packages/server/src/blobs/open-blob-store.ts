/** Picks the blob adapter from configuration (PARLEY_BLOB_STORE=disk|s3). */
import path from 'node:path';
import type { Config } from '../config';
import { DiskBlobStore } from './disk';
import type { BlobStore } from './port';
import { S3BlobStore } from './s3';

export function openBlobStore(config: Pick<Config, 'dataDir' | 'blobs'>): BlobStore {
  const b = config.blobs;
  if (b.store === 's3') {
    if (!b.s3Bucket) throw new Error('PARLEY_S3_BUCKET is required when PARLEY_BLOB_STORE=s3');
    return new S3BlobStore({
      bucket: b.s3Bucket,
      ...(b.s3Endpoint ? { endpoint: b.s3Endpoint } : {}),
      ...(b.s3Region ? { region: b.s3Region } : {}),
    });
  }
  return new DiskBlobStore(path.join(config.dataDir, 'blobs'));
}
