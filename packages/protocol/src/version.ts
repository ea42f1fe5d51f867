/** The WebSocket protocol version a client names in its hello frame. Bumped on breaking changes. */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1];
