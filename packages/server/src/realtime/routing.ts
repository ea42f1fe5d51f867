/**
 * Which local sockets receive which bus topics. The node subscribes to a
 * conversation's topic while at least one local connected user is a member, and to a
 * user's topic while that user has a local socket, so a node receives only what its
 * clients need (DESIGN.md: channels per user or conversation). Payloads are envelopes
 * (bus/envelope.ts); anything else is dropped.
 *
 * Memberships here follow bus messages, which may be lost: they are not the truth.
 * session-recheck.ts compares them with the database and corrects them (reconcile())
 * after a bus gap, during which deliveries are held (hold()/release()), and periodically
 * for users whose membership version moved or who are not yet checked.
 */
import { CLOSE, type ConversationId, type UserId } from '@parley/protocol';
import { conversationTopic, userTopic, type Bus } from '../bus/port';
import { decodeConversation, decodeUser } from '../bus/envelope';
import type { ClientConnection } from './connection';

/** Payloads kept while deliveries are held; past this they are dropped (clients catch up by seq, as after any bus loss). */
const HELD_MAX = 10_000;

export interface RoutingHooks {
  /** After a user was routed into a conversation they just joined: close the subscribe race. */
  joined(userId: UserId, conversationId: ConversationId, frame: string): void;
  /** `sentAt` is set for new messages: the time the sender's request arrived. */
  delivered(count: number, sentAt: number | null): void;
  /** Everyone in a block with the user, either way: their typing and presence are not delivered to the user. */
  blockRelations(userId: UserId): Promise<UserId[]>;
  /** A session was revoked (its sockets here are already closed): refuse its tokens here too. */
  sessionRevoked(sessionId: string): void;
  /** A payload was dropped: not an envelope, or beyond what is held during a gap. */
  dropped(reason: 'malformed' | 'held_overflow'): void;
}

type Held = { topic: 'conversation'; id: ConversationId; payload: string } | { topic: 'user'; id: UserId; payload: string };

export class LocalRouting {
  private readonly byUser = new Map<UserId, Set<ClientConnection>>();
  private readonly membersByConversation = new Map<ConversationId, Set<UserId>>();
  private readonly conversationsByUser = new Map<UserId, Set<ConversationId>>();
  /** A user's topics being subscribed: a second socket of the same user waits for the first. */
  private readonly ready = new Map<UserId, Promise<void>>();
  /** Per local user: users in a block with them, plus changes that arrived while it loaded. */
  private readonly hidden = new Map<UserId, { users: Set<UserId>; loading: [boolean, UserId][] | null }>();
  /** Per subject, the presence frame pushed last in the current turn and to whom (see sentThisTurn). */
  private presenceTurn: Map<UserId, { frame: string; users: Set<UserId> }> | null = null;
  /** The same for profile frames, kept apart: a profile and a presence frame of one subject never replace each other. */
  private profileTurn: Map<UserId, { frame: string; users: Set<UserId> }> | null = null;
  /**
   * Per local user, the membership version (Store.accessStates) their routed conversations
   * were last read at; absent: not read yet, or changed by a bus message since (the next
   * re-check reads them again).
   */
  private readonly checkedVersion = new Map<UserId, number>();
  /** Per local user, how many bus messages changed their conversations: a re-check's read that raced one is not applied. */
  private readonly membershipEpoch = new Map<UserId, number>();
  /** Payloads that arrived while deliveries are held (after a bus gap, until the re-check), in arrival order. */
  private held: Held[] | null = null;

  constructor(
    private readonly bus: Bus,
    private readonly hooks: RoutingHooks,
  ) {}

  get connectionCount(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  connections(): IterableIterator<ClientConnection> {
    return (function* (m: Map<UserId, Set<ClientConnection>>) {
      for (const set of m.values()) yield* set;
    })(this.byUser);
  }

  connectionsOf(userId: UserId): ReadonlySet<ClientConnection> | undefined {
    return this.byUser.get(userId);
  }

  /** Users with a socket here. */
  users(): UserId[] {
    return [...this.byUser.keys()];
  }

  // ---- re-checking against the database (session-recheck.ts)

  /** The membership version the user's conversations were last read at; undefined when they need reading. */
  checkedMembershipVersion(userId: UserId): number | undefined {
    return this.checkedVersion.get(userId);
  }

  /** Pass to reconcile(): read before the store is. */
  membershipEpochOf(userId: UserId): number {
    return this.membershipEpoch.get(userId) ?? 0;
  }

  /**
   * Makes the conversations routed to userId exactly `ids`, read from the store at
   * membership `version` after membershipEpochOf() returned `epoch`. Not applied (false)
   * when a bus message changed them meanwhile: the read may be older than that message.
   * Conversations gained here get no catch-up push: the client learns of them at its
   * next sync, and of everything in them from then on live.
   */
  async reconcile(userId: UserId, ids: readonly ConversationId[], version: number, epoch: number): Promise<{ applied: boolean; routed: number; unrouted: number }> {
    if (!this.byUser.has(userId) || this.ready.has(userId)) return { applied: true, routed: 0, unrouted: 0 };
    if (this.membershipEpochOf(userId) !== epoch) return { applied: false, routed: 0, unrouted: 0 };
    let mine = this.conversationsByUser.get(userId);
    if (!mine) this.conversationsByUser.set(userId, (mine = new Set()));
    const wanted = new Set(ids);
    const routedNow = mine;
    const gone = [...routedNow].filter((id) => !wanted.has(id));
    const added = ids.filter((id) => !routedNow.has(id));
    this.checkedVersion.set(userId, version);
    // The maps change now, synchronously: nothing of a gone conversation is pushed from here on.
    await Promise.all([...gone.map((id) => this.unroute(userId, id)), ...added.map((id) => this.route(userId, id))]);
    return { applied: true, routed: added.length, unrouted: gone.length };
  }

  /** From now on payloads are kept, not delivered, until release(): the bus lost some, and what this node routes may be stale. */
  hold(): void {
    this.held ??= [];
  }

  /** Delivers what was held, in order, through the (re-checked) routing, and delivers as it comes again. */
  release(): void {
    const held = this.held;
    this.held = null;
    for (const h of held ?? []) {
      if (h.topic === 'conversation') this.onConversationPayload(h.id, h.payload);
      else this.onUserPayload(h.id, h.payload);
    }
  }

  get holding(): boolean {
    return this.held !== null;
  }

  private keep(item: Held): void {
    if (this.held!.length >= HELD_MAX) this.hooks.dropped('held_overflow');
    else this.held!.push(item);
  }

  /** A bus message changed the user's conversations: the re-check reads them again, and a read racing this one is not applied. */
  private membershipChangedByBus(userId: UserId): void {
    this.membershipEpoch.set(userId, this.membershipEpochOf(userId) + 1);
    this.checkedVersion.delete(userId);
  }

  /** Resolves once every topic the connection needs is subscribed, so a sync after it misses nothing. */
  async add(conn: ClientConnection, conversationIds: readonly ConversationId[]): Promise<void> {
    let conns = this.byUser.get(conn.userId);
    if (!conns) {
      this.byUser.set(conn.userId, (conns = new Set()));
      const subscribing = (async () => {
        // Subscribed before loading, so a block made meanwhile is replayed onto what loads.
        const hidden = { users: new Set<UserId>(), loading: [] as [boolean, UserId][] | null };
        this.hidden.set(conn.userId, hidden);
        await this.bus.subscribe(userTopic(conn.userId), (payload) => this.onUserPayload(conn.userId, payload));
        const users = new Set(await this.hooks.blockRelations(conn.userId));
        for (const [hide, other] of hidden.loading ?? []) hide ? users.add(other) : users.delete(other);
        hidden.users = users;
        hidden.loading = null;
        await Promise.all(conversationIds.map((id) => this.route(conn.userId, id)));
      })();
      this.ready.set(conn.userId, subscribing);
      try {
        await subscribing;
      } finally {
        this.ready.delete(conn.userId);
      }
    } else {
      await this.ready.get(conn.userId);
    }
    conns.add(conn);
  }

  async remove(conn: ClientConnection): Promise<void> {
    const conns = this.byUser.get(conn.userId);
    if (!conns || !conns.delete(conn) || conns.size > 0) return;
    this.byUser.delete(conn.userId);
    this.hidden.delete(conn.userId);
    this.checkedVersion.delete(conn.userId);
    this.membershipEpoch.delete(conn.userId);
    await this.bus.unsubscribe(userTopic(conn.userId));
    for (const id of this.conversationsByUser.get(conn.userId) ?? []) await this.unroute(conn.userId, id);
    this.conversationsByUser.delete(conn.userId);
  }

  private async route(userId: UserId, id: ConversationId): Promise<void> {
    let mine = this.conversationsByUser.get(userId);
    if (!mine) this.conversationsByUser.set(userId, (mine = new Set()));
    if (mine.has(id)) return;
    mine.add(id);
    let members = this.membersByConversation.get(id);
    if (members) {
      members.add(userId);
      return;
    }
    this.membersByConversation.set(id, (members = new Set([userId])));
    await this.bus.subscribe(conversationTopic(id), (payload) => this.onConversationPayload(id, payload));
  }

  private async unroute(userId: UserId, id: ConversationId): Promise<void> {
    this.conversationsByUser.get(userId)?.delete(id);
    const members = this.membersByConversation.get(id);
    if (!members || !members.delete(userId) || members.size > 0) return;
    this.membersByConversation.delete(id);
    await this.bus.unsubscribe(conversationTopic(id));
  }

  private onConversationPayload(id: ConversationId, payload: string): void {
    if (this.held) return this.keep({ topic: 'conversation', id, payload });
    const envelope = decodeConversation(payload);
    if (!envelope) return this.hooks.dropped('malformed');
    const members = this.membersByConversation.get(id);
    if (members) {
      const frame = Buffer.from(envelope.frame);
      // Typing, presence and profile of someone in a block with a recipient are not theirs to see.
      const from = envelope.type === 'presence' || envelope.type === 'profile' || envelope.type === 'typing' ? envelope.userId : null;
      const once = envelope.type === 'presence' || envelope.type === 'profile' ? this.sentThisTurn(envelope.type, envelope.userId, envelope.frame) : null;
      let n = 0;
      for (const userId of members) {
        if (from !== null && this.hidden.get(userId)?.users.has(from)) continue;
        if (once) {
          if (once.has(userId)) continue;
          once.add(userId);
        }
        for (const conn of this.byUser.get(userId) ?? []) if (conn.push(frame)) n++;
      }
      this.hooks.delivered(n, envelope.type === 'push' ? (envelope.sentAt ?? null) : null);
    }
    if (envelope.type === 'member.gone' && this.conversationsByUser.get(envelope.userId)?.has(id)) {
      this.membershipChangedByBus(envelope.userId);
      void this.unroute(envelope.userId, id);
    }
  }

  /**
   * A presence or profile change is published to every conversation its user shares with
   * others (Fanout.presence, Fanout.profile), so someone sharing several would get the
   * same frame several times. Those publishes are made, and arrive, in one turn: within
   * it, a user is not pushed again the frame they just got for the same subject. Only the
   * subject's latest frame of each kind is remembered, so online, offline, online in one
   * turn still ends online. (A copy arriving in a later turn is pushed again, harmlessly.)
   */
  private sentThisTurn(kind: 'presence' | 'profile', subject: UserId, frame: string): Set<UserId> {
    let turn = kind === 'presence' ? this.presenceTurn : this.profileTurn;
    if (!turn) {
      turn = new Map();
      if (kind === 'presence') {
        this.presenceTurn = turn;
        setImmediate(() => (this.presenceTurn = null));
      } else {
        this.profileTurn = turn;
        setImmediate(() => (this.profileTurn = null));
      }
    }
    const last = turn.get(subject);
    if (last?.frame === frame) return last.users;
    const users = new Set<UserId>();
    turn.set(subject, { frame, users });
    return users;
  }

  private onUserPayload(userId: UserId, payload: string): void {
    if (this.held) return this.keep({ topic: 'user', id: userId, payload });
    const envelope = decodeUser(payload);
    if (!envelope) return this.hooks.dropped('malformed');
    const conns = this.byUser.get(userId);
    if (!conns) return;
    switch (envelope.type) {
      case 'session.revoked': {
        const { sessionId } = envelope;
        for (const conn of [...conns]) if (sessionId === null || conn.session.id === sessionId) conn.close(CLOSE.SESSION_REVOKED, 'session revoked');
        if (sessionId !== null) this.hooks.sessionRevoked(sessionId);
        return;
      }
      case 'block': {
        const hidden = this.hidden.get(userId);
        if (hidden?.loading) hidden.loading.push([envelope.blocked, envelope.userId]);
        else if (hidden) envelope.blocked ? hidden.users.add(envelope.userId) : hidden.users.delete(envelope.userId);
        // This frame replaces the other's presence: a conversation copy later in the turn is not a repeat.
        this.presenceTurn?.delete(envelope.userId);
        if (envelope.frame !== null) this.pushAll(conns, envelope.frame);
        return;
      }
      case 'push':
        return this.pushAll(conns, envelope.frame);
      case 'joined': {
        this.pushAll(conns, envelope.frame);
        const id = envelope.conversationId;
        this.membershipChangedByBus(userId);
        void this.route(userId, id).then(() => this.hooks.joined(userId, id, envelope.frame));
        return;
      }
      case 'left':
        this.pushAll(conns, envelope.frame);
        this.membershipChangedByBus(userId);
        void this.unroute(userId, envelope.conversationId);
        return;
    }
  }

  private pushAll(conns: ReadonlySet<ClientConnection>, text: string): void {
    const frame = Buffer.from(text);
    for (const conn of conns) conn.push(frame);
  }
}
