/**
 * Which local sockets receive which bus topics. The node subscribes to a
 * conversation's topic while at least one local connected user is a member, and to a
 * user's topic while that user has a local socket, so a node receives only what its
 * clients need (DESIGN.md: channels per user or conversation).
 */
import { CLOSE, type ConversationId, type UserId } from '@parley/protocol';
import { conversationTopic, userTopic, type Bus } from '../bus/port';
import type { ClientConnection } from './connection';

export interface RoutingHooks {
  /** After a user was routed into a conversation they just joined: close the subscribe race. */
  joined(userId: UserId, conversationId: ConversationId, frame: string): void;
  /** `sentAt` is set for new messages: the time the sender's request arrived. */
  delivered(count: number, sentAt: number | null): void;
  /** Everyone in a block with the user, either way: their typing and presence are not delivered to the user. */
  blockRelations(userId: UserId): Promise<UserId[]>;
}

export class LocalRouting {
  private readonly byUser = new Map<UserId, Set<ClientConnection>>();
  private readonly membersByConversation = new Map<ConversationId, Set<UserId>>();
  private readonly conversationsByUser = new Map<UserId, Set<ConversationId>>();
  /** A user's topics being subscribed: a second socket of the same user waits for the first. */
  private readonly ready = new Map<UserId, Promise<void>>();
  /** Per local user: users in a block with them, plus changes that arrived while it loaded. */
  private readonly hidden = new Map<UserId, { users: Set<UserId>; loading: [boolean, UserId][] | null }>();
  /** Per subject, the presence frame pushed last in the current turn and to whom (see presenceSentThisTurn). */
  private presenceTurn: Map<UserId, { frame: string; users: Set<UserId> }> | null = null;

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
    await this.bus.unsubscribe(userTopic(conn.userId));
    for (const id of this.conversationsByUser.get(conn.userId) ?? []) await this.unroute(conn.userId, id);
    this.conversationsByUser.delete(conn.userId);
  }

  private async route(userId: UserId, id: ConversationId): Promise<void> {
    let mine = this.conversationsByUser.get(userId);
    if (!mine) this.conversationsByUser.set(userId, (mine = new Set()));
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
    const nl = payload.indexOf('\n');
    const routing = payload.slice(0, nl);
    const members = this.membersByConversation.get(id);
    if (members) {
      const text = payload.slice(nl + 1);
      const frame = Buffer.from(text);
      const presence = routing.startsWith('p');
      const from = presence || routing.startsWith('f') ? (routing.slice(1) as UserId) : null;
      const once = presence ? this.presenceSentThisTurn(from!, text) : null;
      let n = 0;
      for (const userId of members) {
        if (from !== null && this.hidden.get(userId)?.users.has(from)) continue;
        if (once) {
          if (once.has(userId)) continue;
          once.add(userId);
        }
        for (const conn of this.byUser.get(userId) ?? []) if (conn.push(frame)) n++;
      }
      this.hooks.delivered(n, routing.startsWith('@') ? Number(routing.slice(1)) : null);
    }
    if (routing.startsWith('x')) void this.unroute(routing.slice(1) as UserId, id);
  }

  /**
   * A presence change is published to every conversation its user shares with others
   * (Fanout.presence), so someone sharing several would get the same frame several
   * times. Those publishes are made, and arrive, in one turn: within it, a user is not
   * pushed again the frame they just got for the same subject. Only the subject's latest
   * frame is remembered, so online, offline, online in one turn still ends online. (A
   * copy arriving in a later turn is pushed again, harmlessly.)
   */
  private presenceSentThisTurn(subject: UserId, frame: string): Set<UserId> {
    if (!this.presenceTurn) {
      this.presenceTurn = new Map();
      setImmediate(() => (this.presenceTurn = null));
    }
    const last = this.presenceTurn.get(subject);
    if (last?.frame === frame) return last.users;
    const users = new Set<UserId>();
    this.presenceTurn.set(subject, { frame, users });
    return users;
  }

  private onUserPayload(userId: UserId, payload: string): void {
    const nl = payload.indexOf('\n');
    const routing = payload.slice(0, nl);
    const conns = this.byUser.get(userId);
    if (!conns) return;
    if (routing === '!') {
      for (const conn of [...conns]) conn.close(CLOSE.SESSION_REVOKED, 'session revoked');
      return;
    }
    // A notification candidate from a node of an older version (they are decided where
    // they are made now): a draft for a decider, never a frame for clients.
    if (routing === 'n') return;
    if (routing.startsWith('h') || routing.startsWith('s')) {
      const hidden = this.hidden.get(userId);
      const hide = routing.startsWith('h');
      const other = routing.slice(1) as UserId;
      if (hidden?.loading) hidden.loading.push([hide, other]);
      else if (hidden) hide ? hidden.users.add(other) : hidden.users.delete(other);
      // This frame replaces the other's presence: a conversation copy later in the turn is not a repeat.
      this.presenceTurn?.delete(other);
      if (nl + 1 === payload.length) return;
    }
    const text = payload.slice(nl + 1);
    const frame = Buffer.from(text);
    for (const conn of conns) conn.push(frame);
    if (routing.startsWith('+')) {
      const id = routing.slice(1) as ConversationId;
      void this.route(userId, id).then(() => this.hooks.joined(userId, id, text));
    } else if (routing.startsWith('x')) {
      void this.unroute(userId, routing.slice(1) as ConversationId);
    }
  }
}
