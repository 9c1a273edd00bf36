#!/usr/bin/env node
// Builds everything `npm install` needs: the TypeScript projects, then the portable verifier
// bundle (`tessera/verify`), which must not depend on any Node built-in.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

console.log('tessera build: compiling TypeScript projects');
execFileSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });

console.log('tessera build: bundling the portable verifier (dist/verify/tessera-verify.js)');
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist/verify',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: { entry: 'src/license-file/portable-entry.ts', formats: ['es'], fileName: () => 'tessera-verify.js' },
    rollupOptions: { external: (id) => id.startsWith('node:') },
  },
});

const bundle = readFileSync(new URL('../dist/verify/tessera-verify.js', import.meta.url), 'utf8');
const nodeImport = /\bfrom\s*["'](node:|fs|crypto|path|buffer)["']|require\(/.exec(bundle);
if (nodeImport !== null) {
  console.error(`tessera build: the portable verifier imports a Node built-in (${nodeImport[0]})`);
  process.exit(1);
}
console.log('tessera build: done');
