import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every environment variable the server reads is in the README's configuration table, and
// every edge setting also in docs/security.md, so an operator never meets an undocumented one.
const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');
const namesIn = (source: string) => [...new Set(source.match(/\bPARLEY_[A-Z0-9_]+/g) ?? [])];

describe('configuration docs', () => {
  const readme = read('../../../README.md');
  const security = read('../../../docs/security.md');

  it('the README table lists every variable config.ts and edge-config.ts read', () => {
    const names = namesIn(read('./config.ts') + read('./edge-config.ts'));
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
  });

  it('docs/security.md covers every edge setting', () => {
    expect(namesIn(read('./edge-config.ts')).filter((n) => !security.includes(`\`${n}`))).toEqual([]);
  });
});
