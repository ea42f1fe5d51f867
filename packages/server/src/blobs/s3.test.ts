/**
 * The blob contract on the S3 adapter. With PARLEY_TEST_S3_BUCKET (+ PARLEY_TEST_S3_ENDPOINT
 * and the standard AWS credential variables) it runs against that endpoint (AWS, MinIO...).
 * Otherwise it runs against s3rver, an S3-compatible server from npm started here on a
 * free port with a temporary directory: a real HTTP S3 implementation (signatures,
 * multipart uploads), not a stand-in for our code. s3rver is old and unmaintained, so a
 * real endpoint remains the stronger check before relying on a new S3 provider.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { blobContract } from './contract';
import { S3BlobStore } from './s3';

const configured = process.env.PARLEY_TEST_S3_BUCKET;
const bucket = configured ?? 'parley-test';
let endpoint = process.env.PARLEY_TEST_S3_ENDPOINT;

if (!configured) {
  let server: import('s3rver').default | null = null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-s3rver-'));
  beforeAll(async () => {
    const { default: S3rver } = await import('s3rver');
    server = new S3rver({ port: 0, address: '127.0.0.1', directory: dir, silent: true, configureBuckets: [{ name: bucket }] });
    const address = await server.run();
    endpoint = `http://127.0.0.1:${address.port}`;
    // s3rver accepts these fixed credentials; the SDK reads them from the environment.
    process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

blobContract('s3', async () => {
  const blobs = new S3BlobStore({
    bucket,
    prefix: `parley-test-${randomBytes(4).toString('hex')}/`,
    ...(endpoint ? { endpoint } : {}),
    ...(process.env.PARLEY_TEST_S3_REGION ? { region: process.env.PARLEY_TEST_S3_REGION } : {}),
  });
  return { blobs, cleanup: () => blobs.close() };
});
