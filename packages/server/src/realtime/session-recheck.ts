/**
 * Re-checks this node's open sockets against the database, so that no membership or
 * session change depends on a bus message alone to take effect (invariant 6: a removed
 * member gets nothing more; a revoked session keeps no socket).
 *
 * Bus messages close sockets and move routes at once, as long as they arrive. They may
 * not: a subscriber connection dropped (a restart, failover, CLIENT KILL, output-buffer
 * limit), or a publisher that was down when it had something to say. So:
 * - after a bus gap (Bus.watchDelivery), the gateway holds every delivery, runs a pass,
 *   then releases: nothing reaches a socket on routes the gap may have left stale;
 * - every recheckIntervalMs, the same pass, for a message lost without a gap.
 * A pass reads, per 500 local users, one query of access states (session version,
 * suspension, membership version) and one of revoked sessions, and re-reads the
 * conversations only of users whose membership version moved since their routes were
 * read (or who are new here, or whose routes a bus message changed since). Routes are
 * exactly a read at a known version plus bus changes, which unmark it, so an unmoved
 * version proves them current, after a gap too. Its cost is two small indexed queries
 * per 500 users, not per socket or per push; the push path itself checks nothing.
 *
 * A pass closes with 4403 every socket whose session was revoked, whose user logged out
 * everywhere or was suspended, and makes each user's routes exactly the conversations
 * the database says they are in. Conversations found this way are routed without a
 * catch-up push: the client's next sync (on a gap in seqs, or on reconnect) fills them in.
 */
import { CLOSE, type UserId } from '@parley/protocol';
import type { Deps } from '../domain/deps';
import { chunks } from '../redis/chunks';
import type { UserAccessState } from '../store/port';
import type { LocalRouting } from './routing';

/** Users per access-state query (and their sessions per revoked-sessions query). */
const USERS_PER_QUERY = 500;
/** Conversation lists read at once, so a pass after a gap does not flood the database pool. */
const LIST_READS_AT_ONCE = 8;
export const DEFAULT_RECHECK_MS = 10_000;

export class SessionRecheck {
  /** Passes run one after another; a forced one queued behind a periodic one still runs. */
  private tail: Promise<void> = Promise.resolve();
  private periodicQueued = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: Pick<Deps, 'store' | 'log' | 'metrics'>,
    private readonly routing: LocalRouting,
    /** A session found revoked here: refuse its access tokens on this node at once. */
    private readonly sessionRevoked: (sessionId: string) => void,
  ) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => {
      if (this.periodicQueued) return;
      this.periodicQueued = true;
      this.run()
        .catch((err: unknown) => this.deps.log.warn({ err }, 'socket re-check failed'))
        .finally(() => (this.periodicQueued = false));
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass over every local user. Rejects when the store failed. */
  run(): Promise<void> {
    const pass = this.tail.then(() => this.pass());
    this.tail = pass.catch(() => {});
    return pass;
  }

  private async pass(): Promise<void> {
    const { store } = this.deps;
    for (const users of chunks(this.routing.users(), USERS_PER_QUERY)) {
      const sessions = new Set<string>();
      for (const userId of users) for (const conn of this.routing.connectionsOf(userId) ?? []) if (conn.session.id !== null) sessions.add(conn.session.id);
      const [states, revoked] = await Promise.all([
        store.accessStates(users),
        sessions.size > 0 ? store.revokedSessions([...sessions]) : Promise.resolve([]),
      ]);
      const byId = new Map(states.map((s) => [s.id, s]));
      const revokedSet = new Set(revoked);
      for (const sid of revokedSet) this.sessionRevoked(sid);
      const stale: { userId: UserId; version: number }[] = [];
      for (const userId of users) {
        const state = byId.get(userId);
        this.closeRevoked(userId, state, revokedSet);
        if (state && this.routing.checkedMembershipVersion(userId) !== state.membershipVersion) stale.push({ userId, version: state.membershipVersion });
      }
      for (const batch of chunks(stale, LIST_READS_AT_ONCE)) await Promise.all(batch.map((u) => this.reread(u.userId, u.version)));
    }
  }

  private closeRevoked(userId: UserId, state: UserAccessState | undefined, revoked: ReadonlySet<string>): void {
    for (const conn of [...(this.routing.connectionsOf(userId) ?? [])]) {
      if (conn.closed) continue;
      const ok = state !== undefined && !state.suspended && state.sessionVersion === conn.session.version && (conn.session.id === null || !revoked.has(conn.session.id));
      if (ok) continue;
      this.deps.metrics.recheckCorrections.inc({ kind: 'socket_closed' });
      conn.close(CLOSE.SESSION_REVOKED, 'session revoked');
    }
  }

  /** The user's conversations, read after `version` was: applied unless a bus message changed them meanwhile (then the next pass reads again). */
  private async reread(userId: UserId, version: number): Promise<void> {
    const epoch = this.routing.membershipEpochOf(userId);
    const ids = await this.deps.store.listConversationIds(userId);
    const { routed, unrouted } = await this.routing.reconcile(userId, ids, version, epoch);
    if (routed > 0) this.deps.metrics.recheckCorrections.inc({ kind: 'routed' }, routed);
    if (unrouted > 0) this.deps.metrics.recheckCorrections.inc({ kind: 'unrouted' }, unrouted);
  }
}
