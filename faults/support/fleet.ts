/**
 * A small population of SDK clients for a scenario: users registered through the API,
 * groups among them, one ParleyClient per user connected through one base URL (the
 * load balancer), and bounded traffic recorded by a HistoryRecorder.
 */
import { randomBytes } from 'node:crypto';
import type { ConversationEvent, ConversationId, Message, UserId } from '@parley/protocol';
import { ParleyClient } from '@parley/client';
import { HistoryRecorder, type StoredConversation } from './history-checker';
import { observingWebSocket } from './observing-websocket';
import { sleep, waitFor } from './processes';

export interface Member {
  name: string;
  username: string;
  password: string;
  userId: UserId;
  client: ParleyClient;
  conversations: ConversationId[];
}

export interface Fleet {
  members: Member[];
  groups: ConversationId[];
  recorder: HistoryRecorder;
  /** Disconnects every client. */
  close(): void;
}

const PASSWORD = 'fault injection password';

export interface FleetOptions {
  /** Where the clients connect (the proxy, or one node). */
  baseUrl: string | ((index: number) => string);
  users: number;
  /** Each group as indexes into the users; the first one creates it. */
  groups: number[][];
}

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const recorder = new HistoryRecorder();
  const tag = randomBytes(3).toString('hex');
  const baseUrlOf = (i: number) => (typeof opts.baseUrl === 'string' ? opts.baseUrl : opts.baseUrl(i));
  const members: Member[] = [];
  for (let i = 0; i < opts.users; i++) {
    const name = `u${i}`;
    const client = new ParleyClient({
      baseUrl: baseUrlOf(i),
      WebSocket: observingWebSocket(name, recorder),
      reconnect: { minDelayMs: 100, maxDelayMs: 1500 },
    });
    const username = `f${tag}_${name}`;
    const me = await client.register({ username, password: PASSWORD });
    members.push({ name, username, password: PASSWORD, userId: me.id, client, conversations: [] });
  }
  const groups: ConversationId[] = [];
  for (const [gi, indexes] of opts.groups.entries()) {
    const [owner, ...rest] = indexes.map((i) => members[i]!);
    const { conversation } = await owner!.client.request('createGroup', { body: { title: `fault group ${gi}`, memberIds: rest.map((m) => m.userId) } });
    groups.push(conversation.id);
    for (const m of [owner!, ...rest]) m.conversations.push(conversation.id);
  }
  // One at a time, so consecutive WebSocket connections spread over the nodes in turn.
  for (const m of members) {
    await m.client.connect();
    recorder.watch(m.name, m.client, m.userId, m.conversations);
  }
  return {
    members,
    groups,
    recorder,
    close() {
      for (const m of members) m.client.disconnect();
    },
  };
}

export interface Traffic {
  /** Resolves when every client has queued all its sends (not when they are acknowledged). */
  queued: Promise<void>;
  stop(): void;
}

/**
 * Each member queues `perMember` sends, one every `intervalMs`, round-robin over its
 * conversations. Sends go through the SDK outbox, which retries until acknowledged.
 */
export function startTraffic(fleet: Fleet, opts: { perMember: number; intervalMs: number; label: string }): Traffic {
  let stopped = false;
  const loops = fleet.members.map(async (m, mi) => {
    await sleep((opts.intervalMs * mi) / fleet.members.length); // stagger
    for (let i = 0; i < opts.perMember && !stopped; i++) {
      const cid = m.conversations[i % m.conversations.length]!;
      void fleet.recorder.send(m.name, cid, `${opts.label} ${m.name} #${i}`);
      await sleep(opts.intervalMs);
    }
  });
  return {
    queued: Promise.all(loops).then(() => {}),
    stop() {
      stopped = true;
    },
  };
}

/** Waits until every recorded send is acknowledged (or failed for good). */
export async function waitForAcks(fleet: Fleet, timeoutMs: number): Promise<void> {
  await waitFor(`every send to be acknowledged`, () => fleet.recorder.pending.length === 0, timeoutMs, 100).catch((err: unknown) => {
    const pending = fleet.recorder.pending;
    const outboxes = fleet.members.map((m) => `${m.name}:${m.client.status}/${m.client.outbox.length}`).join(' ');
    throw new Error(`${(err as Error).message}: ${pending.length} pending (outboxes ${outboxes})`);
  });
}

/** Everything stored in the fleet's groups, read back through the API (as a member). */
export async function readStored(fleet: Fleet): Promise<Map<ConversationId, StoredConversation>> {
  const out = new Map<ConversationId, StoredConversation>();
  for (const cid of fleet.groups) {
    const reader = fleet.members.find((m) => m.conversations.includes(cid))!;
    const events: ConversationEvent[] = [];
    for (let after = 0; ; ) {
      const page = await reader.client.request('events', { params: { id: cid }, query: { after, limit: 500 } });
      events.push(...page.events);
      if (!page.hasMore || page.events.length === 0) break;
      after = page.events[page.events.length - 1]!.seq;
    }
    const messages: Message[] = [];
    for (let after = 0; ; ) {
      const page = await reader.client.request('history', { params: { id: cid }, query: { after, limit: 200 } });
      messages.push(...page.messages);
      if (!page.hasMore || page.messages.length === 0) break;
      after = page.messages[page.messages.length - 1]!.seq;
    }
    out.set(cid, { events, messages });
  }
  return out;
}

/**
 * The end of every scenario: all sends acknowledged, every client caught up to the
 * stored heads, then the full history check. Returns the violations (empty = pass).
 */
export async function settleAndCheck(fleet: Fleet, opts: { ackTimeoutMs?: number; catchUpTimeoutMs?: number } = {}): Promise<string[]> {
  await waitForAcks(fleet, opts.ackTimeoutMs ?? 60_000);
  let stored = await readStored(fleet);
  const heads = new Map([...stored].map(([id, c]) => [id, c.events.length]));
  await waitFor('every client to catch up', () => fleet.recorder.caughtUp(heads), opts.catchUpTimeoutMs ?? 30_000, 100).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}: ${fleet.recorder.lagging(heads).join('; ')}`);
  });
  stored = await readStored(fleet);
  return fleet.recorder.check(stored, { requireAllAcked: true });
}
