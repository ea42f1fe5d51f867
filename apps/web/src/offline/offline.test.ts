/** The web app's offline helpers: cache ↔ store mapping, the unread badge, messages from the worker. */
import { describe, expect, it } from 'vitest';
import type { CachedConversation } from '@parley/client';
import type { Conversation, Message } from '@parley/protocol';
import type { ChatState } from '../state/chat-store';
import { emptyWindow } from '../state/conversation-events';
import { showBadge, unreadTotal } from './badge';
import { viewsOf, windowsFromCache } from './hydrate';
import { navigationFrom } from './service-worker';

const conv = (id: string, unreadCount = 0, archived = false) => ({ id, unreadCount, me: { archived } }) as unknown as Conversation;
const messages = [{ id: 'm1', seq: 1 }] as unknown as Message[];

describe('offline helpers', () => {
  it('windowsFromCache: a window per cached conversation with messages, notices from extra', () => {
    const rows = [
      { id: 'a', conversation: conv('a'), messages, hasOlder: true, seq: 1, receiptsVersion: 0, extra: [{ seq: 1 }], usedAt: 1 },
      { id: 'b', conversation: conv('b'), messages: [], hasOlder: false, seq: 0, receiptsVersion: 0, usedAt: 0 },
    ] as unknown as CachedConversation[];
    expect(windowsFromCache(rows)).toEqual({ a: { messages, notices: [{ seq: 1 }], hasOlder: true, loading: false, loadingOlder: false } });
  });

  it('viewsOf: every conversation, with its window as is (loading windows left out)', () => {
    const loaded = { ...emptyWindow(), loading: false, messages, hasOlder: true };
    const state = { conversations: { a: conv('a'), b: conv('b') }, windows: { a: loaded, b: emptyWindow() } } as unknown as ChatState;
    const views = viewsOf(state);
    expect(views).toEqual([{ conversation: conv('a'), messages, hasOlder: true, extra: [] }, { conversation: conv('b') }]);
    // Same references, so the cache sees an unchanged window as unchanged.
    expect(views[0]!.messages).toBe(loaded.messages);
    expect(views[0]!.extra).toBe(loaded.notices);
  });

  it('the badge counts unread messages outside the archive, and is skipped where unsupported', () => {
    expect(unreadTotal({ conversations: { a: conv('a', 2), b: conv('b', 3), c: conv('c', 7, true) } })).toBe(5);
    const calls: string[] = [];
    const nav = { setAppBadge: async (n?: number) => void calls.push(`set ${n}`), clearAppBadge: async () => void calls.push('clear') };
    expect(showBadge(5, nav)).toBe(true);
    expect(showBadge(0, nav)).toBe(true);
    expect(calls).toEqual(['set 5', 'clear']);
    expect(showBadge(3, {})).toBe(false);
    // A refusal (not installed, no permission) is swallowed.
    expect(showBadge(1, { setAppBadge: () => Promise.reject(new Error('NotAllowedError')), clearAppBadge: async () => {} })).toBe(true);
  });

  it('navigationFrom: only our message type, only same-origin URLs', () => {
    const origin = 'https://chat.example';
    expect(navigationFrom({ type: 'parley:navigate', url: '/c/c1?m=m2' }, origin)).toBe('/c/c1?m=m2');
    expect(navigationFrom({ type: 'parley:navigate', url: 'https://chat.example/c/c1' }, origin)).toBe('/c/c1');
    expect(navigationFrom({ type: 'parley:navigate', url: 'https://evil.example/c/c1' }, origin)).toBeNull();
    expect(navigationFrom({ type: 'other', url: '/c/c1' }, origin)).toBeNull();
    expect(navigationFrom(null, origin)).toBeNull();
  });
});
