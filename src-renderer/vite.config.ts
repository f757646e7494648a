// UI build: `vite build --config src-renderer/vite.config.ts` → dist/renderer, loaded from
// file:// by Electron and served at / by the server mode, hence the relative base.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const backend = process.env.EVS_BACKEND ?? 'http://127.0.0.1:8180';

// The dev server's React refresh preamble is an inline script; the strict CSP of
// index.html would block it, so `vite dev` (only) relaxes script-src.
const devCsp: Plugin = {
  name: 'evs-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
};

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), devCsp],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npx vite --config src-renderer/vite.config.ts` against a running `npm run serve`.
    proxy: { '/api': { target: backend, ws: true } },
  },
});
