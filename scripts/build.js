#!/usr/bin/env node
// Builds everything `npm install` needs: the TypeScript projects, the portable verifier
// bundle (`tessera/verify`), which must not depend on any Node built-in, and the CLI bundle
// (`bin/tessera.js` runs it: one module graph of a few files starts faster than hundreds).
//
// `--if-stale` builds only when dist/ was not built from the sources as they are now (the
// test runner's global set-up uses it, so tests never run yesterday's build).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIGEST_FILE, sourceDigest } from './source-digest.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const digest = sourceDigest(root);
const digestFile = join(root, DIGEST_FILE);
if (process.argv.includes('--if-stale') && existsSync(digestFile) && readFileSync(digestFile, 'utf8').trim() === digest) {
  console.log('tessera build: dist/ is up to date with the sources');
  process.exit(0);
}
// A build that fails half way must not look like one made from these sources.
rmSync(digestFile, { force: true });
// Imported only when building: vite takes a while to load.
const { build } = await import('vite');

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
console.log('tessera build: bundling the command line (dist/cli/tessera.js)');
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
// The bundle holds the project's own modules only: every package stays outside, loaded from
// node_modules as it is (native ones such as keytar cannot be bundled at all). Which packages
// the bundle may import is checked against package.json's "dependencies" by
// test/packaging/runtime-dependencies.test.ts.
// (Not a package: relative and absolute paths, and bundler-internal `\0` ids.)
const isPackage = (id) => !id.startsWith('.') && !id.startsWith('\0') && !isAbsolute(id);
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    ssr: true,
    rollupOptions: {
      input: { tessera: 'dist/src/cli/main.js' },
      external: (id, importer) => builtins.has(id) || id.startsWith('node:') || (importer !== undefined && isPackage(id)),
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
console.log('tessera build: bundling the user interface (dist/renderer)');
await build({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });

// A sandboxed preload can require only `electron` and a few built-ins: it gets the contract
// bundled in, as one CommonJS file.
console.log('tessera build: bundling the Electron preload (dist/main/preload.cjs)');
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist/main',
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: false,
    lib: { entry: 'main/preload.ts', formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});
writeFileSync(digestFile, `${digest}\n`);
console.log('tessera build: done');
