/**
 * The catalogues stay complete and the components stay free of user-visible literals:
 * English and Spanish have the same keys, every literal key the code asks for exists, and
 * no .tsx file has text between JSX tags or in a user-facing attribute that is not from the
 * catalogue (a lint-ish scan; symbols like "@", "·", "×" are allowed).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import es from './es.json';

const SRC = path.resolve(import.meta.dirname, '..');

function keysOf(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keysOf(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return files(p, ext);
    return ext.test(name) && !name.endsWith('.test.ts') ? [p] : [];
  });
}

/** A key as i18next resolves it: a plural key is present as key_one / key_other. */
function has(keys: Set<string>, key: string): boolean {
  return keys.has(key) || keys.has(`${key}_other`);
}

describe('message catalogues', () => {
  const enKeys = keysOf(en).sort();
  const esKeys = keysOf(es).sort();

  it('English and Spanish have the same keys', () => {
    expect(esKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
    expect(enKeys.filter((k) => !esKeys.includes(k))).toEqual([]);
  });

  it('have every key the code names literally', () => {
    const keys = new Set(enKeys);
    const missing: string[] = [];
    for (const f of files(SRC, /\.tsx?$/)) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) if (!has(keys, m[1]!)) missing.push(`${path.relative(SRC, f)}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('keep every value non-empty in both languages', () => {
    const empty = (obj: object) => keysOf(obj).filter((k) => k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], obj) === '');
    expect(empty(en)).toEqual([]);
    expect(empty(es)).toEqual([]);
  });
});

/** User-visible literals in one .tsx source: text between JSX tags, and labelling attributes. */
function literalsIn(source: string): string[] {
  const found: string[] = [];
  const text = source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, '');
  // Text between a closing '>' and the next '<' or '{' that holds a letter ("=>" and "->"
  // are code, and so is a chunk with operators, member access or brackets).
  for (const m of text.matchAll(/(?<![=-])>\s*([^<>{}]*\p{L}[^<>{}]*?)\s*(?=<|\{)/gu)) {
    const chunk = m[1]!.trim();
    if (chunk && !/^[=)&|?:,;.\]]/.test(chunk) && !/[=(){};[\]`|*]|\w\.\w/.test(chunk)) found.push(chunk);
  }
  for (const m of text.matchAll(/\b(aria-label|title|placeholder|alt)="([^"]*\p{L}[^"]*)"/gu)) found.push(`${m[1]}="${m[2]}"`);
  return found;
}

describe('components', () => {
  it('the literal scan finds text and labels, and lets code through', () => {
    expect(literalsIn('<p className="x">Hello there</p>')).toEqual(['Hello there']);
    expect(literalsIn('<button aria-label="Close">{t(\'common.close\')}</button>')).toEqual(['aria-label="Close"']);
    expect(literalsIn('const f = (): Promise<void> => x; <p>{t(\'a.b\')}</p>')).toEqual([]);
  });

  it('have no user-visible string literal outside the catalogue', () => {
    const found = files(path.join(SRC, 'components'), /\.tsx$/).flatMap((f) => literalsIn(readFileSync(f, 'utf8')).map((x) => `${path.basename(f)}: ${x}`));
    expect(found).toEqual([]);
  });
});
