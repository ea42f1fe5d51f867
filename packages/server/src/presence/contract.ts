/**
 * The PresenceRegistry contract: every adapter runs this suite, through the port only.
 * A fixture gives several nodes' views of one registry (the same object for the memory
 * adapter, separate connections for Redis), so "anywhere" means across nodes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newConversationId, newUserId } from '../domain/ids';
import type { PresenceRegistry } from './port';

export interface PresenceFixture {
  /** At least two nodes' views of one shared registry. */
  nodes: PresenceRegistry[];
  cleanup: () => Promise<void>;
}

export function presenceContract(name: string, factory: () => Promise<PresenceFixture>): void {
  describe(`PresenceRegistry contract: ${name}`, () => {
    let fixture: PresenceFixture;
    let a: PresenceRegistry;
    let b: PresenceRegistry;

    beforeEach(async () => {
      fixture = await factory();
      expect(fixture.nodes.length).toBeGreaterThanOrEqual(2);
      [a, b] = fixture.nodes as [PresenceRegistry, PresenceRegistry];
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('reports a user online once, and offline only after the last connection goes', async () => {
      const user = newUserId();
      expect(await a.connected(user, 'c1')).toBe(true);
      expect(await a.connected(user, 'c2')).toBe(false);
      expect(await a.onlineAmong([user])).toEqual(new Set([user]));

      expect(await a.disconnected(user, 'c1')).toBe(false);
      expect(await a.onlineAmong([user])).toEqual(new Set([user]));
      expect(await a.disconnected(user, 'c2')).toBe(true);
      expect(await a.onlineAmong([user])).toEqual(new Set());
    });

    it('counts connections on different nodes together', async () => {
      const user = newUserId();
      expect(await a.connected(user, 'on-a')).toBe(true);
      expect(await b.connected(user, 'on-b')).toBe(false);
      expect(await b.onlineAmong([user])).toEqual(new Set([user]));
      expect(await a.disconnected(user, 'on-a')).toBe(false);
      expect(await a.onlineAmong([user])).toEqual(new Set([user]));
      expect(await b.disconnected(user, 'on-b')).toBe(true);
      expect(await a.onlineAmong([user])).toEqual(new Set());
    });

    it('reports a user online again after they went offline', async () => {
      const user = newUserId();
      await a.connected(user, 'c1');
      await a.disconnected(user, 'c1');
      expect(await b.connected(user, 'c2')).toBe(true);
    });

    it('answers false for a connection it does not know', async () => {
      const user = newUserId();
      expect(await a.disconnected(user, 'never-seen')).toBe(false);
      await a.connected(user, 'c1');
      expect(await a.disconnected(user, 'never-seen')).toBe(false);
      expect(await a.onlineAmong([user])).toEqual(new Set([user]));
      expect(await a.disconnected(user, 'c1')).toBe(true);
      expect(await a.disconnected(user, 'c1')).toBe(false);
    });

    it('keeps connection ids of different users apart', async () => {
      const [u1, u2] = [newUserId(), newUserId()];
      expect(await a.connected(u1, 'same-id')).toBe(true);
      expect(await a.connected(u2, 'same-id')).toBe(true);
      expect(await a.disconnected(u1, 'same-id')).toBe(true);
      expect(await a.onlineAmong([u1, u2])).toEqual(new Set([u2]));
    });

    it('tells which of many users are online', async () => {
      const users = Array.from({ length: 30 }, () => newUserId());
      const online = users.filter((_, i) => i % 3 === 0);
      for (const [i, user] of online.entries()) await (i % 2 ? a : b).connected(user, `c${i}`);
      expect(await a.onlineAmong(users)).toEqual(new Set(online));
      expect(await b.onlineAmong([...users].reverse())).toEqual(new Set(online));
      expect(await a.onlineAmong([])).toEqual(new Set());
    });

    it('tells away, online and focused apart, per conversation and across nodes', async () => {
      const [u1, u2, u3] = [newUserId(), newUserId(), newUserId()];
      const [c1, c2] = [newConversationId(), newConversationId()];
      await a.connected(u1, 'tab1');
      await b.connected(u1, 'tab2');
      await b.connected(u2, 'tab3');
      await b.setFocus(u1, 'tab2', c1);
      const asks = [
        { userId: u1, conversationId: c1 },
        { userId: u1, conversationId: c2 },
        { userId: u2, conversationId: c1 },
        { userId: u3, conversationId: c1 },
      ];
      expect(await a.attentionAmong(asks)).toEqual(['focused', 'online', 'online', 'away']);
      // Another tab showing another conversation changes nothing for c1.
      await a.setFocus(u1, 'tab1', c2);
      expect(await a.attentionAmong(asks.slice(0, 2))).toEqual(['focused', 'focused']);
      // A hidden page shows nothing.
      await b.setFocus(u1, 'tab2', null);
      expect(await b.attentionAmong(asks.slice(0, 2))).toEqual(['online', 'focused']);
      expect(await a.attentionAmong([])).toEqual([]);
    });

    it('forgets a focus with its connection, and ignores one of an unknown connection', async () => {
      const user = newUserId();
      const conv = newConversationId();
      const ask = [{ userId: user, conversationId: conv }];
      await a.connected(user, 'shown');
      await a.connected(user, 'other');
      await a.setFocus(user, 'shown', conv);
      expect(await b.attentionAmong(ask)).toEqual(['focused']);
      await a.disconnected(user, 'shown');
      expect(await b.attentionAmong(ask)).toEqual(['online']);
      await b.setFocus(user, 'never-connected', conv);
      expect(await a.attentionAmong(ask)).toEqual(['online']);
      // Back with the same connection id: no focus until it says so again.
      await a.connected(user, 'shown');
      expect(await a.attentionAmong(ask)).toEqual(['online']);
      await a.disconnected(user, 'shown');
      await a.disconnected(user, 'other');
      expect(await a.attentionAmong(ask)).toEqual(['away']);
      await a.setFocus(user, 'other', conv);
      expect(await a.attentionAmong(ask)).toEqual(['away']);
    });

    it('keeps renewed connections online', async () => {
      const [u1, u2] = [newUserId(), newUserId()];
      await a.connected(u1, 'c1');
      await a.connected(u2, 'c2');
      await a.heartbeat([
        { userId: u1, connectionId: 'c1' },
        { userId: u2, connectionId: 'c2' },
      ]);
      await a.heartbeat([]);
      expect(await b.onlineAmong([u1, u2])).toEqual(new Set([u1, u2]));
      expect(await a.disconnected(u1, 'c1')).toBe(true);
    });
  });
}
