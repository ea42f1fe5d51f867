#!/usr/bin/env node
// The `parley` command (see src/main.ts): runs the compiled server in dist/, which
// `npm run build` writes. Development runs the TypeScript directly: npm run parley.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.mjs', import.meta.url);
if (!existsSync(main)) {
  console.error('parley: the server is not built yet; run `npm run build` first');
  process.exit(1);
}
// Stack traces name the TypeScript sources.
process.setSourceMapsEnabled(true);
await import(main.href);
