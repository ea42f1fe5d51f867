/**
 * Limits shared by server validation and client-side form checks. Changing one is a
 * protocol change: clients rely on these to reject input before sending it.
 */
export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  passwordMax: 256,
  displayNameMax: 64,
  avatarUrlMax: 2048,
  titleMax: 200,
  bodyMax: 4000,
  groupTitleMax: 100,
  groupMembersMax: 2000,
  addMembersPerRequest: 100,
  clientMessageIdMax: 64,
  idMax: 64,
  pageMax: 200,
  pageDefault: 50,
  syncEventsMax: 500,
  syncConversationsMax: 5000,
  searchPrefixMax: 32,
  reportReasonMax: 500,
  /** Largest WebSocket frame the server accepts, in bytes. */
  frameBytesMax: 64 * 1024,
  /** Largest HTTP JSON body the server accepts, in bytes. */
  httpBodyBytesMax: 64 * 1024,
} as const;

/** How long a typing indicator lasts without being renewed. */
export const TYPING_TTL_MS = 6000;
/** The client pings at this interval; the server closes connections silent for twice as long. */
export const HEARTBEAT_INTERVAL_MS = 25_000;
