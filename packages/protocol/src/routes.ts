/**
 * The REST API, declared once. The server must implement a handler for every entry
 * (a missing one fails to compile), the SDK derives its typed calls from it, and the
 * OpenAPI document served at /api/openapi.json is generated from it.
 */
import { z } from 'zod';
import * as R from './rest';
import type { ErrorCode } from './errors';
import { ATTACHMENT_ROUTES } from './routes-attachments';
import { SEARCH_ROUTES } from './routes-search';
import { PRIVACY_ROUTES } from './routes-privacy';
import { MODERATION_ROUTES } from './routes-moderation';
import { NOTIFICATION_ROUTES } from './routes-notifications';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  /** false only for the routes that create a session. */
  auth: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Absent for 204 No Content. */
  response?: z.ZodType;
  status: 200 | 201 | 204;
  /** Error codes this route documents beyond the ones every route can return. */
  errors: readonly ErrorCode[];
}

export const route = <const T extends RouteDef>(r: T) => r;

/** The core chat API. Feature areas declare theirs in routes-<area>.ts and are merged below. */
export const CORE_ROUTES = {
  register: route({ method: 'POST', path: '/api/auth/register', summary: 'Create an account and a session', auth: false, body: R.RegisterBody, response: R.SessionResponse, status: 201, errors: ['USERNAME_TAKEN', 'RATE_LIMITED'] }),
  login: route({ method: 'POST', path: '/api/auth/login', summary: 'Log in with username and password', auth: false, body: R.LoginBody, response: R.SessionResponse, status: 200, errors: ['INVALID_CREDENTIALS', 'ACCOUNT_SUSPENDED', 'RATE_LIMITED'] }),
  refresh: route({ method: 'POST', path: '/api/auth/refresh', summary: 'Trade a refresh token for a new session (the old token is spent)', auth: false, body: R.RefreshBody, response: R.SessionResponse, status: 200, errors: ['INVALID_REFRESH_TOKEN', 'RATE_LIMITED'] }),
  logout: route({ method: 'POST', path: '/api/auth/logout', summary: 'End the session this refresh token belongs to', auth: false, body: R.LogoutBody, status: 204, errors: [] }),
  logoutAll: route({ method: 'POST', path: '/api/auth/logout-all', summary: 'End every session of mine, on every device, at once', auth: true, status: 204, errors: [] }),

  me: route({ method: 'GET', path: '/api/me', summary: 'My profile and settings', auth: true, response: z.strictObject({ user: R.SessionResponse.shape.user }), status: 200, errors: [] }),
  updateProfile: route({ method: 'PATCH', path: '/api/me', summary: 'Change display name or avatar URL', auth: true, body: R.UpdateProfileBody, response: z.strictObject({ user: R.SessionResponse.shape.user }), status: 200, errors: [] }),
  updatePrivacy: route({ method: 'PATCH', path: '/api/me/privacy', summary: 'Change who sees my last seen, and whether I send read receipts', auth: true, body: R.UpdatePrivacyBody, response: z.strictObject({ user: R.SessionResponse.shape.user }), status: 200, errors: [] }),
  searchUsers: route({ method: 'GET', path: '/api/users', summary: 'Find people by username prefix', auth: true, query: R.UserSearchQuery, response: R.UserListResponse, status: 200, errors: [] }),
  getUser: route({ method: 'GET', path: '/api/users/:userId', summary: 'A user\'s public profile and presence', auth: true, params: R.UserParams, response: R.UserResponse, status: 200, errors: ['USER_NOT_FOUND'] }),

  listConversations: route({ method: 'GET', path: '/api/conversations', summary: 'My conversations, most recent first, with last message and unread count', auth: true, query: R.ConversationListQuery, response: R.ConversationListResponse, status: 200, errors: [] }),
  createDirect: route({ method: 'POST', path: '/api/conversations/direct', summary: 'Open the direct conversation with a user (the same one every time)', auth: true, body: R.CreateDirectBody, response: R.ConversationResponse, status: 200, errors: ['USER_NOT_FOUND', 'BLOCKED'] }),
  createGroup: route({ method: 'POST', path: '/api/conversations/group', summary: 'Create a group; I become its owner', auth: true, body: R.CreateGroupBody, response: R.ConversationResponse, status: 201, errors: ['USER_NOT_FOUND', 'LIMIT_EXCEEDED'] }),
  getConversation: route({ method: 'GET', path: '/api/conversations/:id', summary: 'One conversation', auth: true, params: R.IdParams, response: R.ConversationResponse, status: 200, errors: ['NOT_FOUND'] }),
  renameConversation: route({ method: 'PATCH', path: '/api/conversations/:id', summary: 'Change a group\'s title (owner or admin)', auth: true, params: R.IdParams, body: R.RenameBody, response: R.ConversationResponse, status: 200, errors: ['NOT_FOUND', 'FORBIDDEN'] }),
  updateConversationSettings: route({ method: 'PATCH', path: '/api/conversations/:id/settings', summary: 'Change a group\'s settings (owner or admin): who reads what was said before they joined, for members who join from now on', auth: true, params: R.IdParams, body: R.ConversationSettingsBody, response: R.ConversationResponse, status: 200, errors: ['NOT_FOUND', 'FORBIDDEN'] }),
  addMembers: route({ method: 'POST', path: '/api/conversations/:id/members', summary: 'Add members to a group (owner or admin); CONFLICT, adding nobody, when any is already a member', auth: true, params: R.IdParams, body: R.AddMembersBody, response: R.ConversationResponse, status: 200, errors: ['NOT_FOUND', 'FORBIDDEN', 'USER_NOT_FOUND', 'CONFLICT', 'LIMIT_EXCEEDED'] }),
  removeMember: route({ method: 'DELETE', path: '/api/conversations/:id/members/:userId', summary: 'Remove a member from a group (owner or admin)', auth: true, params: R.MemberParams, status: 204, errors: ['NOT_FOUND', 'FORBIDDEN'] }),
  setMemberRole: route({ method: 'PATCH', path: '/api/conversations/:id/members/:userId', summary: 'Make a member admin or member (owner only)', auth: true, params: R.MemberParams, body: R.SetRoleBody, response: R.ConversationResponse, status: 200, errors: ['NOT_FOUND', 'FORBIDDEN'] }),
  leaveConversation: route({ method: 'POST', path: '/api/conversations/:id/leave', summary: 'Leave a group', auth: true, params: R.IdParams, status: 204, errors: ['NOT_FOUND', 'FORBIDDEN'] }),
  archiveConversation: route({ method: 'POST', path: '/api/conversations/:id/archive', summary: 'Archive a conversation for me', auth: true, params: R.IdParams, status: 204, errors: ['NOT_FOUND'] }),
  unarchiveConversation: route({ method: 'POST', path: '/api/conversations/:id/unarchive', summary: 'Unarchive a conversation for me', auth: true, params: R.IdParams, status: 204, errors: ['NOT_FOUND'] }),

  history: route({ method: 'GET', path: '/api/conversations/:id/messages', summary: 'Messages by seq, paged backwards (before) or forwards (after)', auth: true, params: R.IdParams, query: R.HistoryQuery, response: R.HistoryResponse, status: 200, errors: ['NOT_FOUND'] }),
  send: route({ method: 'POST', path: '/api/conversations/:id/messages', summary: 'Send a message; retrying with the same clientMessageId returns the original', auth: true, params: R.IdParams, body: R.SendBody, response: R.MessageResponse, status: 201, errors: ['NOT_FOUND', 'RATE_LIMITED', 'BLOCKED', 'CONTENT_REJECTED', 'FORBIDDEN', 'RELATION_INVALID'] }),
  editMessage: route({ method: 'PATCH', path: '/api/conversations/:id/messages/:messageId', summary: 'Edit my message', auth: true, params: R.MessageParams, body: R.EditBody, response: R.MessageResponse, status: 200, errors: ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'CONTENT_REJECTED'] }),
  deleteMessage: route({ method: 'DELETE', path: '/api/conversations/:id/messages/:messageId', summary: 'Delete a message for me, or for everyone (author or group admin)', auth: true, params: R.MessageParams, query: R.DeleteQuery, status: 204, errors: ['NOT_FOUND', 'FORBIDDEN'] }),
  markRead: route({ method: 'POST', path: '/api/conversations/:id/read', summary: 'Move my read watermark forward', auth: true, params: R.IdParams, body: R.MarkBody, status: 204, errors: ['NOT_FOUND'] }),
  events: route({ method: 'GET', path: '/api/conversations/:id/events', summary: 'Conversation events after a seq (catch-up for one conversation)', auth: true, params: R.IdParams, query: R.EventsQuery, response: R.EventsResponse, status: 200, errors: ['NOT_FOUND'] }),
  compose: route({ method: 'POST', path: '/api/compose', summary: 'Send a titled message to a user by username (opens the direct conversation)', auth: true, body: R.ComposeBody, response: R.ComposeResponse, status: 201, errors: ['USER_NOT_FOUND', 'RATE_LIMITED', 'BLOCKED', 'CONTENT_REJECTED'] }),
  received: route({ method: 'GET', path: '/api/messages/received', summary: 'Messages others sent me, newest first, across conversations', auth: true, query: R.MailboxQuery, response: R.MailboxResponse, status: 200, errors: [] }),
  sent: route({ method: 'GET', path: '/api/messages/sent', summary: 'Messages I sent, newest first, across conversations', auth: true, query: R.MailboxQuery, response: R.MailboxResponse, status: 200, errors: [] }),
  sync: route({ method: 'POST', path: '/api/sync', summary: 'Catch up: everything after the seqs I hold', auth: true, body: R.SyncRequest, response: R.SyncResponse, status: 200, errors: [] }),
} as const;

/** Every JSON route. (Binary uploads and downloads are declared in their area's file and documented in docs/protocol.md.) */
export const ROUTES = {
  ...CORE_ROUTES,
  ...ATTACHMENT_ROUTES,
  ...SEARCH_ROUTES,
  ...PRIVACY_ROUTES,
  ...MODERATION_ROUTES,
  ...NOTIFICATION_ROUTES,
} as const;

export type RouteName = keyof typeof ROUTES;
type Def<N extends RouteName> = (typeof ROUTES)[N];
type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;
type Input<T> = T extends z.ZodType ? z.input<T> : undefined;
export type RouteParams<N extends RouteName> = Def<N> extends { params: infer P } ? Input<P> : undefined;
export type RouteQuery<N extends RouteName> = Def<N> extends { query: infer Q } ? Input<Q> : undefined;
export type RouteBody<N extends RouteName> = Def<N> extends { body: infer B } ? Input<B> : undefined;
/** Parsed (defaults applied) forms, what a server handler receives. */
export type RouteParsedParams<N extends RouteName> = Def<N> extends { params: infer P } ? Infer<P> : undefined;
export type RouteParsedQuery<N extends RouteName> = Def<N> extends { query: infer Q } ? Infer<Q> : undefined;
export type RouteParsedBody<N extends RouteName> = Def<N> extends { body: infer B } ? Infer<B> : undefined;
export type RouteResponse<N extends RouteName> = Def<N> extends { response: infer S } ? Infer<S> : void;
