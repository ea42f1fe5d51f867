import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ClientMessageId, UserId } from '@parley/protocol';
import { ContentFilter } from './content-filter';
import { RepeatGuard } from './repeat-guard';

describe('ContentFilter', () => {
  const f = new ContentFilter({ words: ['spam', 'buy now', 'c++'], maxLinks: 2, blockedDomains: ['evil.example', '.bad.test.'] });
  const rule = (t: string) => f.check(t)?.rule ?? null;

  it('matches listed words whole, in any case, with repeated letters or separators', () => {
    for (const t of ['spam', 'SPAM!', 'so sPaAaM', 's.p.a.m', 's-p-a-m', 'buy now', 'BUY   NOW', 'buyyy now', 'learn c++ today', 'spam\nline']) expect(rule(t), t).toBe('word');
    for (const t of ['spammer', 'antispam', 'spa m', "it's pam", 'buynow', 'span', 'c+', 'nothing here']) expect(rule(t), t).toBeNull();
  });

  it('counts links and refuses blocked domains and their subdomains', () => {
    expect(rule('https://a.example and www.b.example')).toBeNull();
    expect(rule('https://a.example http://b.example https://c.example')).toBe('links');
    for (const t of ['https://evil.example', 'http://x.y.evil.example/path?q', 'https://user:pw@evil.example:8443/', 'www.evil.example', 'https://sub.bad.test/x', 'HTTPS://EVIL.EXAMPLE/']) {
      expect(rule(t), t).toBe('domain');
    }
    for (const t of ['https://notevil.example', 'https://evil.example.org', 'evil.example without scheme']) expect(rule(t), t).toBeNull();
  });

  it('never throws and never refuses plain words with no links when no words are listed', () => {
    const empty = new ContentFilter({ words: [], maxLinks: 5, blockedDomains: [] });
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => empty.check(s.replace(/[:w]/gi, '')) === null));
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => (f.check(s), true)));
  });
});

describe('RepeatGuard', () => {
  const u = 'u1' as UserId;
  const id = (s: string) => s as ClientMessageId;

  it('admits max distinct copies per window, retries of one id always, and frees released reservations', () => {
    const g = new RepeatGuard({ max: 2, windowMs: 1000 });
    expect(g.admit(u, 'hi', id('a'), 0).ok).toBe(true);
    expect(g.admit(u, 'hi', id('a'), 1).ok).toBe(true);
    expect(g.admit(u, '  HI ', id('b'), 2).ok).toBe(true);
    expect(g.admit(u, 'hi', id('c'), 3).ok).toBe(false);
    expect(g.admit(u, 'hi', id('b'), 4).ok).toBe(true);
    expect(g.admit('u2' as UserId, 'hi', id('c'), 5).ok).toBe(true);
    expect(g.admit(u, 'other', id('c'), 5).ok).toBe(true);
    // After the window the old copies no longer count.
    expect(g.admit(u, 'hi', id('d'), 1001).ok).toBe(true);
    const r = g.admit(u, 'hi', id('e'), 1002);
    expect(r.ok).toBe(true);
    expect(g.admit(u, 'hi', id('f'), 1003).ok).toBe(false);
    r.release();
    expect(g.admit(u, 'hi', id('f'), 1004).ok).toBe(true);
  });

  it('keeps memory bounded', () => {
    const g = new RepeatGuard({ max: 1, windowMs: 1000, maxEntries: 10 });
    for (let i = 0; i < 100; i++) g.admit(u, `body ${i}`, id(`k${i}`), 0);
    expect((g as unknown as { entries: Map<string, unknown> }).entries.size).toBeLessThanOrEqual(10);
  });
});
