/**
 * The bus envelope: everything one node tells the others (and itself) through the
 * fan-out bus, as a typed value. Only this file writes or reads the wire form; the
 * publisher (domain/fanout.ts) builds values, the receiver (realtime/routing.ts) gets
 * values back, and neither knows the layout.
 *
 * A payload is one routing line, a newline, then the push frame's JSON:
 *
 *   "<routing>\n<frame JSON>"
 *
 * The frame is serialized once by the publisher (`frameJson`) and handed to every
 * socket as it is: nothing on the receiving side parses or re-serializes it. The routing
 * line tells a gateway what to do besides pushing, without reading the frame.
 *
 * On a conversation's topic (ConversationEnvelope):
 *   "-"               push: the frame to every local member (receipts, edits, renames…)
 *   "@<millis>"       push of a new message, sent at that time (send-to-deliver metric)
 *   "x<userId>"       member.gone: that member left or was removed; push the frame (they
 *                     see their own removal too), then stop routing the conversation to them
 *   "f<userId>"       typing from that user: skip recipients in a block with them
 *   "p<userId>"       presence of that user: the same, and a recipient sharing several
 *                     conversations with them gets one copy per turn
 *   "u<userId>"       profile of that user (their new name or picture): routed like
 *                     presence (skip a block, one copy per turn, kept apart from presence)
 * On a user's topic (UserEnvelope):
 *   "-"               push: the frame to the user's sockets (user events, notifications)
 *   "+<conversationId>"  joined: push the frame, then route that conversation to the user
 *   "x<conversationId>"  left: push the frame, then stop routing it to the user
 *   "!"               session.revoked, every session of the user (log out everywhere,
 *                     suspension, erasure): close their sockets; no frame
 *   "!<sessionId>"    session.revoked, that session only (logout, refresh-token reuse)
 *   "h<userId>"       block began with that user: stop delivering their typing and
 *                     presence; the frame, if any, is still pushed (their presence as
 *                     this user may now see it)
 *   "s<userId>"       block ended with that user (same frame rule)
 *
 * Ids are the protocol's id strings ([A-Za-z0-9_-], at most LIMITS.idMax); millis are
 * canonical decimal integers. decode* never throws: anything else, including a frame
 * that is missing where one is required (or present where none may be), is null, and
 * the receiver drops it. Encoding is canonical: decode(s) !== null implies encode of it
 * gives s back (the property tests hold both ways).
 *
 * A payload names no node and no version: every node of a deployment runs the same
 * envelope. Older nodes' "n" (a notification draft) is no longer accepted (null).
 */
import { LIMITS, type ConversationId, type PushFrame, type UserId } from '@parley/protocol';

declare const frameBrand: unique symbol;
/** A push frame serialized once by its publisher, passed through to sockets unchanged. */
export type FrameJson = string & { readonly [frameBrand]: true };

export function frameJson(frame: PushFrame): FrameJson {
  return JSON.stringify(frame) as FrameJson;
}

/** What is published on a conversation's topic. */
export type ConversationEnvelope =
  | { type: 'push'; frame: FrameJson; sentAt?: number }
  | { type: 'member.gone'; userId: UserId; frame: FrameJson }
  | { type: 'typing'; userId: UserId; frame: FrameJson }
  | { type: 'presence'; userId: UserId; frame: FrameJson }
  | { type: 'profile'; userId: UserId; frame: FrameJson };

/** What is published on a user's topic. */
export type UserEnvelope =
  | { type: 'push'; frame: FrameJson }
  | { type: 'joined'; conversationId: ConversationId; frame: FrameJson }
  | { type: 'left'; conversationId: ConversationId; frame: FrameJson }
  /** sessionId null: every session of the user. */
  | { type: 'session.revoked'; sessionId: string | null }
  /** blocked false: the block ended. */
  | { type: 'block'; userId: UserId; blocked: boolean; frame: FrameJson | null };

export type Envelope = ConversationEnvelope | UserEnvelope;

// ---- encode

export function encodeConversation(e: ConversationEnvelope): string {
  switch (e.type) {
    case 'push':
      return `${e.sentAt === undefined ? '-' : `@${e.sentAt}`}\n${e.frame}`;
    case 'member.gone':
      return `x${e.userId}\n${e.frame}`;
    case 'typing':
      return `f${e.userId}\n${e.frame}`;
    case 'presence':
      return `p${e.userId}\n${e.frame}`;
    case 'profile':
      return `u${e.userId}\n${e.frame}`;
  }
}

export function encodeUser(e: UserEnvelope): string {
  switch (e.type) {
    case 'push':
      return `-\n${e.frame}`;
    case 'joined':
      return `+${e.conversationId}\n${e.frame}`;
    case 'left':
      return `x${e.conversationId}\n${e.frame}`;
    case 'session.revoked':
      return `!${e.sessionId ?? ''}\n`;
    case 'block':
      return `${e.blocked ? 'h' : 's'}${e.userId}\n${e.frame ?? ''}`;
  }
}

// ---- decode

const ID = new RegExp(`^[A-Za-z0-9_-]{1,${LIMITS.idMax}}$`);
const MILLIS = /^(?:0|[1-9][0-9]{0,15})$/;

/** The routing line and the frame, or null when there is no newline. */
function split(payload: string): [routing: string, frame: string] | null {
  if (typeof payload !== 'string') return null;
  const nl = payload.indexOf('\n');
  if (nl < 0) return null;
  return [payload.slice(0, nl), payload.slice(nl + 1)];
}

/** A serialized push frame is a JSON object: cheap to recognise without parsing it. */
function isFrame(text: string): text is FrameJson {
  return text.length >= 2 && text.charCodeAt(0) === 0x7b && text.charCodeAt(text.length - 1) === 0x7d;
}

function id<T extends string>(text: string): T | null {
  return ID.test(text) ? (text as T) : null;
}

export function decodeConversation(payload: string): ConversationEnvelope | null {
  const parts = split(payload);
  if (!parts) return null;
  const [routing, frame] = parts;
  if (!isFrame(frame)) return null;
  const tag = routing.charAt(0);
  const rest = routing.slice(1);
  if (tag === '-') return rest === '' ? { type: 'push', frame } : null;
  if (tag === '@') {
    if (!MILLIS.test(rest)) return null;
    const sentAt = Number(rest);
    return Number.isSafeInteger(sentAt) ? { type: 'push', frame, sentAt } : null;
  }
  const userId = id<UserId>(rest);
  if (userId === null) return null;
  if (tag === 'x') return { type: 'member.gone', userId, frame };
  if (tag === 'f') return { type: 'typing', userId, frame };
  if (tag === 'p') return { type: 'presence', userId, frame };
  if (tag === 'u') return { type: 'profile', userId, frame };
  return null;
}

export function decodeUser(payload: string): UserEnvelope | null {
  const parts = split(payload);
  if (!parts) return null;
  const [routing, frame] = parts;
  const tag = routing.charAt(0);
  const rest = routing.slice(1);
  if (tag === '!') {
    if (frame !== '') return null;
    if (rest === '') return { type: 'session.revoked', sessionId: null };
    return id(rest) === null ? null : { type: 'session.revoked', sessionId: rest };
  }
  if (tag === 'h' || tag === 's') {
    const userId = id<UserId>(rest);
    if (userId === null) return null;
    if (frame !== '' && !isFrame(frame)) return null;
    return { type: 'block', userId, blocked: tag === 'h', frame: frame === '' ? null : frame };
  }
  if (!isFrame(frame)) return null;
  if (tag === '-') return rest === '' ? { type: 'push', frame } : null;
  const conversationId = id<ConversationId>(rest);
  if (conversationId === null) return null;
  if (tag === '+') return { type: 'joined', conversationId, frame };
  if (tag === 'x') return { type: 'left', conversationId, frame };
  return null;
}
