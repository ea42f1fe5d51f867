/**
 * Routes of the moderation area (see moderation.ts). Only a type import from routes.ts
 * (see routes-attachments.ts for why).
 */
import type { RouteDef } from './routes';
import {
  AdminReportListQuery,
  AdminReportListResponse,
  AdminUserParams,
  BlockBody,
  BlockListResponse,
  BlockParams,
  ReportBody,
  ReportMessageParams,
  ReportParams,
  ReportResponse,
} from './moderation';
import { MessageParams } from './rest';

export const MODERATION_ROUTES = {
  blockUser: { method: 'POST', path: '/api/blocks', summary: 'Block a user: no messages, group adds, typing or presence between us (blocking again changes nothing)', auth: true, body: BlockBody, status: 204, errors: ['USER_NOT_FOUND', 'CONFLICT'] },
  unblockUser: { method: 'DELETE', path: '/api/blocks/:userId', summary: 'Unblock a user (unblocking someone not blocked changes nothing)', auth: true, params: BlockParams, status: 204, errors: [] },
  listBlocks: { method: 'GET', path: '/api/blocks', summary: 'The users I blocked, most recent first', auth: true, response: BlockListResponse, status: 200, errors: [] },
  reportMessage: { method: 'POST', path: '/api/conversations/:id/messages/:messageId/report', summary: 'Report a message to the admins (members only; one open report per message and reporter)', auth: true, params: ReportMessageParams, body: ReportBody, response: ReportResponse, status: 201, errors: ['NOT_FOUND', 'CONFLICT'] },

  adminListReports: { method: 'GET', path: '/api/admin/reports', summary: 'Admin: open reports, oldest first, with the message, its sender and the reporter', auth: true, query: AdminReportListQuery, response: AdminReportListResponse, status: 200, errors: ['ROUTE_NOT_FOUND'] },
  adminResolveReport: { method: 'POST', path: '/api/admin/reports/:reportId/resolve', summary: 'Admin: close a report (resolving a closed one changes nothing)', auth: true, params: ReportParams, status: 204, errors: ['ROUTE_NOT_FOUND', 'NOT_FOUND'] },
  adminDeleteMessage: { method: 'DELETE', path: '/api/admin/conversations/:id/messages/:messageId', summary: 'Admin: delete a message for everyone (a message.deleted event with the admin as actor) and close its open reports', auth: true, params: MessageParams, status: 204, errors: ['ROUTE_NOT_FOUND', 'NOT_FOUND'] },
  adminSuspendUser: { method: 'POST', path: '/api/admin/users/:userId/suspend', summary: 'Admin: suspend an account: its sessions end at once on every node and it cannot log in', auth: true, params: AdminUserParams, status: 204, errors: ['ROUTE_NOT_FOUND', 'USER_NOT_FOUND', 'CONFLICT'] },
  adminUnsuspendUser: { method: 'POST', path: '/api/admin/users/:userId/unsuspend', summary: 'Admin: lift a suspension (the user logs in again)', auth: true, params: AdminUserParams, status: 204, errors: ['ROUTE_NOT_FOUND', 'USER_NOT_FOUND'] },
} as const satisfies Record<string, RouteDef>;
