/**
 * Caps on WebSockets of one node: sockets that have not completed hello, per client
 * address (an anonymous client must not hold thousands of half-open sockets), and open
 * sockets per user (300 sockets of one account are not a user with 300 tabs). Each
 * admission returns its release, which is safe to call more than once; 0 means no cap.
 */
export type Release = () => void;

class Counter<K> {
  private readonly counts = new Map<K, number>();

  constructor(private readonly cap: number) {}

  admit(key: K): Release | null {
    if (this.cap <= 0) return () => {};
    const n = this.counts.get(key) ?? 0;
    if (n >= this.cap) return null;
    this.counts.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }
}

export class SocketCaps {
  private readonly unauthenticated: Counter<string>;
  private readonly perUser: Counter<string>;

  constructor(limits: { wsUnauthenticatedPerAddress: number; wsPerUser: number }) {
    this.unauthenticated = new Counter(limits.wsUnauthenticatedPerAddress);
    this.perUser = new Counter(limits.wsPerUser);
  }

  /** A socket from this address that has not said hello yet; null beyond the cap. */
  admitUnauthenticated(address: string): Release | null {
    return this.unauthenticated.admit(address);
  }

  /** One more open socket of this user on this node; null beyond the cap. */
  admitUser(userId: string): Release | null {
    return this.perUser.admit(userId);
  }
}
