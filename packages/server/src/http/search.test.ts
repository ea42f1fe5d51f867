/**
 * Search over HTTP (and once through the SDK), on SQLite and PostgreSQL: CJK and partial
 * words, highlight ranges, the 1–2 character fallback, paging, and what must never show
 * up — messages deleted for me or for everyone, conversations I left, and conversations
 * I was never in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SearchHit } from '@parley/protocol';
import { ParleyClient } from '../../../client/src/client';
import type { WebSocketCtor } from '../../../client/src/connection';
import { startTestServer, type TestNode } from '../testing';
import type { Store } from '../store/port';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';

type Factory = () => Promise<{ store?: Store; cleanup: () => Promise<void> }>;

function searchSuite(backend: string, factory: Factory) {
  describe(`search over HTTP (${backend})`, () => {
    let server: TestNode & { store: Store };
    let cleanup: () => Promise<void>;
    let a: TestUser, b: TestUser, c: TestUser;
    let n = 0;

    beforeAll(async () => {
      const made = await factory();
      cleanup = made.cleanup;
      server = await startTestServer({ config: { rateLimits: testRateLimits() }, ...(made.store ? { store: made.store } : {}) });
      [a, b, c] = await registerUsers(server.url, 3, 'srch');
    });
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    const group = async (owner: TestUser, members: TestUser[], title = 'G') =>
      (await owner.api.post('/api/conversations/group', { title, memberIds: members.map((m) => m.id) })).body.conversation.id as string;
    const send = async (who: TestUser, conv: string, body: string, { title, ...extra }: Record<string, unknown> = {}) => {
      const res = await who.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: `s-${++n}`, ...extra, kind: 'text', content: { body, ...(title ? { title } : {}) } });
      expect(res.status).toBe(201);
      return res.body.message as { id: string; seq: number };
    };
    const search = async (who: TestUser, q: string, extra = '') => {
      const res = await who.api.get(`/api/search?q=${encodeURIComponent(q)}${extra}`);
      expect(res.status).toBe(200);
      return res.body as { results: SearchHit[]; nextCursor: string | null };
    };
    const marked = (h: SearchHit) => h.snippet.ranges.map((r) => h.snippet.text.slice(r.start, r.end));
    const unique = () => `z${Math.random().toString(36).slice(2, 8)}`;

    it('finds Japanese text by a substring in the middle of a word, and marks exactly it', async () => {
      const conv = await group(a, [b], 'Trip');
      const m = await send(b, conv, '昨日は東京タワーに行った');
      const { results } = await search(a, '京タワ');
      const hit = results.find((r) => r.message.id === m.id);
      expect(hit).toBeDefined();
      expect(hit!.snippet.field).toBe('body');
      expect(marked(hit!)).toEqual(['京タワ']);
      expect(hit!.conversation).toEqual({ id: conv, kind: 'group', title: 'Trip' });
      expect(hit!.sender.id).toBe(b.id);
      expect(hit!.message.seq).toBe(m.seq);
    });

    it('finds Chinese and Korean, and partial words case-insensitively', async () => {
      const conv = await group(a, [b]);
      const zh = await send(a, conv, '我们明天在北京见面');
      const ko = await send(a, conv, '서울에서 만나요');
      const en = await send(b, conv, 'The Eiffel TOWER is tall');
      expect((await search(b, '北京见')).results.map((r) => r.message.id)).toContain(zh.id);
      expect((await search(b, '울에서')).results.map((r) => r.message.id)).toContain(ko.id);
      const hit = (await search(a, 'tow')).results.find((r) => r.message.id === en.id)!;
      expect(marked(hit)).toEqual(['TOW']);
    });

    it('every term must match; all occurrences are marked, in order, without overlap', async () => {
      const conv = await group(a, [b]);
      const tag = unique();
      const both = await send(a, conv, `apple pie and ${tag} apple tart`);
      await send(a, conv, `${tag} only here`);
      const { results } = await search(b, `${tag} apple`);
      expect(results.map((r) => r.message.id)).toEqual([both.id]);
      const hit = results[0]!;
      expect(marked(hit)).toEqual(['apple', tag, 'apple']);
      const starts = hit.snippet.ranges.map((r) => r.start);
      expect([...starts].sort((x, y) => x - y)).toEqual(starts);
    });

    it('one and two character queries use the bounded fallback and still find and mark', async () => {
      const conv = await group(a, [b]);
      const m = await send(b, conv, '東京に住んでいます');
      const hit = (await search(a, '東京')).results.find((r) => r.message.id === m.id);
      expect(hit).toBeDefined();
      expect(marked(hit!)).toEqual(['東京']);
      expect((await search(a, '住')).results.map((r) => r.message.id)).toContain(m.id);
    });

    it('searches titles, and cuts long bodies into a snippet around the match', async () => {
      const conv = await group(a, [b]);
      const tag = unique();
      const titled = await send(a, conv, 'see subject', { title: `Quarterly ${tag} report` });
      const hit = (await search(b, tag)).results.find((r) => r.message.id === titled.id)!;
      expect(hit.snippet.field).toBe('title');
      expect(marked(hit)).toEqual([tag]);

      const long = await send(a, conv, `${'x'.repeat(1000)} needle${tag} ${'y'.repeat(1000)}`);
      const cut = (await search(b, `needle${tag}`)).results.find((r) => r.message.id === long.id)!;
      expect(cut.snippet.text.length).toBeLessThan(200);
      expect(cut.snippet.text.startsWith('…')).toBe(true);
      expect(cut.snippet.text.endsWith('…')).toBe(true);
      expect(marked(cut)).toEqual([`needle${tag}`]);
    });

    it('follows edits and deletes: new text found, old text and deleted messages not', async () => {
      const conv = await group(a, [b]);
      const oldTag = unique();
      const newTag = unique();
      const m = await send(a, conv, `before ${oldTag}`);
      expect((await search(b, oldTag)).results.map((r) => r.message.id)).toEqual([m.id]);
      expect((await a.api.patch(`/api/conversations/${conv}/messages/${m.id}`, { kind: 'text', content: { body: `after ${newTag}` } })).status).toBe(200);
      expect((await search(b, oldTag)).results).toEqual([]);
      expect((await search(b, newTag)).results.map((r) => r.message.id)).toEqual([m.id]);
      expect((await a.api.delete(`/api/conversations/${conv}/messages/${m.id}?for=everyone`)).status).toBe(204);
      expect((await search(b, newTag)).results).toEqual([]);
      expect((await search(a, newTag)).results).toEqual([]);
    });

    it('never shows messages I deleted for me (others still find them)', async () => {
      const conv = await group(a, [b]);
      const tag = unique();
      const m = await send(a, conv, `hide ${tag}`);
      expect((await b.api.delete(`/api/conversations/${conv}/messages/${m.id}?for=me`)).status).toBe(204);
      expect((await search(b, tag)).results).toEqual([]);
      expect((await search(b, tag.slice(0, 2))).results.map((r) => r.message.id)).not.toContain(m.id);
      expect((await search(a, tag)).results.map((r) => r.message.id)).toEqual([m.id]);
    });

    it('never shows conversations I left or was never in, on either path', async () => {
      const tag = unique();
      const mine = await group(a, [b]);
      const theirs = await group(b, [c]);
      const left = await send(b, mine, `left ${tag}`);
      const secret = await send(c, theirs, `secret ${tag}`);
      expect((await search(a, tag)).results.map((r) => r.message.id)).toEqual([left.id]);
      expect((await search(c, tag)).results.map((r) => r.message.id)).toEqual([secret.id]);
      expect((await a.api.post(`/api/conversations/${mine}/leave`)).status).toBe(204);
      expect((await search(a, tag)).results).toEqual([]);
      // The short-term fallback applies the same rules.
      const short = (await search(a, 'ft')).results.map((r) => r.message.id);
      expect(short).not.toContain(left.id);
      expect(short).not.toContain(secret.id);
    });

    it('pages newest first with a cursor, no repeats, no gaps', async () => {
      const conv = await group(a, [b]);
      const tag = unique();
      const sent: string[] = [];
      for (let i = 0; i < 7; i++) sent.push((await send(i % 2 ? a : b, conv, `page ${tag} ${i}`)).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { results: SearchHit[]; nextCursor: string | null } = await search(a, tag, `&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.results.length).toBeLessThanOrEqual(3);
        seen.push(...page.results.map((r) => r.message.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...sent].reverse());
    });

    it('names the other member of a direct conversation', async () => {
      const direct = (await a.api.post('/api/conversations/direct', { userId: c.id })).body.conversation.id as string;
      const tag = unique();
      const m = await send(c, direct, `direct ${tag}`);
      const hit = (await search(a, tag)).results.find((r) => r.message.id === m.id)!;
      expect(hit.conversation.kind).toBe('direct');
      expect(hit.peer?.id).toBe(c.id);
    });

    it('refuses bad input with BAD_REQUEST', async () => {
      for (const q of ['', '?q=', '?q=%20%20', `?q=${'x'.repeat(101)}`, '?q=a&limit=0', '?q=a&limit=51', '?q=a&cursor=nope', '?q=a%00b', '?q=a&x=1', '?q=1+2+3+4+5+6+7+8+9']) {
        const res = await a.api.get(`/api/search${q}`);
        expect({ q, status: res.status, code: res.body.code }).toEqual({ q, status: 400, code: 'BAD_REQUEST' });
      }
      expect((await a.api.get('/api/search?q=abc', { token: 'nope' })).status).toBe(401);
    });

    it('treats LIKE and FTS syntax in the query as plain text', async () => {
      const conv = await group(a, [b]);
      const m = await send(a, conv, 'discount 100% "off" a_b');
      for (const q of ['100%', '"off"', 'a_b', '%', '_']) {
        const ids: string[] = (await search(b, q)).results.map((r) => r.message.id);
        expect({ q, found: ids.includes(m.id) }).toEqual({ q, found: true });
      }
      expect((await search(b, 'discount AND NOT')).results).toEqual([]);
    });

    it('works through the SDK', async () => {
      const sdk = new ParleyClient({ baseUrl: server.url, WebSocket: WebSocket as unknown as WebSocketCtor });
      await sdk.login({ username: b.username, password: b.password });
      const conv = await group(a, [b]);
      const tag = unique();
      const m = await send(a, conv, `sdk ${tag}`);
      const res = await sdk.request('searchMessages', { query: { q: tag } });
      expect(res.results.map((r) => r.message.id)).toEqual([m.id]);
      expect(res.nextCursor).toBeNull();
    });
  });
}

searchSuite('sqlite', async () => ({ cleanup: async () => {} }));

const reachable = await postgresReachable();
describeWithPostgres('search over HTTP (postgres)', reachable, () => {
  searchSuite('postgres', postgresTestStore);
});
