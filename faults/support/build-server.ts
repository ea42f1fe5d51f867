// Global setup of the fault suites: they run nodes as production does, from the compiled
// server (bin/parley.mjs → dist/), so it is built first from the sources under test.
import { buildServer } from '../../packages/server/build';

export default async function setup(): Promise<void> {
  await buildServer();
}
