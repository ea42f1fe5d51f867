/**
 * Sends a node's clients elsewhere when its bus cannot deliver (issue 16.4: a node cut
 * off from Redis kept its sockets, which got no pushes until the partition healed).
 *
 * The policy: once the bus has been unhealthy (bus/port.ts healthy(): no recent round
 * trip) for longer than the grace period, the node closes every socket with 4003
 * TRY_AGAIN_LATER and refuses new upgrades (503) until the bus is healthy again, when it
 * takes sockets again by itself. /readyz is 503 meanwhile, so a balancer with health
 * checks sends the reconnecting clients to healthy nodes. The grace period rides out
 * a Redis failover or a short blip without moving anyone.
 *
 * When every node loses Redis there is no healthy node to move to: sockets are closed
 * once, and clients come back at the pace of their jittered back-off, not in a storm;
 * the HTTP API keeps working (a send is committed before it is acknowledged, and what
 * the bus did not deliver is caught up by sequence numbers once it works again), and
 * the SDK's outbox holds unsent messages until a socket is accepted again.
 */
export interface BusWatchdogOptions {
  healthy: () => boolean;
  /** How long the bus may be unhealthy before sockets are closed. */
  graceMs: number;
  /** How often health is looked at; default 500 ms. */
  everyMs?: number;
  /** The grace period ran out: close sockets, refuse upgrades. */
  onLost: () => void;
  /** Healthy again after onLost. */
  onBack: () => void;
}

export class BusWatchdog {
  private readonly timer: NodeJS.Timeout;
  private lastHealthyAt = Date.now();
  private lost = false;

  constructor(private readonly opts: BusWatchdogOptions) {
    this.timer = setInterval(() => this.check(), opts.everyMs ?? 500);
    this.timer.unref();
  }

  /** True after the grace period ran out and until the bus is healthy again. */
  get cutOff(): boolean {
    return this.lost;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    const now = Date.now();
    if (this.opts.healthy()) {
      this.lastHealthyAt = now;
      if (this.lost) {
        this.lost = false;
        this.opts.onBack();
      }
      return;
    }
    if (!this.lost && now - this.lastHealthyAt > this.opts.graceMs) {
      this.lost = true;
      this.opts.onLost();
    }
  }
}
