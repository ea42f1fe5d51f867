// The lint rules that keep the layers apart (eslint.config.mjs) must bite: each case
// lints a snippet as if it were a file at that path in the repository.
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
let eslint: ESLint;

beforeAll(() => {
  // Snippets are not files in a tsconfig, so the two type-aware rules are left out here.
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: {
      files: ['**/*.ts', '**/*.tsx'],
      languageOptions: { parserOptions: { projectService: false } },
      rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
    },
  });
});

/** Rule ids reported for `code` as the file `file`, one per import line, in order. */
async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.line}:${m.ruleId ?? m.message}`);
}

describe('layers', () => {
  it('the protocol imports no other workspace', async () => {
    expect(await lint('packages/protocol/src/probe.ts', `import { ParleyClient } from '@parley/client';\nexport const x = ParleyClient;\n`)).toEqual([
      // Undeclared too: either rule alone would stop it.
      '1:import-x/no-extraneous-dependencies',
      '1:import-x/no-restricted-paths',
    ]);
  });

  it('the SDK imports the protocol, not the server (its integration tests may start one)', async () => {
    const code = `import { ROUTES } from '@parley/protocol';\nimport { loadConfig } from '../../server/src/config';\nexport const x = [ROUTES, loadConfig];\n`;
    expect(await lint('packages/client/src/probe.ts', code)).toEqual(['2:import-x/no-restricted-paths']);
    expect(await lint('packages/client/src/probe.test.ts', code)).toEqual([]);
  });

  it('the web app imports the SDK and the protocol, never the server', async () => {
    const code = `import { ParleyClient } from '@parley/client';\nimport { ROUTES } from '@parley/protocol';\nimport { loadConfig } from '../../../packages/server/src/config';\nexport const x = [ParleyClient, ROUTES, loadConfig];\n`;
    expect(await lint('apps/web/src/probe.ts', code)).toEqual(['3:import-x/no-restricted-paths']);
  });

  it('the server imports the protocol, not the SDK (its tests may drive one)', async () => {
    const code = `import { ROUTES } from '@parley/protocol';\nimport { ParleyClient } from '../../../client/src/client';\nexport const x = [ROUTES, ParleyClient];\n`;
    expect(await lint('packages/server/src/http/probe.ts', code)).toEqual(['2:import-x/no-restricted-paths']);
    expect(await lint('packages/server/src/http/probe.test.ts', code)).toEqual([]);
  });
});

describe('domain/', () => {
  it('imports ports, config and the protocol', async () => {
    const code = [
      `import type { Store } from '../store/port';`,
      `import type { SearchStore } from '../store/search-port';`,
      `import type { Bus } from '../bus/port';`,
      `import type { Config } from '../config';`,
      `import { ROUTES } from '@parley/protocol';`,
      `import { randomUUID } from 'node:crypto';`,
      `export const x = [ROUTES, randomUUID] as unknown as [Store, SearchStore, Bus, Config];`,
    ].join('\n');
    expect(await lint('packages/server/src/domain/probe.ts', code)).toEqual([]);
  });

  it('imports no adapter, transport or driver, statically or with import()', async () => {
    const code = [
      `import { openBlobStore } from '../../blobs/open-blob-store';`,
      `import { registerAttachmentRoutes as registerRoutes } from '../../http/attachments-routes';`,
      `import { openSqliteStore } from '../../store/sqlite';`,
      `import type { WebSocket } from 'ws';`,
      `import { readFileSync } from 'node:fs';`,
      `export const x = [openBlobStore, registerRoutes, openSqliteStore, readFileSync, () => import('sharp')] as unknown as WebSocket;`,
    ].join('\n');
    expect(await lint('packages/server/src/domain/notifications/probe.ts', code)).toEqual([
      '1:import-x/no-restricted-paths',
      '2:import-x/no-restricted-paths',
      '3:import-x/no-restricted-paths',
      '4:import-x/no-restricted-paths',
      '5:no-restricted-imports',
      '6:import-x/no-restricted-paths',
    ]);
  });

  it("may use the bus port's envelope and the rate limiter's key scheme, beside the ports", async () => {
    const code = `import { encodeConversation } from '../bus/envelope';\nimport { rateKey } from '../rate-limit/keys';\nexport const x = [encodeConversation, rateKey];\n`;
    expect(await lint('packages/server/src/domain/probe.ts', code)).toEqual([]);
  });

  it('a test of the domain may wire real adapters; the domain code may not', async () => {
    const code = `import { openSqliteStore } from '../store/sqlite';\nexport const x = openSqliteStore;\n`;
    expect(await lint('packages/server/src/domain/probe.test.ts', code)).toEqual([]);
    expect(await lint('packages/server/src/domain/probe.ts', code)).toEqual(['1:import-x/no-restricted-paths']);
  });
});

describe('declared dependencies', () => {
  it('a workspace imports only what its own package.json declares', async () => {
    expect(await lint('packages/client/src/probe.ts', `import { z } from 'zod';\nexport const x = z;\n`)).toEqual(['1:import-x/no-extraneous-dependencies']);
    expect(await lint('packages/server/src/probe.ts', `import { z } from 'zod';\nexport const x = z;\n`)).toEqual([]);
  });

  it('shipped code uses no devDependencies; tests also use the root ones', async () => {
    const code = `import { describe } from 'vitest';\nexport const x = describe;\n`;
    expect(await lint('packages/server/src/probe.ts', code)).toEqual(['1:import-x/no-extraneous-dependencies']);
    expect(await lint('packages/server/src/probe.test.ts', code)).toEqual([]);
    expect(await lint('apps/web/src/probe.ts', `import { defineConfig } from 'vite';\nexport const x = defineConfig;\n`)).toEqual(['1:import-x/no-extraneous-dependencies']);
  });
});
