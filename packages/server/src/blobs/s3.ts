/**
 * Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2...). Credentials come from
 * the SDK's standard chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
 * profiles, instance roles); nothing secret is read or logged here.
 *
 * put() uses lib-storage's Upload: the body is cut into parts as it streams (memory is
 * bounded by partSize x queueSize, never the whole file). If the body fails, the
 * multipart upload is aborted (leavePartsOnError: false), and a small body is sent as
 * one PutObject only once complete, so a failed put leaves no object under the key.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable, Transform } from 'node:stream';
import type { BlobKey, BlobStore } from './port';
import { assertBlobKey } from './port';

export interface S3BlobStoreOptions {
  bucket: string;
  /** For non-AWS services; implies path-style addressing (bucket in the path). */
  endpoint?: string;
  region?: string;
  /** Key prefix inside the bucket, e.g. "parley/". */
  prefix?: string;
  /** Tests inject a configured client. */
  client?: S3Client;
}

const PART_SIZE = 5 * 1024 * 1024;

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(opts: S3BlobStoreOptions) {
    this.bucket = opts.bucket;
    this.prefix = opts.prefix ?? '';
    this.client =
      opts.client ??
      new S3Client({
        region: opts.region ?? 'us-east-1',
        ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
      });
  }

  private keyOf(key: BlobKey): string {
    return this.prefix + assertBlobKey(key);
  }

  async put(key: BlobKey, body: Readable, opts: { contentType?: string } = {}): Promise<{ size: number }> {
    let size = 0;
    const counted = body.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          done(null, chunk);
        },
      }),
    );
    // pipe() does not forward errors: a failing body must fail the upload.
    body.once('error', (err) => counted.destroy(err));
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.keyOf(key), Body: counted, ...(opts.contentType ? { ContentType: opts.contentType } : {}) },
      partSize: PART_SIZE,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await upload.done();
    return { size };
  }

  async get(key: BlobKey): Promise<Readable | null> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      const body = res.Body;
      if (!body) return null;
      return body instanceof Readable ? body : Readable.fromWeb((body as { transformToWebStream(): ReadableStream }).transformToWebStream() as never);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async size(key: BlobKey): Promise<number | null> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      return res.ContentLength ?? 0;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: BlobKey): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
