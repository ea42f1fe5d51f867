/**
 * Avatars are images users upload to Parley, never links to other servers: every
 * viewer's browser would otherwise fetch an address the user chose (a tracking pixel
 * that learns who looked, and when). Parley decodes the upload, re-encodes it as a
 * square WebP and serves it itself; `avatarUrl` in a user is that path or null.
 *
 * - upload: `PUT /api/me/avatar` with the raw image bytes (PNG, JPEG, GIF or WebP; the
 *   type is detected from the bytes) → `{ user }` with the new `avatarUrl`.
 * - remove: `PATCH /api/me` with `{ "avatarUrl": null }`.
 * - show: `GET <avatarUrl>` — no Authorization header needed (an <img> cannot send one;
 *   the path holds a random version and changes with every upload, so it may be cached
 *   for good).
 */
import { z } from 'zod';
import { LIMITS } from './limits';

export const AVATAR_LIMITS = {
  /** Width and height of the served image, pixels. */
  sizePx: 256,
} as const;

export const AVATAR_PATH_PREFIX = '/api/avatars/';

export const AVATAR_BINARY_ROUTES = {
  upload: { method: 'PUT', path: '/api/me/avatar' },
  image: { method: 'GET', path: '/api/avatars/:userId/:version' },
} as const;

export const AvatarImageParams = z.strictObject({
  userId: z.string().min(1).max(LIMITS.idMax).regex(/^[A-Za-z0-9_-]+$/),
  version: z.string().regex(/^[A-Za-z0-9_-]{8,40}\.webp$/),
});

/** True for an avatarUrl Parley serves (what every avatarUrl is; older external ones were dropped). */
export function isAvatarPath(url: string): boolean {
  return url.startsWith(AVATAR_PATH_PREFIX) && /^\/api\/avatars\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]{8,40}\.webp$/.test(url);
}
