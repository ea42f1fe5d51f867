/**
 * JSON routes of the attachments area (uploads and downloads are binary: see
 * ATTACHMENT_BINARY_ROUTES in attachments.ts).
 *
 * Only a type import from routes.ts: routes.ts imports this file to merge the table,
 * and a runtime import back would be a cycle evaluated before `route` exists.
 */
import type { RouteDef } from './routes';
import { AttachmentLinksBody, AttachmentLinksResponse, AttachmentParams, CreateUploadUrlResponse } from './attachments';
import { IdParams } from './rest';

export const ATTACHMENT_ROUTES = {
  createUploadUrl: { method: 'POST', path: '/api/attachments/upload-url', summary: 'A short-lived signed URL to upload one file without an Authorization header (for browser uploads that report progress)', auth: true, response: CreateUploadUrlResponse, status: 200, errors: [] },
  deleteUpload: { method: 'DELETE', path: '/api/attachments/:attachmentId', summary: 'Delete an upload of mine that no message carries yet (frees quota)', auth: true, params: AttachmentParams, status: 204, errors: ['NOT_FOUND'] },
  attachmentLinks: { method: 'POST', path: '/api/conversations/:id/attachments/links', summary: 'Signed, short-lived download and thumbnail URLs for attachments of a conversation (members only)', auth: true, params: IdParams, body: AttachmentLinksBody, response: AttachmentLinksResponse, status: 200, errors: ['NOT_FOUND'] },
} as const satisfies Record<string, RouteDef>;
