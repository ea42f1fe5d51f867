/**
 * Redis pub/sub bus: one publisher and one subscriber connection per node (a node is
 * one RedisBus). Domain topics become channels `${prefix}${topic}`; no channel name
 * leaves this file, and tests isolate themselves with a random prefix.
 *
 * Construction: `new RedisBus({ url, prefix?, nodeName?, sharded?, onError? })`. The bus owns both
 * connections (a subscriber connection cannot be shared with other users of Redis) and
 * closes them in close().
 *
 * Delivery is at most once, as the port allows:
 * - publish is fire and forget (no round trip is awaited on the hot path); a turn's
 *   publishes go out together when it ends (TurnBatch), as one script call that
 *   publishes them in order (sharded: a pipeline of SPUBLISH, see below). Before the
 *   publisher's first connection, publishes wait in the
 *   client's offline queue; after it has been connected once, publishes made while it is
 *   down are dropped and counted instead of piling up in memory for a burst on reconnect.
 * - on reconnect ioredis resubscribes to every channel (autoResubscribe); messages
 *   published while the subscriber was away are lost, and clients catch up by sequence.
 *   watchDelivery listeners hear 'lost' when the subscriber connection drops (a
 *   restart, a failover, CLIENT KILL, an output-buffer limit) and 'restored' once every
 *   subscription is active again, so the node re-reads what bus messages told it.
 *
 * Redis Cluster: classic PUBLISH is broadcast to every shard of a cluster, which stops
 * scaling with the number of shards. Redis 7 sharded pub/sub (SPUBLISH/SSUBSCRIBE) routes
 * a channel by its key slot to one shard only. `sharded: true` switches this adapter to
 * those commands; it works against a single Redis 7 too (which is how it is tested). A
 * real cluster additionally needs ioredis `Cluster` clients (with `shardedSubscribers`)
 * in place of the two `Redis` connections below, since each SSUBSCRIBE must reach the
 * shard owning the channel's slot; the topic→channel mapping needs no change.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { chunks } from '../redis/chunks';
import { TurnBatch } from '../redis/turn-batch';
import type { Bus, BusHandler, DeliveryState, Topic } from './port';

/**
 * ARGV: channel, payload, channel, payload, … Channels are not keys, so the call names
 * no KEYS and runs on any single Redis. One call per turn instead of one PUBLISH each:
 * 7 µs less of the node's CPU per publish (a scratch loop of 100-publish turns).
 */
const PUBLISH_MANY = `
for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end
return 0
`;

/** Publishes per script call: bounds how long one call holds Redis (every command waits for it). */
const PUBLISHES_PER_CALL = 512;

interface PublishScripts {
  parleyPublishMany(keyCount: 0, ...channelPayloadPairs: string[]): Promise<number>;
}

export interface RedisBusOptions {
  url: string;
  /** Channel name prefix; default 'parley:'. */
  prefix?: string;
  /** Shown in CLIENT LIST as parley-bus-pub:<nodeName> / parley-bus-sub:<nodeName>. */
  nodeName?: string;
  /** Use SPUBLISH/SSUBSCRIBE (Redis 7+, see the file comment). Default false. */
  sharded?: boolean;
  /**
   * Told about connection and publish failures (for logging). The error carries the
   * driver's message only, never the command arguments, so no payload reaches a log.
   */
  onError?: (err: Error) => void;
  /** How often the node publishes to its own health channel; default 1 s. */
  probeIntervalMs?: number;
  /** healthy() needs a round trip newer than this; default 5 probe intervals. */
  probeStaleMs?: number;
}

export interface RedisBusStats {
  /** Publishes rejected by Redis or lost with the connection. */
  publishFailures: number;
  /** Publishes dropped without trying because the publisher was disconnected. */
  publishesDropped: number;
}

export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly prefix: string;
  private readonly sharded: boolean;
  private readonly onError: (err: Error) => void;
  /** Keyed by channel name, so an incoming message finds its handler without parsing. */
  private readonly handlers = new Map<string, { topic: Topic; handler: BusHandler }>();
  private publisherWasReady = false;
  private subscriptionsRestored = false;
  /** The subscriber connection was ready once (a drop after that is a delivery gap). */
  private subscriberWasReady = false;
  /** 'lost' was told and 'restored' not yet. */
  private deliveryLost = false;
  private readonly deliveryListeners: ((state: DeliveryState) => void)[] = [];
  private closed = false;
  private readonly counters: RedisBusStats = { publishFailures: 0, publishesDropped: 0 };
  /**
   * A channel only this bus subscribes to. A probe published there and heard back proves
   * both connections carry messages end to end: a Redis that hangs (connections open,
   * nothing answers) or a path to it that silently drops packets keeps the clients'
   * status 'ready', but no probe comes back.
   */
  private readonly healthChannel: string;
  private readonly probeTimer: NodeJS.Timeout;
  private readonly probeStaleMs: number;
  private lastRoundTripAt = 0;
  /** Publishes of this turn of the event loop, written together when it ends. */
  private readonly outbox = new TurnBatch<[channel: string, payload: string]>((out) => this.flushOutbox(out));

  constructor(options: RedisBusOptions) {
    this.prefix = options.prefix ?? 'parley:';
    this.sharded = options.sharded ?? false;
    this.onError = options.onError ?? (() => {});
    // Connection names may not contain spaces.
    const suffix = options.nodeName ? `:${options.nodeName.replace(/\s/g, '_')}` : '';
    this.pub = new Redis(options.url, {
      // A publish in flight when the connection drops is not sent again on reconnect,
      // where it could arrive twice. ioredis then forgets such commands without settling
      // their promises, so auto-pipelining must stay off: a pipeline that never settles
      // holds every later auto-pipelined publish back forever (proved by
      // faults/redis-restart.test.ts: after a Redis restart under traffic no node
      // published again while /readyz said ready).
      autoResendUnfulfilledCommands: false,
      connectionName: `parley-bus-pub${suffix}`,
    });
    this.sub = new Redis(options.url, {
      autoResubscribe: true,
      connectionName: `parley-bus-sub${suffix}`,
    });
    this.pub.defineCommand('parleyPublishMany', { lua: PUBLISH_MANY });
    this.pub.on('ready', () => {
      this.publisherWasReady = true;
    });
    // ioredis sends its resubscriptions right after emitting 'ready'; a PING queued
    // behind them is answered once they are all active, which is when healthy() turns true.
    this.sub.on('ready', () => {
      queueMicrotask(() => {
        this.sub.ping().then(
          () => {
            this.subscriptionsRestored = this.sub.status === 'ready';
            this.subscriberWasReady ||= this.subscriptionsRestored;
            if (this.subscriptionsRestored && this.deliveryLost) {
              this.deliveryLost = false;
              this.tell('restored');
            }
            this.probe(); // no need to wait a whole interval to be ready again
          },
          () => {},
        );
      });
    });
    this.sub.on('close', () => {
      this.subscriptionsRestored = false;
      if (this.subscriberWasReady && !this.deliveryLost && !this.closed) {
        this.deliveryLost = true;
        this.tell('lost');
      }
    });
    // Without an 'error' listener ioredis prints every reconnect attempt to stderr.
    this.pub.on('error', (err: Error) => this.report(err));
    this.sub.on('error', (err: Error) => this.report(err));
    this.healthChannel = `${this.prefix}health:${randomUUID()}`;
    const probeEveryMs = options.probeIntervalMs ?? 1000;
    this.probeStaleMs = options.probeStaleMs ?? probeEveryMs * 5;
    // Subscribed before the first probe (ioredis queues it until the connection is up)
    // and again after every reconnect (autoResubscribe), with the domain channels.
    this.sub.subscribe(this.healthChannel).catch((err: Error) => this.report(err));
    this.sub.on('message', (channel: string) => {
      if (channel === this.healthChannel) this.lastRoundTripAt = Date.now();
    });
    this.probeTimer = setInterval(() => this.probe(), probeEveryMs);
    this.probeTimer.unref();
    this.sub.on(this.sharded ? 'smessage' : 'message', (channel: string, payload: string) => {
      const entry = this.handlers.get(channel);
      if (!entry) return;
      try {
        entry.handler(payload, entry.topic);
      } catch {
        // A failing subscriber must not break the connection's reader; at most once allows the drop.
      }
    });
  }

  publish(topic: Topic, payload: string): void {
    if (this.closed) return;
    if (this.publisherWasReady && this.pub.status !== 'ready') {
      this.counters.publishesDropped += 1;
      return;
    }
    this.outbox.add([this.channel(topic), payload]);
  }

  /** One turn's publishes, in order. */
  private flushOutbox(out: [channel: string, payload: string][]): void {
    if (this.closed) return;
    // The connection may have dropped since these were queued: drop them as publish() would.
    if (this.publisherWasReady && this.pub.status !== 'ready') {
      this.counters.publishesDropped += out.length;
      return;
    }
    const failed = (n: number) => (err: Error) => {
      this.counters.publishFailures += n;
      this.report(err);
    };
    if (this.sharded) {
      // SPUBLISH routes by the channel's slot: a script could only publish to channels
      // of one slot. A manual pipeline, not auto-pipelining (see the constructor): each
      // one is written and settled on its own, so one lost with a dropped connection
      // holds nothing back.
      const pipeline = this.pub.pipeline();
      for (const [channel, payload] of out) pipeline.spublish(channel, payload);
      pipeline.exec().then((replies) => {
        for (const [err] of replies ?? []) if (err) failed(1)(err);
      }, failed(out.length));
      return;
    }
    // Plain commands, each settled on its own (no auto-pipelining, see the constructor).
    for (const chunk of chunks(out, PUBLISHES_PER_CALL)) {
      (this.pub as unknown as PublishScripts).parleyPublishMany(0, ...chunk.flat()).catch(failed(chunk.length));
    }
  }

  async subscribe(topic: Topic, handler: BusHandler): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    const channel = this.channel(topic);
    if (this.handlers.has(channel)) throw new Error(`already subscribed to ${topic}`);
    // Registered before the command so nothing published after the reply is missed.
    const entry = { topic, handler };
    this.handlers.set(channel, entry);
    try {
      if (this.sharded) await this.sub.ssubscribe(channel);
      else await this.sub.subscribe(channel);
    } catch (err) {
      if (this.handlers.get(channel) === entry) this.handlers.delete(channel);
      throw err;
    }
  }

  async unsubscribe(topic: Topic): Promise<void> {
    const channel = this.channel(topic);
    // Delivery stops at once; the server-side unsubscribe follows.
    if (!this.handlers.delete(channel) || this.closed) return;
    if (this.sharded) await this.sub.sunsubscribe(channel);
    else await this.sub.unsubscribe(channel);
  }

  watchDelivery(listener: (state: DeliveryState) => void): void {
    this.deliveryListeners.push(listener);
  }

  private tell(state: DeliveryState): void {
    for (const listener of this.deliveryListeners) {
      try {
        listener(state);
      } catch (err) {
        this.report(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  /**
   * Both connections are up, after a reconnect every subscription is active again, and a
   * probe went through Redis and came back recently (see healthChannel).
   */
  healthy(): boolean {
    return (
      !this.closed &&
      this.pub.status === 'ready' &&
      this.sub.status === 'ready' &&
      this.subscriptionsRestored &&
      Date.now() - this.lastRoundTripAt < this.probeStaleMs
    );
  }

  /** Fire and forget, never queued: a probe that cannot go now proves nothing later. */
  private probe(): void {
    if (this.closed || this.pub.status !== 'ready' || this.sub.status !== 'ready') return;
    this.pub.publish(this.healthChannel, '1').catch(() => {});
  }

  stats(): RedisBusStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // What was published just before closing goes out ahead of the QUIT.
    this.outbox.drain();
    this.closed = true;
    clearInterval(this.probeTimer);
    this.handlers.clear();
    await Promise.all([quitOrDrop(this.pub), quitOrDrop(this.sub)]);
  }

  private channel(topic: Topic): string {
    return this.prefix + topic;
  }

  private report(err: Error): void {
    this.onError(new Error(err.message));
  }
}

/** QUIT flushes pending publishes; a connection that is not up has nothing to flush. */
async function quitOrDrop(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through: the connection died while quitting
    }
  }
  client.disconnect();
}
