/**
 * Writes the app shell's file list and a version into the built service worker
 * (dist/sw.js, copied from public/), so it precaches exactly this build's hashed files.
 *
 * Chosen over vite-plugin-pwa / Workbox: the worker only needs a list of files and a
 * version (no runtime caching strategies, no routing library), it must keep its push and
 * click handlers as plain code that is tested directly, and Workbox's build tooling is a
 * large dependency tree for that. The version is a hash of every listed file's bytes:
 * any change to the build gives a new sw.js, which the browser installs as an update.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

const PLACEHOLDER = '/*__PARLEY_BUILD__*/ null';
const SW_FILE = 'sw.js';
/** Not part of the shell: the worker itself, source maps, and files only crawlers or tools read. */
const SKIP = [/^sw\.js$/, /\.map$/, /^\.vite\//, /^robots\.txt$/];

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

export function swPrecache(): Plugin {
  let outDir = '';
  return {
    name: 'parley-sw-precache',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle() {
      const swPath = path.join(outDir, SW_FILE);
      const sw = readFileSync(swPath, 'utf8');
      if (!sw.includes(PLACEHOLDER)) throw new Error(`${SW_FILE} has no ${PLACEHOLDER} placeholder for the precache list`);
      const files = filesUnder(outDir)
        .filter((f) => !SKIP.some((re) => re.test(f)))
        .sort();
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update('\0').update(readFileSync(path.join(outDir, f)));
      const build = { version: hash.digest('hex').slice(0, 16), files: files.map((f) => `/${f}`) };
      writeFileSync(swPath, sw.replace(PLACEHOLDER, JSON.stringify(build)));
    },
  };
}
