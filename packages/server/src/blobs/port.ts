/**
 * The blob storage port: where attachment bytes live. Two adapters: disk.ts (default,
 * under <PARLEY_DATA_DIR>/blobs) and s3.ts (any S3-compatible service). Both pass the
 * contract in contract.ts (the S3 one only where an endpoint is reachable).
 *
 * Guarantees every adapter gives:
 * - Keys are made by the server (assertBlobKey); no user input ever becomes a key or a
 *   path, so nothing can be written outside the store.
 * - put() streams: the body is never held whole in memory. It resolves once the whole
 *   blob is stored; when it rejects (the body errored, was aborted, or storage failed)
 *   nothing is stored under the key — a reader never sees a partial blob.
 * - get() of an absent key is null; delete() of an absent key is a no-op.
 */
import type { Readable } from 'node:stream';

export type BlobKey = string & { readonly __blobKey: unique symbol };

const KEY = /^[A-Za-z0-9_-]{1,100}(\.[a-z]{1,10})?$/;

/** Server-made keys only: letters, digits, '_' and '-', with an optional short suffix. */
export function assertBlobKey(key: string): BlobKey {
  if (!KEY.test(key)) throw new Error('invalid blob key');
  return key as BlobKey;
}

export interface BlobStore {
  readonly kind: 'disk' | 's3';
  put(key: BlobKey, body: Readable, opts?: { contentType?: string }): Promise<{ size: number }>;
  get(key: BlobKey): Promise<Readable | null>;
  /** Size in bytes, or null when absent. */
  size(key: BlobKey): Promise<number | null>;
  delete(key: BlobKey): Promise<void>;
  /** Removes leftovers of puts a crash interrupted, older than the age (adapters that can leave any). */
  sweepPartial?(now: number, olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}
