/**
 * The fan-out bus port: how a node tells the other nodes (and itself) that something
 * happened. Adapters: local.ts (in-process, the default) and redis.ts.
 *
 * Guarantees:
 * - At most once. A message may be dropped (a Redis restart, a slow subscriber); the
 *   database stays the source of truth and clients recover by sequence numbers.
 * - In order per topic from one publisher while the connection holds.
 * - subscribe resolves once the subscription is active, so a caller can subscribe,
 *   then read the store, and miss nothing published after the read.
 * - Payloads are opaque strings: a frame is serialized once by the publisher and
 *   delivered as-is to every subscribing node. What nodes put in them is
 *   bus/envelope.ts.
 * - A node learns when its subscriptions stopped receiving and when they are all
 *   active again (watchDelivery): what was published in between is lost, and anything
 *   the node keeps because of bus messages (whom it routes what to) must be re-read
 *   from the store before it is trusted again.
 */
import type { ConversationId, UserId } from '@parley/protocol';

/** Topics are domain names; adapters map them to their own channel names. */
export type Topic = `conversation:${ConversationId}` | `user:${UserId}`;

export const conversationTopic = (id: ConversationId): Topic => `conversation:${id}`;
export const userTopic = (id: UserId): Topic => `user:${id}`;

export type BusHandler = (payload: string, topic: Topic) => void;

/**
 * 'lost': the node's subscriptions stopped receiving (its subscriber connection
 * dropped); anything published from now on may never arrive. 'restored': every
 * subscription is active again; what was published since 'lost' may be missing.
 * Always in that order, once each per outage.
 */
export type DeliveryState = 'lost' | 'restored';

export interface Bus {
  /** Fire and forget. Never throws; failures are counted and logged by the adapter. */
  publish(topic: Topic, payload: string): void;
  /**
   * Registers the node's single handler for a topic. Subscribing twice to the same
   * topic is a caller bug (the gateway ref-counts); adapters may throw on it.
   */
  subscribe(topic: Topic, handler: BusHandler): Promise<void>;
  unsubscribe(topic: Topic): Promise<void>;
  /** Registers a listener of delivery gaps (see DeliveryState). The in-process bus never has one. */
  watchDelivery(listener: (state: DeliveryState) => void): void;
  /**
   * True while the adapter can deliver: connected, and (for a remote bus) a message of its
   * own made a round trip recently. /readyz reports it, and a node whose bus stays
   * unhealthy sends its sockets elsewhere (realtime/bus-watchdog.ts).
   */
  healthy(): boolean;
  close(): Promise<void>;
}
