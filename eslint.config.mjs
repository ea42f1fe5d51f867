// Lint for the whole monorepo (npm run lint, part of npm test). Correctness rules only:
// no formatting or style rules, so the checks never fight an editor or a big diff.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
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
    name: 'parley/web-hooks',
    files: ['apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
