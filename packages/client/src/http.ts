/**
 * Typed REST calls derived from the protocol's route table. Authenticated routes carry
 * the access token; a 401 UNAUTHENTICATED refreshes it once and retries the request.
 * Every failure is a ParleyError with a catalogue code: the server's own, or one the
 * SDK picks for a failure that never reached the server (network → UNAVAILABLE).
 */
import { ATTACHMENT_BINARY_ROUTES, ROUTES, type Attachment, type ErrorBody, type ErrorCode, type RouteBody, type RouteName, type RouteParams, type RouteQuery, type RouteResponse } from '@parley/protocol';
import { ParleyError } from './parley-error';

// `{} extends T`: true when every key of T is optional.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type Field<K extends string, T> = [T] extends [undefined] ? { [P in K]?: undefined } : {} extends T ? { [P in K]?: T } : { [P in K]: T };

/** What a call to route N takes: its path params, query and body, each typed from the route. */
export type RequestArgs<N extends RouteName> = Field<'params', RouteParams<N>> & Field<'query', RouteQuery<N>> & Field<'body', RouteBody<N>>;

/** Lets calls to routes that need nothing omit the argument. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type RequestArgsTuple<N extends RouteName> = {} extends RequestArgs<N> ? [args?: RequestArgs<N>] : [args: RequestArgs<N>];

export interface TokenSource {
  accessToken(): Promise<string>;
  /** Called with the token the server refused; returns a fresh one. */
  refresh(stale: string): Promise<string>;
}

export interface HttpDeps {
  baseUrl: string;
  fetch: typeof fetch;
  tokens: TokenSource;
  /** Send passwords over plain HTTP to other machines too (see insecureTarget). */
  allowInsecureTransport?: boolean;
}

/** Loopback hosts, where plain HTTP never leaves the machine. */
function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * True when a request to this URL would travel in clear text to another machine: plain
 * http:// (or ws://) to a host that is not loopback. Relative URLs resolve against the
 * page; a URL that cannot be resolved is left to fetch to refuse.
 */
export function insecureTarget(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url, (globalThis as { location?: { href?: string } }).location?.href);
  } catch {
    return false;
  }
  return (u.protocol === 'http:' || u.protocol === 'ws:') && !isLoopbackHost(u.hostname);
}

/** A body that carries a password (login, register, account erasure, any future one). */
function carriesPassword(body: unknown): boolean {
  return body !== null && typeof body === 'object' && Object.keys(body).some((k) => /password/i.test(k));
}

/** An upload that has not finished by then is given up (and retried by its owner): 25 MiB at ~100 kB/s. */
const UPLOAD_TIMEOUT_MS = 5 * 60_000;

export class Http {
  constructor(private readonly deps: HttpDeps) {}

  async request<N extends RouteName>(name: N, ...[args]: RequestArgsTuple<N>): Promise<RouteResponse<N>> {
    const route = ROUTES[name];
    const a = (args ?? {}) as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
    const url = this.deps.baseUrl.replace(/\/+$/, '') + fillPath(route.path, a.params) + queryString(a.query);
    if (!this.deps.allowInsecureTransport && carriesPassword(a.body) && insecureTarget(url)) {
      throw new ParleyError('INSECURE_TRANSPORT', 'refusing to send a password over plain HTTP to another machine: use https:// (or allowInsecureTransport)', { retryable: false });
    }
    const init: RequestInit = { method: route.method, headers: {} };
    const headers = init.headers as Record<string, string>;
    headers.accept = 'application/json';
    if (a.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(a.body);
    }
    if (!route.auth) return (await this.send(url, init)) as RouteResponse<N>;

    const token = await this.deps.tokens.accessToken();
    try {
      return (await this.send(url, withAuth(init, token))) as RouteResponse<N>;
    } catch (err) {
      if (!(err instanceof ParleyError) || err.code !== 'UNAUTHENTICATED') throw err;
      const fresh = await this.deps.tokens.refresh(token);
      return (await this.send(url, withAuth(init, fresh))) as RouteResponse<N>;
    }
  }

  /**
   * Uploads one file (the binary upload route: raw bytes, the name in the query). The
   * server detects the type from the bytes.
   */
  async upload(name: string, data: Blob, timeoutMs = UPLOAD_TIMEOUT_MS): Promise<Attachment> {
    const path = `${ATTACHMENT_BINARY_ROUTES.upload.path}?name=${encodeURIComponent(name)}`;
    return (await this.binary<{ attachment: Attachment }>(ATTACHMENT_BINARY_ROUTES.upload.method, path, data, 'application/octet-stream', timeoutMs)).attachment;
  }

  /**
   * An authenticated request with a raw (binary) body, for the routes outside the JSON
   * table (uploads, an avatar): the same token refresh and error mapping as request().
   */
  async binary<T>(method: string, path: string, body: BodyInit, contentType: string, timeoutMs?: number): Promise<T> {
    const url = this.deps.baseUrl.replace(/\/+$/, '') + path;
    const init = (): RequestInit => ({
      method,
      headers: { accept: 'application/json', 'content-type': contentType },
      body,
      ...(timeoutMs !== undefined ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
    });
    const token = await this.deps.tokens.accessToken();
    try {
      return (await this.send(url, withAuth(init(), token))) as T;
    } catch (err) {
      if (!(err instanceof ParleyError) || err.code !== 'UNAUTHENTICATED') throw err;
      return (await this.send(url, withAuth(init(), await this.deps.tokens.refresh(token)))) as T;
    }
  }

  private async send(url: string, init: RequestInit): Promise<unknown> {
    let res: Response;
    try {
      // Called detached: browsers refuse fetch with any `this` but the window (or none).
      const f = this.deps.fetch;
      res = await f(url, init);
    } catch {
      throw new ParleyError('UNAVAILABLE', 'network error', { retryable: true });
    }
    if (res.ok) {
      if (res.status === 204) return undefined;
      const text = await res.text();
      return text ? JSON.parse(text) : undefined;
    }
    throw await errorFrom(res);
  }
}

function withAuth(init: RequestInit, token: string): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } };
}

function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const v = params?.[key];
    if (v === undefined || v === null || v === '') throw new ParleyError('BAD_REQUEST', `missing path parameter ${key}`);
    return encodeURIComponent(String(v));
  });
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) qs.set(k, String(v));
  const s = qs.toString();
  return s ? `?${s}` : '';
}

async function errorFrom(res: Response): Promise<ParleyError> {
  let body: Partial<ErrorBody> | null = null;
  try {
    body = (await res.json()) as Partial<ErrorBody>;
  } catch {
    /* a proxy's HTML error page, for example */
  }
  const code = typeof body?.code === 'string' ? (body.code as ErrorCode) : codeForStatus(res.status);
  const retryAfterMs = body?.retryAfterMs ?? retryAfterHeader(res.headers.get('retry-after'));
  return new ParleyError(code, typeof body?.message === 'string' ? body.message : `HTTP ${res.status}`, {
    status: res.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(body?.issues ? { issues: body.issues } : {}),
  });
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'ROUTE_NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 502 || status === 503 || status === 504) return 'UNAVAILABLE';
  if (status >= 500) return 'INTERNAL';
  return 'BAD_REQUEST';
}

function retryAfterHeader(v: string | null): number | undefined {
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
