import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { swPrecache } from './sw-precache-plugin';

// The server serves dist/ with a strict CSP (no inline script or style), so the build
// must emit only external files: Vite's default output does (module script + CSS file).
export default defineConfig({
  root: import.meta.dirname,
  // swPrecache writes this build's file list into dist/sw.js (the app shell offline).
  plugins: [react(), swPrecache()],
  build: {
    outDir: path.join(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    // Inlined assets become data: URLs; keep them as files so the CSP stays simple.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/ws': { target: 'ws://localhost:8080', ws: true },
    },
  },
});
