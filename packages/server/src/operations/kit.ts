/**
 * The shape of an operation and of the two ways a client reaches it.
 *
 * An operation is declared once (operations/<area>.ts): who may call it, the one rate
 * rule its calls count against, and the service call. Its input and result are types
 * derived from the protocol's schemas. An HTTP route (a ROUTES entry) and a WebSocket
 * request op (a RequestFrame op) bind to it: each says how its parsed input becomes the
 * operation's input and how the result becomes its reply. The binders (bind-http.ts,
 * bind-ws.ts) authenticate, validate, take the rate step and call, the same way for
 * every operation.
 */
import type { ReplyData, RequestFrame, RequestOp, RouteName, RouteParsedBody, RouteParsedParams, RouteParsedQuery, RouteResponse, UserId } from '@parley/protocol';
import type { FastifyReply } from 'fastify';
import type { Services } from '../domain/services';
import type { RateRuleName } from '../rate-limit/keys';
import type { UserRecord } from '../store/port';
import type { ClientConnection } from '../realtime/connection';

/** A signed-in caller, on any transport. */
export interface Caller {
  userId: UserId;
  /** The session of the access token (null for tokens older than the sid claim). */
  sessionId: string | null;
}

/** HTTP authenticates every request: the account it read and the client's address come along. */
export interface HttpCaller extends Caller {
  user: UserRecord;
  ip: string;
}

/** A socket's requests: the connection they came on. */
export interface SocketCaller extends Caller {
  connection: ClientConnection;
}

/** A caller without a session (register, log in, refresh, log out). */
export interface Anonymous {
  ip: string;
  /** The known-device token the client presented (an HTTP cookie; domain/auth/login-guard.ts). */
  deviceToken?: string | undefined;
}

/**
 * The budget an operation's calls count against: one rule of config.rateLimits, per
 * signed-in user or per client address (keys: rate-limit/keys.ts). `rule: null` only with
 * the reason it needs none (or who limits it instead).
 */
export type RateSpec = { rule: RateRuleName; per: 'user' | 'ip' } | { rule: null; why: string };

/**
 * An operation of a signed-in user. `run` is a property (not a method) on purpose: its
 * caller parameter is then checked contravariantly, so an operation that needs the HTTP
 * account record or the socket cannot be bound to the other transport.
 */
export interface UserOperation<I, R, C extends Caller = Caller> {
  auth: true;
  rate: RateSpec;
  run: (s: Services, caller: C, input: I) => Promise<R>;
}

export interface PublicOperation<I, R> {
  auth: false;
  rate: RateSpec;
  run: (s: Services, caller: Anonymous, input: I) => Promise<R>;
}

export type Operation<I, R, C extends Caller = Caller> = UserOperation<I, R, C> | PublicOperation<I, R>;

export function userOp<I, R, C extends Caller = Caller>(def: Omit<UserOperation<I, R, C>, 'auth'>): UserOperation<I, R, C> {
  return { auth: true, ...def };
}

export function publicOp<I, R>(def: Omit<PublicOperation<I, R>, 'auth'>): PublicOperation<I, R> {
  return { auth: false, ...def };
}

// ---- HTTP

/** A route's parsed input (the protocol's schemas applied, defaults filled in). */
export interface HttpInput<N extends RouteName> {
  params: RouteParsedParams<N>;
  query: RouteParsedQuery<N>;
  body: RouteParsedBody<N>;
}

type Fields<T> = T extends undefined ? unknown : T;
/**
 * A route's input as one object: its path parameters, query and body fields together
 * (no route repeats a name across them). What an operation bound to one route takes.
 */
export type RouteInput<N extends RouteName> = Fields<RouteParsedParams<N>> & Fields<RouteParsedQuery<N>> & Fields<RouteParsedBody<N>>;

export function routeInput<N extends RouteName>({ params, query, body }: HttpInput<N>): RouteInput<N> {
  return Object.assign({}, params, query, body) as RouteInput<N>;
}

/** What a route's reply may change beyond the body: the status (201 → 200 for a retry...), or the whole reply for a stream. */
export interface HttpResponse {
  status(code: 200 | 201 | 204): void;
  readonly fastify: FastifyReply;
}

type HttpReply<N extends RouteName, R> = (result: R, res: HttpResponse) => RouteResponse<N> | Promise<RouteResponse<N>>;

/** A route bound to an operation; the input and result types were checked where it was made (http()). */
export interface HttpBinding<N extends RouteName> {
  readonly route: N;
  readonly operation: Operation<unknown, unknown, HttpCaller>;
  readonly input: (input: HttpInput<N>) => unknown;
  readonly reply: HttpReply<N, unknown>;
}

/** Every route of ROUTES bound, so a route without an operation does not compile. */
export type HttpBindings = { [N in RouteName]: HttpBinding<N> };

/**
 * Binds a route to an operation. By default the operation takes the route's input as
 * one object (RouteInput) and its result is the reply body; `input` and `reply` say
 * otherwise (an operation shared with a WebSocket op, a status that depends on the result).
 */
export function http<N extends RouteName, R extends RouteResponse<N>>(route: N, operation: Operation<RouteInput<N>, R, HttpCaller>): HttpBinding<N>;
export function http<N extends RouteName, I, R>(route: N, operation: Operation<I, R, HttpCaller>, how: { input: (input: HttpInput<N>) => I; reply: HttpReply<N, R> }): HttpBinding<N>;
export function http<N extends RouteName, I, R extends RouteResponse<N>>(route: N, operation: Operation<I, R, HttpCaller>, how: { input: (input: HttpInput<N>) => I }): HttpBinding<N>;
export function http<N extends RouteName, R>(route: N, operation: Operation<RouteInput<N>, R, HttpCaller>, how: { reply: HttpReply<N, R> }): HttpBinding<N>;
export function http<N extends RouteName>(
  route: N,
  operation: Operation<never, unknown, HttpCaller>,
  how: { input?: (input: HttpInput<N>) => unknown; reply?: HttpReply<N, never> } = {},
): HttpBinding<N> {
  return {
    route,
    operation: operation as unknown as Operation<unknown, unknown, HttpCaller>,
    input: how.input ?? routeInput,
    reply: (how.reply ?? ((r: unknown) => r as RouteResponse<N>)) as HttpReply<N, unknown>,
  };
}

// ---- WebSocket

/** A request op's parsed data. */
export type FrameData<W extends RequestOp> = Extract<RequestFrame, { op: W }>['data'];

/** A request op bound to an operation; its reply is typed per op (ReplyData[W]), never a union of all. */
export interface WsBinding<W extends RequestOp> {
  readonly op: W;
  readonly operation: Operation<unknown, unknown, SocketCaller>;
  readonly input: (data: FrameData<W>) => unknown;
  readonly reply: (result: unknown) => ReplyData[W];
}

/** Every request op bound, so an op without an operation does not compile. */
export type WsBindings = { [W in RequestOp]: WsBinding<W> };

export function ws<W extends RequestOp, I, R>(op: W, operation: Operation<I, R, SocketCaller>, input: (data: FrameData<W>) => I, reply: (result: R) => ReplyData[W]): WsBinding<W> {
  return { op, operation: operation as Operation<unknown, unknown, SocketCaller>, input, reply: reply as (result: unknown) => ReplyData[W] };
}

// ---- rate specs

export const perUser = (rule: RateRuleName) => ({ rule, per: 'user' }) as const;
export const perIp = (rule: RateRuleName) => ({ rule, per: 'ip' }) as const;
