import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorDocs } from './error-docs';
import { ERROR_CODES } from './errors';
import { CLOSE } from './close-codes';

describe('docs/errors.md', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

  it('is what the catalogue renders (run `npm run docs:errors` after changing errors.ts)', () => {
    expect(doc).toBe(renderErrorDocs());
  });

  it('documents every error code and close code', () => {
    for (const code of ERROR_CODES) expect(doc).toContain(`\`${code}\``);
    for (const code of Object.values(CLOSE)) expect(doc).toContain(`| ${code} |`);
  });
});
