/**
 * The blob contract against a real S3-compatible endpoint, when one is configured:
 * PARLEY_TEST_S3_BUCKET (+ PARLEY_TEST_S3_ENDPOINT for MinIO & co, and the standard AWS
 * credential variables). No S3 server runs on the development machine and no in-process
 * fake is used (the one npm offers, s3rver, rests on long-deprecated dependencies), so
 * this skips visibly unless configured — or fails when PARLEY_REQUIRE_S3=1.
 */
import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { blobContract } from './contract';
import { S3BlobStore } from './s3';

const bucket = process.env.PARLEY_TEST_S3_BUCKET;

if (bucket) {
  blobContract('s3', async () => {
    const blobs = new S3BlobStore({
      bucket,
      prefix: `parley-test-${randomBytes(4).toString('hex')}/`,
      ...(process.env.PARLEY_TEST_S3_ENDPOINT ? { endpoint: process.env.PARLEY_TEST_S3_ENDPOINT } : {}),
      ...(process.env.PARLEY_TEST_S3_REGION ? { region: process.env.PARLEY_TEST_S3_REGION } : {}),
    });
    return { blobs, cleanup: () => blobs.close() };
  });
} else if (process.env.PARLEY_REQUIRE_S3 === '1') {
  describe('Blob contract: s3', () => {
    it('needs an S3 endpoint', () => {
      throw new Error('PARLEY_REQUIRE_S3=1 but PARLEY_TEST_S3_BUCKET is not set');
    });
  });
} else {
  console.warn('[skip] Blob contract: s3: set PARLEY_TEST_S3_BUCKET (and PARLEY_TEST_S3_ENDPOINT) to run it');
  describe.skip('Blob contract: s3 (skipped: no S3 endpoint configured)', () => {
    it('needs an S3 endpoint', () => {});
  });
}
