import { defineConfig } from 'vitest/config';

// One runner for the whole monorepo. Suites that need PostgreSQL, Redis or Chromium skip
// with a visible reason when those are unreachable; CI sets PARLEY_REQUIRE_SERVICES=1 to
// make them mandatory (a skip becomes a failure).
//
// Two groups run one after the other: everything else first, then the fault-injection
// suites, which start and kill whole server processes (and their own PostgreSQL and Redis)
// and would otherwise compete for this machine's two cores with the rest.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // expect.poll waits for a condition; its default cap (1 s) is shorter than a page load
    // on a loaded 2-core machine. A cap only: a poll that succeeds returns at once.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['packages/*/src/**/*.test.ts', 'apps/web/src/**/*.test.ts', 'bench/src/**/*.test.ts', 'e2e/**/*.test.ts', 'scripts/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['faults/**/*.test.ts'],
          globalSetup: ['faults/support/build-server.ts'],
          testTimeout: 180_000,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
