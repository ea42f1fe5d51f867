/**
 * Compiles the server to JavaScript in dist/ (npm run build), which production runs
 * with plain node (bin/parley.mjs). esbuild bundles our own code, the protocol's
 * TypeScript sources included, and leaves every declared dependency to node_modules
 * (native addons, pino's worker transports and the like load as they are).
 *
 * Outputs sit side by side in one folder, because the code finds its worker threads
 * with `new URL('./writer-thread.mjs', import.meta.url)`: in dist/ those names are the
 * compiled workers; in src/ they are the .mjs files that load the TypeScript ones.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const HERE = import.meta.dirname;

export async function buildServer(outdir = path.join(HERE, 'dist')): Promise<void> {
  const pkg = JSON.parse(readFileSync(path.join(HERE, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  // The workspace's own packages ship TypeScript sources, so they are compiled in.
  const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@parley/'));
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: HERE,
    entryPoints: [
      { in: 'src/main.ts', out: 'main' },
      { in: 'src/store/sqlite/writer-worker.ts', out: 'writer-thread' },
      { in: 'src/store/sqlite/checkpoint-worker.ts', out: 'checkpoint-thread' },
    ],
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Shared code in chunks, and lazy import()s (PostgreSQL, Redis, S3 adapters) stay lazy.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  // An undeclared dependency would be bundled silently; the lint rule should have said so.
  const bundled = Object.keys(result.metafile.inputs).filter((file) => file.includes('node_modules/'));
  if (bundled.length) throw new Error(`bundled from node_modules (declare them in packages/server/package.json): ${bundled.join(', ')}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  await buildServer(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
}
