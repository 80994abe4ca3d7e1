/**
 * The production renderer build: `npx vite build --config renderer/vite.config.ts` writes
 * `out/renderer/` with relative asset paths (`base: './'`), loaded from `app://` by the desktop app
 * and from a loopback static server by the e2e tests.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// This folder, without Node's path helpers (the renderer's lint bans Node imports).
const here = decodeURIComponent(new URL('.', import.meta.url).pathname).replace(/^\/([A-Za-z]:)/, '$1');

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome130',
  },
});
