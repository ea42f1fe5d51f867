/**
 * In-process bus: the default for one node, and the shared medium when several nodes
 * run in one process (tests). A LocalBusHub is the "network"; each node gets its own
 * LocalBus endpoint from it, so a node only receives topics it subscribed to.
 */
import type { Bus, BusHandler, DeliveryState, Topic } from './port';

export class LocalBusHub {
  private readonly subscribers = new Map<Topic, Set<LocalBus>>();

  endpoint(): LocalBus {
    return new LocalBus(this);
  }

  /** @internal */
  add(topic: Topic, bus: LocalBus): void {
    let set = this.subscribers.get(topic);
    if (!set) this.subscribers.set(topic, (set = new Set()));
    set.add(bus);
  }

  /** @internal */
  remove(topic: Topic, bus: LocalBus): void {
    const set = this.subscribers.get(topic);
    if (!set) return;
    set.delete(bus);
    if (set.size === 0) this.subscribers.delete(topic);
  }

  /** @internal */
  deliver(topic: Topic, payload: string): void {
    const set = this.subscribers.get(topic);
    if (!set) return;
    for (const bus of set) bus.receive(topic, payload);
  }
}

export class LocalBus implements Bus {
  private readonly handlers = new Map<Topic, BusHandler>();
  private closed = false;

  constructor(private readonly hub: LocalBusHub = new LocalBusHub()) {}

  publish(topic: Topic, payload: string): void {
    if (this.closed) return;
    this.hub.deliver(topic, payload);
  }

  async subscribe(topic: Topic, handler: BusHandler): Promise<void> {
    if (this.handlers.has(topic)) throw new Error(`already subscribed to ${topic}`);
    this.handlers.set(topic, handler);
    this.hub.add(topic, this);
  }

  async unsubscribe(topic: Topic): Promise<void> {
    if (this.handlers.delete(topic)) this.hub.remove(topic, this);
  }

  /** @internal Delivery is synchronous: the same tick as publish, in publish order. */
  receive(topic: Topic, payload: string): void {
    const handler = this.handlers.get(topic);
    if (!handler) return;
    try {
      handler(payload, topic);
    } catch {
      // A failing subscriber must not break the publisher; at-most-once allows the drop.
    }
  }

  /** In-process delivery is never interrupted: the listener is never called. */
  watchDelivery(_listener: (state: DeliveryState) => void): void {}

  healthy(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const topic of this.handlers.keys()) this.hub.remove(topic, this);
    this.handlers.clear();
  }
}
