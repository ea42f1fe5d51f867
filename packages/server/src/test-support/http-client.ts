/**
 * A bare HTTP client for server tests: fetch with a JSON body (or a raw string/Buffer,
 * so tests can send bytes a JS object literal could never produce), returning the
 * status, headers and parsed body. No SDK in between: the tests see the wire.
 */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text ('' for no content). */
  body: T;
}

export interface CallOptions {
  token?: string;
  /** Serialized with JSON.stringify, content-type application/json. */
  json?: unknown;
  /** Sent as is; set contentType yourself (defaults to application/json). */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export async function call<T = any>(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = opts.contentType ?? 'application/json';
  } else if (opts.raw !== undefined) {
    body = typeof opts.raw === 'string' ? opts.raw : new Uint8Array(opts.raw);
    headers['content-type'] = opts.contentType ?? 'application/json';
  }
  const res = await fetch(baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** A client bound to one node and (optionally) one user's access token. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  as(token: string): Api {
    return new Api(this.baseUrl, token);
  }

  get<T = any>(path: string, opts: CallOptions = {}) {
    return call<T>(this.baseUrl, 'GET', path, this.withToken(opts));
  }
  post<T = any>(path: string, json?: unknown, opts: CallOptions = {}) {
    return call<T>(this.baseUrl, 'POST', path, this.withToken(json === undefined ? opts : { ...opts, json }));
  }
  patch<T = any>(path: string, json?: unknown, opts: CallOptions = {}) {
    return call<T>(this.baseUrl, 'PATCH', path, this.withToken(json === undefined ? opts : { ...opts, json }));
  }
  delete<T = any>(path: string, opts: CallOptions = {}) {
    return call<T>(this.baseUrl, 'DELETE', path, this.withToken(opts));
  }
  raw<T = any>(method: string, path: string, opts: CallOptions = {}) {
    return call<T>(this.baseUrl, method, path, this.withToken(opts));
  }

  private withToken(opts: CallOptions): CallOptions {
    return this.token && opts.token === undefined ? { ...opts, token: this.token } : opts;
  }
}
