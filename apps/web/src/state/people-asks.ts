/**
 * What the store asks the server about people, once each: the starting presence of
 * direct peers and of a group's members (presence pushes keep it current afterwards), and
 * the profiles of message authors who are no longer members.
 */
import type { Conversation, UserId } from '@parley/protocol';
import type { StoreAccess } from './history';

/** Direct conversations whose peer's presence is asked at start and after a reconnect, newest first. */
const PEERS_MAX = 30;
/** Group members whose presence the details panel asks for at most. */
const MEMBER_PRESENCE_MAX = 50;

export class PeopleAsks {
  private readonly presenceAsked = new Set<string>();
  private readonly formerAsked = new Set<string>();

  constructor(private readonly s: StoreAccess & { me(): UserId }) {}

  /** Presence pushes sent while offline are lost: the next asks go to the server again. */
  forgetPresence(): void {
    this.presenceAsked.clear();
  }

  presenceOfPeers(): void {
    const direct = Object.values(this.s.get().conversations)
      .filter((c) => c.kind === 'direct')
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, PEERS_MAX);
    for (const c of direct) this.presence(c);
  }

  /** A direct conversation's peer: presence pushes keep it current afterwards; this asks once for the starting value. */
  presence(c: Conversation): void {
    if (c.kind !== 'direct') return;
    const peer = c.members.find((m) => m.user.id !== this.s.me());
    if (peer) this.presenceOf(peer.user.id);
  }

  /** The presence of a group's members (the details panel), asked once each, for the first few. */
  presenceOfMembers(c: Conversation): void {
    for (const m of c.members.slice(0, MEMBER_PRESENCE_MAX)) if (m.user.id !== this.s.me()) this.presenceOf(m.user.id);
  }

  private presenceOf(userId: UserId): void {
    if (this.presenceAsked.has(userId)) return;
    this.presenceAsked.add(userId);
    this.s.client.request('getUser', { params: { userId } }).then(
      ({ presence }) => {
        // A push that arrived meanwhile is newer than this answer.
        const now = this.s.get().presence;
        if (!now[presence.userId]) this.s.set({ presence: { ...now, [presence.userId]: presence } });
      },
      () => this.presenceAsked.delete(userId),
    );
  }

  /**
   * A message's author who left (or was removed) is not in the member list any more:
   * ask for their profile once, so the timeline names them instead of "Someone".
   */
  formerMember(userId: string): void {
    if (this.formerAsked.has(userId) || this.s.get().formerMembers[userId]) return;
    this.formerAsked.add(userId);
    this.s.client.request('getUser', { params: { userId: userId as UserId } }).then(
      ({ user }) => this.s.set({ formerMembers: { ...this.s.get().formerMembers, [user.id]: user } }),
      () => this.formerAsked.delete(userId),
    );
  }
}
