/**
 * The renderer's build. `base: './'` because Electron loads it from file:// and the web
 * console serves it at `/`; nothing inline, so that it runs under the strict CSP
 * (`script-src 'self'; style-src 'self'`) in both.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  // Vite replaces import.meta.dirname when it bundles this file: the root is this folder wherever the build runs from.
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill is an inline-free script, but not needed: every supported shell has modulepreload.
    modulePreload: { polyfill: false },
    // No data: URLs for scripts or fonts: every asset is a file under 'self'.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
