/**
 * RedisBus behaviour the port cannot express: recovery after a dropped connection,
 * readiness reporting, and failure counting. The port-level behaviour is in
 * redis.contract.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { newConversationId } from '../domain/ids';
import { conversationTopic } from './port';
import { RedisBus } from './redis';
import { flushScripts, randomPrefix, redisTestEnv } from './redis-test-env';

const redis = await redisTestEnv();

/** Polls until `check` holds; a bound only turns a hang into a clear failure. */
async function until(what: string, check: () => boolean | Promise<boolean>, patienceMs = 10_000): Promise<void> {
  const deadline = Date.now() + patienceMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe.skipIf(!redis.available)(`RedisBus specifics${redis.skipNote}`, () => {
  const opened: { close(): Promise<unknown> }[] = [];
  const track = <T extends { close(): Promise<unknown> }>(thing: T): T => {
    opened.push(thing);
    return thing;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((thing) => thing.close()));
  });

  /** Server-side kill of one named connection, as a Redis restart or network cut would do. */
  async function killConnection(name: string): Promise<void> {
    const admin = new Redis(redis.url);
    try {
      const list = await admin.client('LIST');
      const line = String(list)
        .split('\n')
        .find((l) => l.includes(` name=${name} `));
      const id = line?.match(/\bid=(\d+)/)?.[1];
      if (!id) throw new Error(`no connection named ${name}`);
      await admin.client('KILL', 'ID', id);
    } finally {
      await admin.quit();
    }
  }

  function newNode(prefix: string) {
    const nodeName = randomBytes(6).toString('hex');
    const bus = track(new RedisBus({ url: redis.url, prefix, nodeName }));
    return { bus, nodeName };
  }

  /** Two nodes on one prefix, the subscriber listening on one topic, both ready. */
  async function publisherAndSubscriber() {
    const prefix = randomPrefix();
    const subscriber = newNode(prefix);
    const publisher = newNode(prefix);
    const topic = conversationTopic(newConversationId());
    const received: string[] = [];
    await subscriber.bus.subscribe(topic, (payload) => received.push(payload));
    await until('both healthy', () => subscriber.bus.healthy() && publisher.bus.healthy());
    return { subscriber, publisher, topic, received };
  }

  it('becomes healthy once both connections are ready', async () => {
    const { bus } = newNode(randomPrefix());
    await until('healthy', () => bus.healthy());
    await bus.close();
    expect(bus.healthy()).toBe(false);
  });

  it('resubscribes after its subscriber connection is killed', async () => {
    const { subscriber, publisher, topic, received } = await publisherAndSubscriber();

    await killConnection(`parley-bus-sub:${subscriber.nodeName}`);
    await until('unhealthy after the kill', () => !subscriber.bus.healthy());
    await until('healthy again', () => subscriber.bus.healthy());

    // healthy() again means the subscription is active: the next publish must arrive.
    publisher.bus.publish(topic, 'after reconnect');
    await until('delivery after reconnect', () => received.length > 0);
    expect(received).toEqual(['after reconnect']);
  });

  it('tells watchDelivery "lost" when its subscriber connection drops and "restored" once its subscriptions are active again', async () => {
    const { subscriber, publisher, topic, received } = await publisherAndSubscriber();
    const states: string[] = [];
    const healthyWhenRestored: boolean[] = [];
    subscriber.bus.watchDelivery((state) => {
      states.push(state);
      if (state === 'restored') healthyWhenRestored.push(subscriber.bus.healthy());
    });
    // Its publisher's drop is no delivery gap of its own.
    await killConnection(`parley-bus-pub:${subscriber.nodeName}`);
    await until('publisher back', () => subscriber.bus.healthy());
    expect(states).toEqual([]);

    await killConnection(`parley-bus-sub:${subscriber.nodeName}`);
    await until('lost, then restored', () => states.length === 2);
    expect(states).toEqual(['lost', 'restored']);
    expect(healthyWhenRestored).toEqual([true]);
    // "restored" means subscribed: the next publish arrives.
    publisher.bus.publish(topic, 'after restore');
    await until('delivery after restore', () => received.includes('after restore'));

    // Once per outage, every outage; closing is not one.
    await killConnection(`parley-bus-sub:${subscriber.nodeName}`);
    await until('second outage', () => states.length === 4);
    expect(states).toEqual(['lost', 'restored', 'lost', 'restored']);
    await subscriber.bus.close();
    expect(states).toHaveLength(4);
  });

  it('drops publishes while its publisher is down, then publishes again', async () => {
    const { publisher, topic, received } = await publisherAndSubscriber();

    await killConnection(`parley-bus-pub:${publisher.nodeName}`);
    await until('unhealthy after the kill', () => !publisher.bus.healthy());
    expect(() => publisher.bus.publish(topic, 'while down')).not.toThrow();
    expect(publisher.bus.stats().publishesDropped).toBeGreaterThanOrEqual(1);

    await until('healthy again', () => publisher.bus.healthy());
    publisher.bus.publish(topic, 'after reconnect');
    await until('delivery after reconnect', () => received.includes('after reconnect'));
    expect(received).not.toContain('while down');
  });

  it('sends what one loop published across topics, in order per topic, and what was published just before close()', async () => {
    const prefix = randomPrefix();
    const subscriber = newNode(prefix);
    const publisher = newNode(prefix);
    const topics = [conversationTopic(newConversationId()), conversationTopic(newConversationId())];
    const received = new Map<string, string[]>(topics.map((t) => [t, []]));
    for (const t of topics) await subscriber.bus.subscribe(t, (payload) => received.get(t)!.push(payload));
    await until('publisher healthy', () => publisher.bus.healthy());

    // One synchronous loop, as a commit's fan-out publishes: sent together, in more than
    // one script call (512 publishes each).
    const n = 1_100;
    for (let i = 0; i < n; i++) publisher.bus.publish(topics[i % 2]!, `m${i}`);
    publisher.bus.publish(topics[0]!, 'last words');
    await publisher.bus.close();
    await until('all delivered', () => received.get(topics[0]!)!.length === n / 2 + 1 && received.get(topics[1]!)!.length === n / 2);
    expect(received.get(topics[0]!)).toEqual([...Array.from({ length: n / 2 }, (_, i) => `m${2 * i}`), 'last words']);
    expect(received.get(topics[1]!)).toEqual(Array.from({ length: n / 2 }, (_, i) => `m${2 * i + 1}`));
    expect(publisher.bus.stats().publishFailures).toBe(0);
  });

  it('publishes again after Redis forgot its scripts (as after a restart)', async () => {
    const { publisher, topic, received } = await publisherAndSubscriber();
    publisher.bus.publish(topic, 'before');
    await until('first delivery', () => received.length === 1);
    await flushScripts(redis.url);
    publisher.bus.publish(topic, 'after');
    await until('delivery after the flush', () => received.length === 2);
    expect(received).toEqual(['before', 'after']);
    expect(publisher.bus.stats().publishFailures).toBe(0);
  });

  it('reports an unreachable server as unhealthy and never throws from publish', async () => {
    const errors: Error[] = [];
    const bus = track(new RedisBus({ url: 'redis://127.0.0.1:1', onError: (err) => errors.push(err) }));
    expect(bus.healthy()).toBe(false);
    expect(() => bus.publish(conversationTopic(newConversationId()), 'nowhere')).not.toThrow();
    await until('a connection error is reported', () => errors.length > 0);
    expect(bus.healthy()).toBe(false);
  });
});
