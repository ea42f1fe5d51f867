/** Helpers shared by the parts of the store contract: closures over the store under test. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import {
  ConversationEventSchema,
  MessageSchema,
  UserEventSchema,
  type ClientMessageId,
  type ConversationEvent,
  type ConversationId,
  type Message,
  type MessageId,
  type UserEvent,
  type UserId,
} from '@parley/protocol';
import {
  StoreError,
  type SendInput,
  type SendResult,
  type Store,
  type StoreErrorCode,
  type UserRecord,
} from '../port';
import { RuleError, type RuleErrorCode } from '../../domain/rules/refusals';
import { textSend } from '../../test-support/text-content';

/** Overrides of a test send: SendInput fields, or the text's body and title. */
export type TextOverrides = Partial<SendInput> & { body?: string; title?: string | null };

/** A base time; tests add small offsets so ordering by time is explicit. */
export const T0 = 1_700_000_000_000;

export type Kit = ReturnType<typeof createKit>;

/** `getStore` is called lazily: the store exists only once the suite's beforeAll ran. */
export function createKit(getStore: () => Store) {
  const store = new Proxy({} as Store, {
    get: (_t, prop) => {
      const s = getStore();
      const v = Reflect.get(s, prop) as unknown;
      return typeof v === 'function' ? v.bind(s) : v;
    },
  });

  const fresh = (prefix = 'x') => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const convId = () => fresh('c') as ConversationId;
  const msgId = () => fresh('m') as MessageId;
  const cmid = () => fresh('k') as ClientMessageId;

  async function user(displayName = 'User'): Promise<UserRecord> {
    const id = fresh('u') as UserId;
    return store.createUser({ id, username: id.toLowerCase(), displayName, passwordHash: 'hash', createdAt: T0 });
  }
  async function users(n: number): Promise<UserRecord[]> {
    const out: UserRecord[] = [];
    for (let i = 0; i < n; i++) out.push(await user(`User ${i}`));
    return out;
  }
  async function group(owner: UserRecord, members: UserRecord[], at = T0, title = 'Group') {
    const { conversation, events } = await store.createGroup({
      id: convId(),
      ownerId: owner.id,
      title,
      memberIds: members.map((m) => m.id),
      maxMembers: 100,
      at,
    });
    checkEvents(events);
    return conversation.id;
  }
  async function direct(a: UserRecord, b: UserRecord, at = T0) {
    const { conversation } = await store.getOrCreateDirect({ id: convId(), a: a.id, b: b.id, at });
    return conversation.id;
  }
  /** A send of text (`body`, `title`) unless `over` names another kind and content. */
  function input(conversationId: ConversationId, sender: UserRecord, over: TextOverrides = {}): SendInput {
    const { body = 'hello', title = null, ...rest } = over;
    return { conversationId, senderId: sender.id, clientMessageId: cmid(), messageId: msgId(), ...textSend(body, title), at: T0 + 1, ...rest };
  }
  async function send(conversationId: ConversationId, sender: UserRecord, over: TextOverrides = {}): Promise<Message> {
    const [result] = await store.appendMessages([input(conversationId, sender, over)]);
    return okMessage(result);
  }
  function okMessage(result: SendResult | undefined): Message {
    if (!result?.ok) throw new Error(`send failed: ${JSON.stringify(result)}`);
    return MessageSchema.parse(result.message);
  }
  /** A StoreError with the code, or a rule's refusal (RuleError) with it. */
  async function expectCode(p: Promise<unknown>, code: StoreErrorCode | RuleErrorCode) {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err instanceof StoreError || err instanceof RuleError, `expected a StoreError or RuleError ${code}, got ${String(err)}`).toBe(true);
    expect((err as StoreError | RuleError).code).toBe(code);
    return err as StoreError | RuleError;
  }
  function checkEvents(events: ConversationEvent[]): ConversationEvent[] {
    for (const e of events) expect(ConversationEventSchema.parse(e)).toEqual(e);
    return events;
  }
  function checkUserEvent(e: UserEvent | null): UserEvent {
    expect(e).not.toBeNull();
    expect(UserEventSchema.parse(e)).toEqual(e);
    return e!;
  }
  async function allEvents(conversationId: ConversationId) {
    const page = await store.eventsAfter(conversationId, 0, 10_000);
    return checkEvents(page.events);
  }
  async function lastSeq(conversationId: ConversationId) {
    return (await store.getConversation(conversationId))!.lastSeq;
  }
  const seqs = (xs: { seq: number }[]) => xs.map((x) => x.seq);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  return { store: getStore, fresh, convId, msgId, cmid, user, users, group, direct, input, send, okMessage, expectCode, checkEvents, checkUserEvent, allEvents, lastSeq, seqs, range };
}
