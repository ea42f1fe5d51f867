/**
 * The one catalogue of error codes. Every error that reaches a client, over HTTP or
 * WebSocket, is `{ code, message }` with a code from here. Codes are stable: clients
 * branch on them, never on message text. `retryable` tells the SDK whether sending the
 * same request again (with the same client ids) can succeed.
 *
 * docs/errors.md is checked against this table by a test.
 */
export const ERRORS = {
  // request shape
  BAD_REQUEST: { status: 400, retryable: false, area: 'request', description: 'The request is malformed: invalid JSON, wrong types, unknown or forbidden fields.' },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false, area: 'request', description: 'The body or frame is larger than the server accepts.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, area: 'request', description: 'The body is not JSON (or not the expected content type).' },
  ROUTE_NOT_FOUND: { status: 404, retryable: false, area: 'request', description: 'No such route.' },
  // auth
  UNAUTHENTICATED: { status: 401, retryable: false, area: 'auth', description: 'No valid access token: missing, malformed, forged, expired or revoked. Refresh and try again.' },
  INVALID_CREDENTIALS: { status: 401, retryable: false, area: 'auth', description: 'Wrong username or password.' },
  INVALID_REFRESH_TOKEN: { status: 401, retryable: false, area: 'auth', description: 'The refresh token is unknown, expired, or was already used (its whole session family is now revoked).' },
  USERNAME_TAKEN: { status: 409, retryable: false, area: 'auth', description: 'That username is already registered.' },
  ACCOUNT_SUSPENDED: { status: 403, retryable: false, area: 'auth', description: 'The account is suspended.' },
  INSECURE_TRANSPORT: { status: 400, retryable: false, area: 'auth', description: 'Raised by the SDK, never sent by the server: it refused to send a password over plain HTTP to a host other than this machine. Use https://, or set the client option allowInsecureTransport.' },
  // objects and permissions
  NOT_FOUND: { status: 404, retryable: false, area: 'object', description: 'The object does not exist, or you are not allowed to know it exists (non-members get this).' },
  USER_NOT_FOUND: { status: 404, retryable: false, area: 'object', description: 'No user with that id or username.' },
  FORBIDDEN: { status: 403, retryable: false, area: 'object', description: 'You can see this object but may not do this to it (for example edit another member\'s message).' },
  CONFLICT: { status: 409, retryable: false, area: 'object', description: 'The change conflicts with the current state (for example adding an existing member).' },
  LIMIT_EXCEEDED: { status: 422, retryable: false, area: 'object', description: 'A size or count limit would be exceeded (for example members per group).' },
  BLOCKED: { status: 403, retryable: false, area: 'object', description: 'The other user has blocked you, or you blocked them.' },
  RELATION_INVALID: { status: 422, retryable: false, area: 'object', description: 'A message relation (replyTo, threadRootId, targetId) names no message of this conversation that you may read, a thread root that is itself in a thread, a reply outside the thread, or a target the kind does not take; nothing was sent.' },
  CONTENT_REJECTED: { status: 422, retryable: false, area: 'object', description: 'The content filter refused the message (spam rules).' },
  // limits and availability
  RATE_LIMITED: { status: 429, retryable: true, area: 'limits', description: 'Too many requests; wait for Retry-After seconds (retryAfterMs on WebSocket).' },
  UNAVAILABLE: { status: 503, retryable: true, area: 'limits', description: 'A dependency (database, bus) is unavailable or the node is draining; retry, possibly on another node.' },
  INTERNAL: { status: 500, retryable: true, area: 'limits', description: 'An unexpected server error. The cause is logged on the server, never sent.' },
  // attachments (in the areas their docs section groups them under)
  QUOTA_EXCEEDED: { status: 413, retryable: false, area: 'limits', description: 'The upload would take you past your storage quota; delete unsent uploads or ask the operator.' },
  ATTACHMENT_INVALID: { status: 422, retryable: false, area: 'object', description: 'An attachment id of the send is unknown, not your upload, or already on a message; nothing was sent.' },
  // websocket session
  PROTOCOL_VERSION_UNSUPPORTED: { status: 400, retryable: false, area: 'realtime', description: 'The hello frame names a protocol version this server does not speak.' },
  HELLO_REQUIRED: { status: 400, retryable: false, area: 'realtime', description: 'The first frame on a WebSocket must be hello.' },
} as const satisfies Record<string, { status: number; retryable: boolean; area: string; description: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Present with RATE_LIMITED. */
  retryAfterMs?: number;
  /** Present with BAD_REQUEST: which field was wrong. */
  issues?: { path: string; message: string }[];
}

export function isRetryable(code: string): boolean {
  return (ERRORS as Record<string, { retryable: boolean }>)[code]?.retryable ?? false;
}

export function httpStatusOf(code: ErrorCode): number {
  return ERRORS[code].status;
}
