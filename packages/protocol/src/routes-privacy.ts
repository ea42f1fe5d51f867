/**
 * Routes of the privacy area. Only a type import from routes.ts (see routes-attachments.ts
 * for why).
 */
import type { RouteDef } from './routes';
import { EraseAccountBody, ExportArchiveSchema } from './privacy';

export const PRIVACY_ROUTES = {
  exportMyData: { method: 'GET', path: '/api/me/export', summary: 'Download everything of mine as one JSON archive (streamed; rate limited)', auth: true, response: ExportArchiveSchema, status: 200, errors: ['RATE_LIMITED'] },
  eraseAccount: { method: 'DELETE', path: '/api/me', summary: 'Erase my account for good (password confirmation): my messages become tombstones, I leave every conversation, every session ends', auth: true, body: EraseAccountBody, status: 204, errors: ['INVALID_CREDENTIALS', 'RATE_LIMITED'] },
} as const satisfies Record<string, RouteDef>;
