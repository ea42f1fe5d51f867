/**
 * WebSocket close codes. The range tells the client what to do:
 * - 4000–4099: reconnect with back-off (the server is draining, the client was too slow...).
 * - 4400–4499: stop. Do not reconnect as-is: the session is gone or the client is broken.
 *   4401 is the one exception a client may act on: refresh the access token, then reconnect.
 * Standard codes: 1009 (frame too big) and 1008 (policy) are sent by the server for abuse.
 */
export const CLOSE = {
  /** Node is shutting down or draining; reconnect (the load balancer picks another node). */
  GOING_AWAY: 4000,
  /** The socket could not keep up with its pushes; reconnect and catch up. */
  SLOW_CONSUMER: 4001,
  /** No frame (not even a ping) within the heartbeat window. */
  HEARTBEAT_TIMEOUT: 4002,
  /** The server could not serve the session for now (database or bus down). */
  TRY_AGAIN_LATER: 4003,
  /**
   * This account already has as many open sockets on the node as it may
   * (PARLEY_WS_PER_USER); reconnect with back-off, which succeeds once another closes.
   */
  TOO_MANY_CONNECTIONS: 4004,

  /**
   * The access token was missing, invalid or expired: refresh it, then reconnect. Also
   * sent to an open socket once the token it last proved (its hello's, or its latest
   * `auth` request's) has expired; renewing with `auth` in time avoids it.
   */
  UNAUTHENTICATED: 4401,
  /**
   * The socket's session ended: logout, a reused refresh token (its family revoked), log
   * out everywhere, suspension or erasure. Sent on every node holding a socket of it. Stop.
   */
  SESSION_REVOKED: 4403,
  /** The hello frame named an unsupported protocol version. Stop. */
  PROTOCOL_UNSUPPORTED: 4406,
  /** No hello frame in time, or frames that break the protocol. Stop. */
  PROTOCOL_ERROR: 4400,
  /** Standard: a frame exceeded the size limit. */
  MESSAGE_TOO_BIG: 1009,
  /** Standard: policy violation (used for repeated abuse). */
  POLICY_VIOLATION: 1008,
} as const;

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/** True when a client should reconnect (with jittered back-off) after this close code. */
export function shouldReconnect(code: number): boolean {
  if (code >= 4000 && code <= 4099) return true;
  if (code >= 4400 && code <= 4499) return false;
  if (code === CLOSE.MESSAGE_TOO_BIG || code === CLOSE.POLICY_VIOLATION) return false;
  // 1000 normal, 1001 going away, 1006 abnormal, 1011 server error, 1012 restart, 1013 try later
  return true;
}
