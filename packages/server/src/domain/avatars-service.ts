/**
 * Avatars: an uploaded image, decoded within the pixel limit and re-encoded as a square
 * WebP, stored in the blob store and served by Parley (protocol avatars.ts says why).
 *
 * One blob per user (`avatar-<userId>`), overwritten by each upload, so a user never
 * leaves old images behind; the avatarUrl carries a random version that changes with
 * each upload, so browsers may cache an image for good and a stale URL stops resolving.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { AVATAR_LIMITS, AVATAR_PATH_PREFIX, type UserId } from '@parley/protocol';
import { assertBlobKey, type BlobKey } from '../blobs/port';
import { isInlineImage } from './attachments/media-types';
import type { Deps } from './deps';
import { AppError, notFound } from './errors';
import type { Fanout } from './fanout';
import { me, publicUser } from './views';

const blobKey = (userId: UserId): BlobKey => assertBlobKey(`avatar-${userId}`);

export interface AvatarImage {
  body: Readable;
  size: number;
}

export class AvatarsService {
  constructor(
    private readonly deps: Deps,
    private readonly fanout: Pick<Fanout, 'profile'>,
  ) {}

  private get blobs() {
    return this.deps.blobs;
  }

  /** Refusal before reading a byte, from the declared length alone. */
  checkDeclaredLength(length: number | null): void {
    const max = this.deps.config.avatarMaxBytes;
    if (length !== null && length > max) throw new AppError('PAYLOAD_TOO_LARGE', `avatar images are limited to ${max} bytes`);
    if (length === 0) throw new AppError('BAD_REQUEST', 'the image is empty');
  }

  /** Reads the upload (at most avatarMaxBytes), re-encodes it and makes it the user's avatar. */
  async upload(userId: UserId, body: Readable) {
    const bytes = await readCapped(body, this.deps.config.avatarMaxBytes);
    const { media } = this.deps;
    if (!isInlineImage(await media.detectType(bytes.subarray(0, media.sniffBytes)))) throw badImage('must be a PNG, JPEG, GIF or WebP image');
    const image = await media.squareWebp(bytes, AVATAR_LIMITS.sizePx);
    if (!image) throw badImage('could not be read as an image, or has too many pixels');
    await this.blobs.put(blobKey(userId), Readable.from([image]), { contentType: 'image/webp' });
    const url = `${AVATAR_PATH_PREFIX}${encodeURIComponent(userId)}/${randomBytes(12).toString('base64url')}.webp`;
    const user = await this.deps.store.updateProfile(userId, { avatarUrl: url });
    // The new picture reaches everyone sharing a conversation at once, like a new name (UsersService.updateProfile).
    this.fanout.profile(await this.deps.store.listConversationIds(userId), publicUser(user));
    return me(user);
  }

  /** Deletes the stored image (after avatarUrl was set to null, or the account erased). */
  async forget(userId: UserId): Promise<void> {
    await this.blobs.delete(blobKey(userId));
  }

  /** The image behind an avatarUrl, when it is the user's current one. */
  async open(userId: UserId, version: string): Promise<AvatarImage> {
    const user = await this.deps.store.getUser(userId);
    if (!user || user.avatarUrl !== `${AVATAR_PATH_PREFIX}${encodeURIComponent(userId)}/${version}`) throw notFound('no such avatar');
    const [body, size] = await Promise.all([this.blobs.get(blobKey(userId)), this.blobs.size(blobKey(userId))]);
    if (!body || size === null) {
      body?.destroy();
      throw notFound('no such avatar');
    }
    return { body, size };
  }
}

function badImage(why: string): AppError {
  return new AppError('BAD_REQUEST', `the avatar ${why}`, { issues: [{ path: 'avatar', message: why }] });
}

async function readCapped(body: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      total += (chunk as Buffer).length;
      if (total > max) throw new AppError('PAYLOAD_TOO_LARGE', `avatar images are limited to ${max} bytes`);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('BAD_REQUEST', 'the upload did not complete');
  }
  if (total === 0) throw new AppError('BAD_REQUEST', 'the image is empty');
  return Buffer.concat(chunks);
}
