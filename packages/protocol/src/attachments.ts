/**
 * Attachments: files and images uploaded by a user, then attached to one message.
 *
 * The life of an attachment:
 * 1. upload: `POST /api/attachments?name=<file name>` with the raw bytes as the body
 *    (Authorization header, or a signed upload URL from `createUploadUrl` for browsers
 *    that want upload progress without handing the token to XHR code). The server
 *    detects the type from the bytes (magic numbers), never from the name or the
 *    Content-Type header, and answers `{ attachment }`.
 * 2. send: the message names it in `attachmentIds` (at most ATTACHMENT_LIMITS.perMessage);
 *    only the uploader can attach it, and only once.
 * 3. read: members download it from `/api/conversations/:id/attachments/:attachmentId`
 *    (and `/thumbnail`) with the Authorization header, or through short-lived signed
 *    URLs minted by `attachmentLinks` (for <img> tags, which cannot send headers).
 * Uploads never attached to a message are deleted after a server-configured time.
 */
import { z } from 'zod';
import type { Brand } from './ids';
import { LIMITS } from './limits';

export type AttachmentId = Brand<string, 'AttachmentId'>;

export const ATTACHMENT_LIMITS = {
  /** Attachments on one message. */
  perMessage: 10,
  /** Longest stored file name, in characters, after sanitising. */
  nameMax: 180,
  /** Attachment ids per attachmentLinks request. */
  linksPerRequest: 100,
} as const;

export const AttachmentIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.idMax)
  .regex(/^[A-Za-z0-9_-]+$/, 'invalid id') as unknown as z.ZodType<AttachmentId, string>;

/**
 * How a message shows one attachment. `kind: 'image'` only for a safe raster type
 * (png, jpeg, gif, webp) that decoded within the pixel limit: clients may show those
 * inline; everything else is a file to download.
 */
export const MessageAttachmentSchema = z.strictObject({
  id: AttachmentIdSchema,
  /** The sanitised original file name: no path, no control characters, length-capped. */
  name: z.string(),
  size: z.number().int().min(0),
  /** Detected from the bytes; application/octet-stream when unknown. */
  contentType: z.string(),
  kind: z.enum(['image', 'file']),
  /** Pixel size, for images only. */
  width: z.number().int().min(1).optional(),
  height: z.number().int().min(1).optional(),
  hasThumbnail: z.boolean(),
});
export type MessageAttachment = z.infer<typeof MessageAttachmentSchema>;

/** An upload as its owner sees it, before and after it is attached. */
export const AttachmentSchema = MessageAttachmentSchema.extend({
  createdAt: z.number().int().min(0),
  /** Set once a message carries it; unattached uploads expire. */
  messageId: z.string().nullable(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const UploadQuery = z.strictObject({
  /** The original file name; only shown back (sanitised), never used as a path or for the type. */
  name: z.string().min(1).max(1024),
  /** Present on signed upload URLs (see createUploadUrl). */
  uid: z.string().max(LIMITS.idMax).optional(),
  exp: z.coerce.number().int().min(0).optional(),
  sig: z.string().max(128).optional(),
});
export const UploadResponse = z.strictObject({ attachment: AttachmentSchema });

export const CreateUploadUrlResponse = z.strictObject({
  /** Path and query to POST the bytes to (append `&name=<file name>`); no Authorization header needed. */
  url: z.string(),
  expiresAt: z.number().int(),
});

export const AttachmentLinksBody = z.strictObject({
  attachmentIds: z.array(AttachmentIdSchema).min(1).max(ATTACHMENT_LIMITS.linksPerRequest),
});
export const AttachmentLink = z.strictObject({
  id: AttachmentIdSchema,
  /** Signed, short-lived download URL (path and query, same origin). */
  url: z.string(),
  /** Signed thumbnail URL, null when the attachment has no thumbnail. */
  thumbnailUrl: z.string().nullable(),
  expiresAt: z.number().int(),
});
/** Links for the requested attachments of this conversation; ids that are not (or no longer) there are left out. */
export const AttachmentLinksResponse = z.strictObject({ links: z.array(AttachmentLink) });

export const AttachmentParams = z.strictObject({ attachmentId: AttachmentIdSchema });
export const ConversationAttachmentParams = z.strictObject({ id: z.string().min(1).max(LIMITS.idMax).regex(/^[A-Za-z0-9_-]+$/), attachmentId: AttachmentIdSchema });
/** Query of a download through a signed link. */
export const DownloadQuery = z.strictObject({
  /** The user the link was minted for: it works only while that user's sessions do (logout everywhere revokes it). */
  u: z.string().max(LIMITS.idMax).optional(),
  exp: z.coerce.number().int().min(0).optional(),
  sig: z.string().max(128).optional(),
});

/**
 * Binary routes: not JSON, so not in ROUTES (the SDK's typed calls and the JSON route
 * registration skip them); documented in docs/protocol.md.
 */
export const ATTACHMENT_BINARY_ROUTES = {
  upload: { method: 'POST', path: '/api/attachments' },
  download: { method: 'GET', path: '/api/conversations/:id/attachments/:attachmentId' },
  thumbnail: { method: 'GET', path: '/api/conversations/:id/attachments/:attachmentId/thumbnail' },
} as const;

/** Content types clients may display inline; anything else is served as a download. */
export const INLINE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
