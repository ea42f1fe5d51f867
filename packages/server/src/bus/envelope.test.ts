/**
 * The bus envelope: the documented wire form of each value, round trips, and decoding
 * of anything at all without throwing (raw strings, as a subscriber receives them).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ConversationId, UserId } from '@parley/protocol';
import {
  decodeConversation,
  decodeUser,
  encodeConversation,
  encodeUser,
  frameJson,
  type ConversationEnvelope,
  type FrameJson,
  type UserEnvelope,
} from './envelope';

const U = '0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4' as UserId;
const C = '0190ffffc3d4e5f6a7b8c9d0e1f2a3b4' as ConversationId;
const frame = frameJson({ type: 'typing', conversationId: C, userId: U, state: 'start' });

describe('wire form', () => {
  it('is the documented routing line, a newline, then the frame as it was serialized', () => {
    expect(encodeConversation({ type: 'push', frame })).toBe(`-\n${frame}`);
    expect(encodeConversation({ type: 'push', frame, sentAt: 1700000000123 })).toBe(`@1700000000123\n${frame}`);
    expect(encodeConversation({ type: 'member.gone', userId: U, frame })).toBe(`x${U}\n${frame}`);
    expect(encodeConversation({ type: 'typing', userId: U, frame })).toBe(`f${U}\n${frame}`);
    expect(encodeConversation({ type: 'presence', userId: U, frame })).toBe(`p${U}\n${frame}`);
    expect(encodeConversation({ type: 'profile', userId: U, frame })).toBe(`u${U}\n${frame}`);
    expect(encodeUser({ type: 'push', frame })).toBe(`-\n${frame}`);
    expect(encodeUser({ type: 'joined', conversationId: C, frame })).toBe(`+${C}\n${frame}`);
    expect(encodeUser({ type: 'left', conversationId: C, frame })).toBe(`x${C}\n${frame}`);
    expect(encodeUser({ type: 'session.revoked', sessionId: null })).toBe('!\n');
    expect(encodeUser({ type: 'session.revoked', sessionId: 'fam1' })).toBe('!fam1\n');
    expect(encodeUser({ type: 'block', userId: U, blocked: true, frame })).toBe(`h${U}\n${frame}`);
    expect(encodeUser({ type: 'block', userId: U, blocked: false, frame: null })).toBe(`s${U}\n`);
  });

  it('hands the frame back as the same string, never re-serialized', () => {
    const decoded = decodeConversation(`@5\n${frame}`);
    expect(decoded).toEqual({ type: 'push', frame, sentAt: 5 });
    expect((decoded as { frame: string }).frame).toBe(frame);
  });

  it('reads the same routing letter per topic: x is a member on a conversation topic, a conversation on a user topic', () => {
    expect(decodeConversation(`x${U}\n${frame}`)).toEqual({ type: 'member.gone', userId: U, frame });
    expect(decodeUser(`x${C}\n${frame}`)).toEqual({ type: 'left', conversationId: C, frame });
  });

  it('rejects malformed payloads with null', () => {
    const bad: [string, (p: string) => unknown][] = [
      ['', decodeConversation],
      ['-', decodeConversation], // no newline
      ['-\n', decodeConversation], // no frame
      ['-\nnot json', decodeConversation],
      [`-x\n${frame}`, decodeConversation],
      [`@\n${frame}`, decodeConversation],
      [`@-1\n${frame}`, decodeConversation],
      [`@01\n${frame}`, decodeConversation], // not canonical
      [`@1.5\n${frame}`, decodeConversation],
      [`@99999999999999999\n${frame}`, decodeConversation], // beyond a safe integer
      [`x\n${frame}`, decodeConversation],
      [`x${U}!\n${frame}`, decodeConversation],
      [`x${'a'.repeat(65)}\n${frame}`, decodeConversation],
      [`+${C}\n${frame}`, decodeConversation], // a user-topic letter
      [`n\n${frame}`, decodeUser], // older nodes' notification draft
      [`!\n${frame}`, decodeUser], // revocation carries no frame
      ['!bad id\n', decodeUser],
      [`h${U}\nnot json`, decodeUser],
      [`+\n${frame}`, decodeUser],
      [`+${C}\n`, decodeUser],
      [`p${U}\n${frame}`, decodeUser], // a conversation-topic letter
      [`u${U}\n${frame}`, decodeUser], // a conversation-topic letter
      [`u\n${frame}`, decodeConversation], // a profile names its user
      [`u${U}\n`, decodeConversation], // and carries the user frame
      [`-\n${frame}`.replace('-', '?'), decodeUser],
    ];
    for (const [payload, decode] of bad) expect(decode(payload), JSON.stringify(payload)).toBeNull();
    expect(decodeConversation(undefined as unknown as string)).toBeNull();
  });
});

// ---- properties

const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const frameArb = fc
  .dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 4 })
  .map((o) => JSON.stringify({ type: 'event', ...o }) as FrameJson);

const conversationEnvelope: fc.Arbitrary<ConversationEnvelope> = fc.oneof(
  frameArb.map((frame): ConversationEnvelope => ({ type: 'push', frame })),
  fc.record({ frame: frameArb, sentAt: fc.nat({ max: Number.MAX_SAFE_INTEGER }) }).map(({ frame, sentAt }): ConversationEnvelope => ({ type: 'push', frame, sentAt })),
  fc
    .record({ type: fc.constantFrom('member.gone' as const, 'typing' as const, 'presence' as const, 'profile' as const), userId: idArb, frame: frameArb })
    .map((e) => ({ ...e, userId: e.userId as UserId })),
);

const userEnvelope: fc.Arbitrary<UserEnvelope> = fc.oneof(
  frameArb.map((frame): UserEnvelope => ({ type: 'push', frame })),
  fc
    .record({ type: fc.constantFrom('joined' as const, 'left' as const), conversationId: idArb, frame: frameArb })
    .map((e) => ({ ...e, conversationId: e.conversationId as ConversationId })),
  fc.option(idArb, { nil: null }).map((sessionId): UserEnvelope => ({ type: 'session.revoked', sessionId })),
  fc
    .record({ userId: idArb, blocked: fc.boolean(), frame: fc.option(frameArb, { nil: null }) })
    .map((e): UserEnvelope => ({ type: 'block', ...e, userId: e.userId as UserId })),
);

/** Strings near the wire form (a routing letter, maybe an id, a newline, maybe a frame) and strings of anything. */
const payloadArb = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .tuple(fc.constantFrom('-', '@', 'x', 'f', 'p', 'u', '+', '!', 'h', 's', 'n', ''), fc.oneof(idArb, fc.string(), fc.nat().map(String)), fc.constantFrom('\n', '', '\r\n'), fc.oneof(frameArb, fc.string(), fc.constant('')))
    .map((parts) => parts.join('')),
);

describe('properties', () => {
  it('every conversation envelope survives encode then decode', () => {
    fc.assert(
      fc.property(conversationEnvelope, (e) => {
        expect(decodeConversation(encodeConversation(e))).toEqual(e);
      }),
    );
  });

  it('every user envelope survives encode then decode', () => {
    fc.assert(
      fc.property(userEnvelope, (e) => {
        expect(decodeUser(encodeUser(e))).toEqual(e);
      }),
    );
  });

  it('decoding anything never throws, and whatever decodes encodes back to the same string', () => {
    fc.assert(
      fc.property(payloadArb, (payload) => {
        const c = decodeConversation(payload);
        if (c !== null) expect(encodeConversation(c)).toBe(payload);
        const u = decodeUser(payload);
        if (u !== null) expect(encodeUser(u)).toBe(payload);
      }),
      { numRuns: 2000 },
    );
  });
});
