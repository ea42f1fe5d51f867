/**
 * The WebSocket protocol version a client names in its hello frame. Bumped on breaking
 * changes. 2: messages carry `kind` and typed `content` (message-kinds.ts) and relations
 * instead of `title` and `body`. A hello naming another version is refused with close
 * code 4406 (PROTOCOL_UNSUPPORTED, "stop"): a version-1 client would misread every message.
 */
export const PROTOCOL_VERSION = 2;
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [2];
