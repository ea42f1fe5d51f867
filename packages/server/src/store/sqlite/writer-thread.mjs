// Entry point of the SQLite writer thread. A worker thread starts without the
// TypeScript loader of its parent when the parent is not run by tsx (vitest, for
// one), so the loader is registered here before the worker's own module is loaded.
import { register } from 'tsx/esm/api';

register();
await import('./writer-worker.ts');
