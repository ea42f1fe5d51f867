// Lint for the whole monorepo (npm run lint, part of npm test). Correctness rules only:
// no formatting or style rules, so the checks never fight an editor or a big diff.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Code that runs only under vitest: tests, their helpers and the contract suites.
const TEST_CODE = [
  '**/*.test.ts',
  '**/test-support/**',
  '**/test-support.ts',
  '**/testing.ts',
  '**/contract.ts',
  '**/*-contract.ts',
  '**/contract/**',
  '**/*-test-env.ts',
  'e2e/**',
  'faults/**',
];

const SERVER = `${import.meta.dirname}/packages/server/src`;
const TOOLS = ['bench', 'e2e', 'faults', 'scripts'];

// The layers: protocol ← client ← web; protocol ← server. Zones are matched on resolved
// paths, so a relative path, a package name and a dynamic import() are caught alike. The
// SDK's tests run a real server and the server's tests drive the SDK, so tests may cross
// between those two (never into the web app).
function layerZones({ tests }) {
  const ws = (name) => [`packages/${name}`, `node_modules/@parley/${name}`];
  const web = ['apps', 'node_modules/@parley/web'];
  return [
    { target: 'packages/protocol', from: [...ws('client'), ...ws('server'), ...web, ...TOOLS], message: 'The protocol depends on no other workspace.' },
    { target: 'packages/client', from: [...(tests ? [] : ws('server')), ...web, ...TOOLS], message: 'The SDK imports only the protocol.' },
    { target: 'apps/web', from: [...ws('server'), ...TOOLS], message: 'The web app imports only the SDK and the protocol.' },
    { target: 'packages/server', from: [...(tests ? [] : ws('client')), ...web, ...TOOLS], message: 'The server imports only the protocol.' },
  ];
}

// domain/ holds the rules and talks to the world through ports (port.ts, *-port.ts) that
// Deps carries; no adapter, transport or driver.
const DRIVERS = ['ws', 'fastify', '@fastify', 'better-sqlite3', 'postgres', 'ioredis', 'web-push', '@aws-sdk', 'sharp', 'file-type'];
const DRIVER_BUILTINS = ['http', 'https', 'http2', 'net', 'tls', 'dgram', 'child_process', 'fs', 'fs/promises'];
function domainZones() {
  return [
    {
      target: 'packages/server/src/domain',
      from: [`${SERVER}/**`],
      // Beside the ports themselves: the bus port's typed payload (envelope) and the rate
      // limiter's key scheme, both pure and part of those ports' contracts.
      except: [`${SERVER}/domain/**`, `${SERVER}/**/port.ts`, `${SERVER}/**/*-port.ts`, `${SERVER}/bus/envelope.*`, `${SERVER}/rate-limit/keys.*`, `${SERVER}/config.*`, `${SERVER}/metrics.*`, `${SERVER}/logger.*`],
      message: 'domain/ imports only itself, ports (port.ts, *-port.ts, bus/envelope.ts, rate-limit/keys.ts), config, metrics and logger; adapters come in through Deps.',
    },
    { target: 'packages/server/src/domain', from: DRIVERS.map((d) => `node_modules/${d}`), message: 'domain/ uses no transport or driver library; take it through a port in Deps.' },
  ];
}
function domainBuiltins() {
  const message = 'domain/ does no I/O of its own; take it through a port in Deps.';
  return ['error', { paths: DRIVER_BUILTINS.flatMap((b) => [b, `node:${b}`]).map((name) => ({ name, message })) }];
}


// Every import is declared in the package.json of its workspace (tests and helpers may also
// use the root's shared devDependencies: vitest, fast-check…). e2e/, faults/, scripts/ and
// the root configs belong to the root package. Shipped code may not use devDependencies.
const WORKSPACES = ['packages/protocol', 'packages/client', 'packages/server', 'apps/web', 'bench'];
const DEV_ONLY = ['apps/web/vite.config.ts', 'packages/server/build.ts', 'packages/server/src/**/*.mjs'];
const workspaceDependencies = WORKSPACES.flatMap((ws) => [
  {
    name: `parley/dependencies (${ws})`,
    files: [`${ws}/**/*.{ts,tsx,mjs}`],
    ignores: TEST_CODE,
    rules: { 'import-x/no-extraneous-dependencies': ['error', { packageDir: [`${import.meta.dirname}/${ws}`], devDependencies: DEV_ONLY }] },
  },
  {
    name: `parley/dependencies (${ws} tests)`,
    files: TEST_CODE.filter((g) => g.startsWith('**/')).map((g) => `${ws}/${g}`),
    rules: { 'import-x/no-extraneous-dependencies': ['error', { packageDir: [`${import.meta.dirname}/${ws}`, import.meta.dirname], devDependencies: true }] },
  },
]);

export default defineConfig(
  globalIgnores(['**/node_modules/', '**/dist/', '.tsbuild/', 'coverage/', 'artifacts/', 'data/']),

  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'parley/typescript',
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      // `_`-prefixed names mark parameters kept for a signature.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `cond ? a() : b()` and `x && y()` as statements are used on purpose.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
    },
  },
  {
    name: 'parley/all',
    rules: {
      // Input validation matches control characters on purpose.
      'no-control-regex': 'off',
      // Flags a default given before a try that may overwrite it, a readable habit here.
      'no-useless-assignment': 'off',
    },
  },
  {
    name: 'parley/test-code',
    files: TEST_CODE,
    rules: {
      // Tests read loosely typed JSON replies; production code has no `any`.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    name: 'parley/javascript-on-node',
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'parley/service-worker',
    files: ['apps/web/public/sw.js'],
    languageOptions: { globals: globals.serviceworker },
  },

  // A promise nobody awaits or catches loses its error (an unhandled rejection ends a
  // Node process); these two need types, so they run on the server's sources only.
  {
    name: 'parley/server-promises',
    files: ['packages/server/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },

  {
    name: 'parley/imports',
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.d.ts', '.mjs', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: [...layerZones({ tests: false }), ...domainZones()] }],
      'import-x/no-extraneous-dependencies': ['error', { packageDir: [import.meta.dirname], devDependencies: true }],
    },
  },
  ...workspaceDependencies,
  {
    name: 'parley/imports-in-tests',
    files: TEST_CODE,
    rules: {
      // A domain test may wire real adapters (a SQLite store, the in-memory limiter); the
      // domain code it tests may not.
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layerZones({ tests: true }) }],
    },
  },
  {
    name: 'parley/domain-builtins',
    files: ['packages/server/src/domain/**'],
    rules: { 'no-restricted-imports': domainBuiltins() },
  },

  {
    name: 'parley/web-hooks',
    files: ['apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
