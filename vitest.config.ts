import { defineConfig } from 'vitest/config';

// One runner for the whole monorepo. Suites that need PostgreSQL or Redis skip with a
// visible reason when those are unreachable; CI sets PARLEY_REQUIRE_SERVICES=1 to make
// them mandatory (a skip becomes a failure).
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'bench/src/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
