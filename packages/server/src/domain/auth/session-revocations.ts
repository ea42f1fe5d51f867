/**
 * Whether a session (a refresh-token family, an access token's `sid`) was revoked, as
 * every authenticated request and socket hello asks it.
 *
 * The store is the truth (Store.revokedSessions). Answers are remembered in a bounded
 * LRU: "revoked" for good (a revocation is permanent), "not revoked" for at most
 * NOT_REVOKED_TTL_MS. So an access token of a session revoked on another node is refused
 * here at most that long after the revocation committed, bus or no bus; sooner when this
 * node revoked it itself or heard so on the bus (revoked()). Concurrent questions about
 * one session share one store read.
 */
import { LRUCache } from 'lru-cache';
import type { Store } from '../../store/port';

/** The longest a "not revoked" answer is trusted: the revocation window on other nodes (docs/protocol.md). */
export const NOT_REVOKED_TTL_MS = 2_000;
/** Sessions remembered; past this the least recently asked go (and cost a store read when asked again). */
const SESSIONS_MAX = 10_000;

export class SessionRevocations {
  private readonly known: LRUCache<string, boolean>;
  private readonly reading = new Map<string, Promise<boolean>>();

  constructor(
    private readonly store: Pick<Store, 'revokedSessions'>,
    clock: () => number,
  ) {
    // ttlResolution 0: read the clock on every check (the default caches it for 1 ms of real time).
    this.known = new LRUCache<string, boolean>({ max: SESSIONS_MAX, ttl: NOT_REVOKED_TTL_MS, ttlResolution: 0, perf: { now: clock } });
  }

  isRevoked(sessionId: string): Promise<boolean> {
    const known = this.known.get(sessionId);
    if (known !== undefined) return Promise.resolve(known);
    let read = this.reading.get(sessionId);
    if (!read) {
      read = this.store
        .revokedSessions([sessionId])
        .then((revoked) => {
          const isRevoked = revoked.includes(sessionId);
          // A revocation heard while the read was in flight is newer than the read.
          if (this.known.get(sessionId) !== true) this.remember(sessionId, isRevoked);
          return isRevoked || this.known.get(sessionId) === true;
        })
        .finally(() => this.reading.delete(sessionId));
      this.reading.set(sessionId, read);
    }
    return read;
  }

  /** This node revoked the session, or heard on the bus that another one did. */
  revoked(sessionId: string): void {
    this.remember(sessionId, true);
  }

  private remember(sessionId: string, revoked: boolean): void {
    // ttl 0: never stale. A revoked session stays revoked.
    this.known.set(sessionId, revoked, revoked ? { ttl: 0 } : {});
  }
}
