// Entry point of the SQLite checkpointer thread (see writer-thread.mjs for why).
import { register } from 'tsx/esm/api';

register();
await import('./checkpoint-worker.ts');
