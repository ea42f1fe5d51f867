/**
 * The Bus contract: every adapter runs this suite, through the port only.
 *
 * "Not delivered" cannot be observed directly on an asynchronous medium, so those tests
 * publish a marker on another topic from the same publisher afterwards and wait for it:
 * both adapters deliver one publisher's messages to one node in publish order across
 * topics (one connection each way for Redis, synchronous for local), so once the marker
 * has arrived, anything published before it would have arrived too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newConversationId, newUserId } from '../domain/ids';
import { conversationTopic, userTopic, type Bus, type Topic } from './port';

export interface BusFixture {
  /** At least three nodes sharing one medium. */
  nodes: Bus[];
  cleanup: () => Promise<void>;
}

/** Collects what one subscription receives and lets a test wait for a count. */
class Inbox {
  readonly payloads: string[] = [];
  readonly topics: Topic[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(private readonly patienceMs = 10_000) {}

  readonly handler = (payload: string, topic: Topic): void => {
    this.payloads.push(payload);
    this.topics.push(topic);
    this.waiters = this.waiters.filter((w) => {
      if (this.payloads.length < w.count) return true;
      w.resolve();
      return false;
    });
  };

  /**
   * Resolves once `count` payloads have arrived. The patience only turns a lost message
   * into a clear failure instead of a test timeout; no assertion depends on it.
   */
  waitFor(count: number): Promise<void> {
    if (this.payloads.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${count} payloads, received ${this.payloads.length}`)),
        this.patienceMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

const freshTopic = (): Topic => conversationTopic(newConversationId());

export function busContract(name: string, factory: () => Promise<BusFixture>): void {
  describe(`Bus contract: ${name}`, () => {
    let fixture: BusFixture;
    let a: Bus;
    let b: Bus;
    let c: Bus;

    beforeEach(async () => {
      fixture = await factory();
      expect(fixture.nodes.length).toBeGreaterThanOrEqual(3);
      [a, b, c] = fixture.nodes as [Bus, Bus, Bus];
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    /** Waits until `node` has seen a marker published by `from` after everything before it. */
    async function flush(from: Bus, node: Bus): Promise<void> {
      const marker = freshTopic();
      const inbox = new Inbox();
      await node.subscribe(marker, inbox.handler);
      from.publish(marker, 'marker');
      await inbox.waitFor(1);
      await node.unsubscribe(marker);
    }

    it('delivers a publish on one node to a subscriber of that topic on another node', async () => {
      const topic = freshTopic();
      const inbox = new Inbox();
      await b.subscribe(topic, inbox.handler);
      a.publish(topic, 'hello');
      await inbox.waitFor(1);
      expect(inbox.payloads).toEqual(['hello']);
      expect(inbox.topics).toEqual([topic]);
    });

    it('does not deliver to subscribers of other topics', async () => {
      const topic = freshTopic();
      const other = userTopic(newUserId());
      const wanted = new Inbox();
      const unwanted = new Inbox();
      await b.subscribe(topic, wanted.handler);
      await b.subscribe(other, unwanted.handler);
      a.publish(topic, 'for topic only');
      await wanted.waitFor(1);
      await flush(a, b);
      expect(unwanted.payloads).toEqual([]);
    });

    it('delivers to every subscribing node, and to the publisher itself when subscribed', async () => {
      const topic = freshTopic();
      const inboxes = [new Inbox(), new Inbox(), new Inbox()];
      await a.subscribe(topic, inboxes[0]!.handler);
      await b.subscribe(topic, inboxes[1]!.handler);
      await c.subscribe(topic, inboxes[2]!.handler);
      a.publish(topic, 'to all');
      await Promise.all(inboxes.map((inbox) => inbox.waitFor(1)));
      for (const inbox of inboxes) expect(inbox.payloads).toEqual(['to all']);
    });

    it('keeps the order of one publisher per topic', async () => {
      const topic = freshTopic();
      const inbox = new Inbox();
      await b.subscribe(topic, inbox.handler);
      const sent = Array.from({ length: 1000 }, (_, i) => String(i));
      for (const payload of sent) a.publish(topic, payload);
      await inbox.waitFor(sent.length);
      expect(inbox.payloads).toEqual(sent);
    });

    it('receives a publish made right after subscribe resolves', async () => {
      // Repeated on fresh topics: a subscribe that resolved early would lose some of these.
      for (let i = 0; i < 20; i++) {
        const topic = freshTopic();
        const inbox = new Inbox();
        await b.subscribe(topic, inbox.handler);
        a.publish(topic, `first ${i}`);
        await inbox.waitFor(1);
        expect(inbox.payloads).toEqual([`first ${i}`]);
      }
    });

    it('stops delivery after unsubscribe, and can subscribe again', async () => {
      const topic = freshTopic();
      const first = new Inbox();
      await b.subscribe(topic, first.handler);
      a.publish(topic, 'before');
      await first.waitFor(1);
      await b.unsubscribe(topic);
      a.publish(topic, 'after');
      await flush(a, b);
      expect(first.payloads).toEqual(['before']);

      const second = new Inbox();
      await b.subscribe(topic, second.handler);
      a.publish(topic, 'again');
      await second.waitFor(1);
      expect(second.payloads).toEqual(['again']);
      expect(first.payloads).toEqual(['before']);
    });

    it('treats unsubscribe from a topic it never subscribed as a no-op', async () => {
      await expect(b.unsubscribe(freshTopic())).resolves.toBeUndefined();
    });

    it('delivers payloads byte for byte', async () => {
      const topic = freshTopic();
      const inbox = new Inbox();
      await b.subscribe(topic, inbox.handler);
      const large = 'ç€😀'.repeat(4000) + 'x'.repeat(60_000 - 'ç€😀'.repeat(4000).length);
      const payloads = [
        '{"t":"message","body":"héllo wörld — 你好 — 👩🏽‍💻 — \u0301e"}',
        'line one\r\nline two\n*3\r\n$7\r\nmessage\r\n',
        '',
        ' leading and trailing spaces ',
        '\u0000 nul and \u001f control',
        large,
      ];
      for (const payload of payloads) a.publish(topic, payload);
      await inbox.waitFor(payloads.length);
      expect(inbox.payloads).toEqual(payloads);
      expect(Buffer.byteLength(inbox.payloads.at(-1)!)).toBe(Buffer.byteLength(large));
    });

    it('refuses a second subscription to the same topic on one node and keeps the first', async () => {
      const topic = freshTopic();
      const first = new Inbox();
      const second = new Inbox();
      await b.subscribe(topic, first.handler);
      await expect(b.subscribe(topic, second.handler)).rejects.toThrow();
      a.publish(topic, 'still here');
      await first.waitFor(1);
      await flush(a, b);
      expect(first.payloads).toEqual(['still here']);
      expect(second.payloads).toEqual([]);
    });

    it('stops delivery to a node after close(), and other nodes carry on', async () => {
      const topic = freshTopic();
      const closedInbox = new Inbox();
      const openInbox = new Inbox();
      await b.subscribe(topic, closedInbox.handler);
      await c.subscribe(topic, openInbox.handler);
      await b.close();
      expect(b.healthy()).toBe(false);
      a.publish(topic, 'after close');
      await openInbox.waitFor(1);
      await flush(a, c);
      expect(closedInbox.payloads).toEqual([]);
      expect(openInbox.payloads).toEqual(['after close']);
    });

    it('ignores publish after close() without throwing', async () => {
      await a.close();
      expect(() => a.publish(freshTopic(), 'late')).not.toThrow();
      await expect(a.close()).resolves.toBeUndefined();
    });
  });
}
