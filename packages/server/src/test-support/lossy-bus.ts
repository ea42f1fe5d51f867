/**
 * Fault injection for in-process nodes: a real bus endpoint (delivery is the wrapped
 * bus's) that can lose what it would deliver to this node, as Redis does when a
 * subscriber connection drops (interrupt/restore: watchers hear 'lost', then
 * 'restored') or when a publisher was down (lose: a message vanishes, nobody is told).
 */
import type { Bus, BusHandler, DeliveryState, Topic } from '../bus/port';

export class LossyBus implements Bus {
  private readonly watchers: ((state: DeliveryState) => void)[] = [];
  private interrupted = false;
  private losing: ((payload: string, topic: Topic) => boolean) | null = null;
  /** Deliveries this node lost, for assertions that the fault did happen. */
  lost = 0;

  constructor(private readonly inner: Bus) {}

  publish(topic: Topic, payload: string): void {
    this.inner.publish(topic, payload);
  }

  subscribe(topic: Topic, handler: BusHandler): Promise<void> {
    return this.inner.subscribe(topic, (payload, t) => {
      if (this.interrupted || this.losing?.(payload, t)) {
        this.lost++;
        return;
      }
      handler(payload, t);
    });
  }

  unsubscribe(topic: Topic): Promise<void> {
    return this.inner.unsubscribe(topic);
  }

  watchDelivery(listener: (state: DeliveryState) => void): void {
    this.watchers.push(listener);
    this.inner.watchDelivery(listener);
  }

  /** From now on nothing reaches this node, and its watchers hear 'lost'. */
  interrupt(): void {
    this.interrupted = true;
    for (const w of this.watchers) w('lost');
  }

  /** Deliveries resume, and watchers hear 'restored'. */
  restore(): void {
    this.interrupted = false;
    for (const w of this.watchers) w('restored');
  }

  /** Silently loses the deliveries `match` picks (null: none any more). */
  lose(match: ((payload: string, topic: Topic) => boolean) | null): void {
    this.losing = match;
  }

  healthy(): boolean {
    return this.inner.healthy();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
