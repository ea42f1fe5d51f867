import { describe, expect, it } from 'vitest';
import { displayName, findIllFormedString, isInvisible, isWellFormed, messageText, titleText } from './text-rules';
import { UsernameSchema } from './rest';

describe('text rules', () => {
  const name = displayName(64);
  const title = titleText(200);
  const body = messageText(4000);

  it.each([
    ['a right-to-left override', 'admin\u202Egnp.exe'],
    ['a left-to-right embedding', '\u202Aname'],
    ['a first-strong isolate', 'a\u2068b\u2069'],
    ['only zero-width characters', '\u200B\u200C\u200D'],
    ['a lone BOM', '\uFEFF'],
    ['a BOM before a name', '\uFEFFAnn'],
    ['a word joiner only', '\u2060'],
    ['Hangul fillers only', '\u3164\u115F'],
    ['a braille blank only', '\u2800'],
    ['only spaces, including no-break and ideographic ones', ' \u00A0\u3000'],
    ['a C0 control', 'a\u0001'],
    ['a newline', 'a\nb'],
    ['a tab', 'a\tb'],
    ['a C1 control (NEL)', 'a\u0085'],
    ['a C1 control (CSI)', 'a\u009B'],
    ['a line separator', 'a\u2028b'],
    ['a paragraph separator', 'a\u2029b'],
    ['a lone high surrogate', 'a\uD800'],
    ['a lone low surrogate', '\uDC00a'],
    ['reversed surrogates', '\uDE00\uD83D'],
  ])('a display name with %s is refused', (_what, value) => {
    expect(name.safeParse(value).success).toBe(false);
  });

  it.each([
    ['plain ASCII', 'Ann'],
    ['accents', 'Zoë Müller'],
    ['Hebrew with a right-to-left mark', '\u200Fשלום'],
    ['an emoji ZWJ sequence', 'dev 👩\u200D💻'],
    ['Persian with a zero-width non-joiner', 'می\u200Cخواهم'],
    ['CJK', '李小龍'],
  ])('a display name with %s is kept', (_what, value) => {
    const r = name.safeParse(value);
    expect(r.success).toBe(true);
    expect(r.data).toBe(value.normalize('NFC'));
  });

  it('names, titles and bodies come out in NFC', () => {
    const decomposed = 'e\u0301te\u0301';
    expect(name.parse(decomposed)).toBe('\u00E9t\u00E9');
    expect(title.parse(decomposed)).toBe('\u00E9t\u00E9');
    expect(body.parse(decomposed)).toBe('\u00E9t\u00E9');
  });

  it('a title may be empty but follows the one-line rules', () => {
    expect(title.safeParse('').success).toBe(true);
    expect(title.safeParse('a\u202Eb').success).toBe(false);
    expect(title.safeParse('a\nb').success).toBe(false);
  });

  it('message text keeps newlines, tabs and CR, and refuses other controls, overrides and invisible-only text', () => {
    expect(body.parse('line 1\r\n\tline 2')).toBe('line 1\r\n\tline 2');
    for (const bad of ['a\u0000', 'a\u0085', 'see \u202Etxt.exe', '\u200B', '  \n ', 'x\uD800']) expect(body.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('usernames stay ASCII', () => {
    for (const bad of ['аdmin' /* Cyrillic a */, 'ann\u200B', 'zoë', 'ANN']) expect(UsernameSchema.safeParse(bad).success, bad).toBe(false);
    expect(UsernameSchema.safeParse('ann_1.b').success).toBe(true);
  });

  it('isWellFormed agrees with String.prototype.isWellFormed', () => {
    const samples = ['', 'ok', '😀', '\uD83D', '\uDE00', 'a\uD83D\uDE00b', '\uD83D\uD83D\uDE00', '\uDE00\uDE00'];
    for (const s of samples) expect(isWellFormed(s), JSON.stringify(s)).toBe((s as unknown as { isWellFormed(): boolean }).isWellFormed());
  });

  it('findIllFormedString finds a lone surrogate in any value or key, and says where', () => {
    expect(findIllFormedString({ a: ['ok', { b: 'fine' }], n: 1, z: null })).toBeNull();
    expect(findIllFormedString({ a: ['ok', { b: 'x\uD800' }] })).toEqual(['a', 1, 'b']);
    expect(findIllFormedString({ ['k\uDC00']: 1 })).toEqual(['(key)']);
    expect(findIllFormedString('\uD800')).toEqual([]);
  });

  it('isInvisible', () => {
    expect(isInvisible('\u200B\uFEFF \u2060\u180E')).toBe(true);
    expect(isInvisible('\u200Ba')).toBe(false);
  });
});
