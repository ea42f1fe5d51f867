import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES } from './routes';
import { RequestFrame, PushFrame } from './frames';

// docs/protocol.md is hand-written for newcomers; this keeps it from missing a route or frame.
describe('docs/protocol.md', () => {
  const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

  it('documents every REST route with its method', () => {
    for (const [name, r] of Object.entries(ROUTES)) {
      const row = new RegExp(`\\| ${r.method} \\| \`${r.path.replace(/[/:]/g, (c) => `\\${c}`)}\` \\|`);
      expect(row.test(doc), `${name}: ${r.method} ${r.path}`).toBe(true);
    }
  });

  it('documents every WebSocket op and push type', () => {
    for (const option of RequestFrame.options) expect(doc).toContain(`| \`${option.shape.op.value}\` |`);
    for (const option of PushFrame.options) expect(doc).toContain(`| \`${option.shape.type.value}\` |`);
  });
});
