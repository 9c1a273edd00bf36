/**
 * package.json's "dependencies" are exactly the packages that the built command line and the
 * Electron app load at run time. One more would ship in every installer for nothing (the
 * issuer's SQLite, React already bundled into the UI); one fewer and the packaged app or the
 * CLI fails to start. Requires `npm run build` (npm test runs it first).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { walkModuleGraph, type ModuleGraph } from '../support/module-graph.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const dependencies = Object.keys(manifest.dependencies).sort();

/** Electron's main process gets `electron` from the runtime; the npm package is only its types and launcher. */
const PROVIDED_BY_ELECTRON = new Set(['electron']);

function readBuilt(path: string): string | undefined {
  const file = join(root, path);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function graphOf(...entries: string[]): ModuleGraph {
  const graph = walkModuleGraph(entries, readBuilt);
  expect(graph.unresolved, 'imports that name no built file').toEqual([]);
  return graph;
}

function packagesOf(graph: ModuleGraph): string[] {
  return [...graph.packages.keys()].filter((name) => !PROVIDED_BY_ELECTRON.has(name)).sort();
}

const scripts = (folder: string): string[] =>
  readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.[cm]?js$/.test(file))
    .map((file) => `${folder}/${file.replaceAll('\\', '/')}`);

describe('runtime dependencies', () => {
  beforeAll(() => {
    for (const entry of ['dist/cli/tessera.js', 'dist/main/main.js', 'dist/main/preload.cjs', 'dist/issuer/cli.js']) {
      if (!existsSync(join(root, entry))) throw new Error(`${entry} is missing: run \`npm run build\` first`);
    }
  });

  it('are exactly the packages the CLI bundle and the Electron main process and preload import', () => {
    const cli = packagesOf(graphOf('dist/cli/tessera.js'));
    const app = packagesOf(graphOf('dist/main/main.js', 'dist/main/preload.cjs'));
    expect([...new Set([...cli, ...app])].sort()).toEqual(dependencies);
  });

  it('include everything the packaged app imports (it ships only "dependencies")', () => {
    const app = packagesOf(graphOf('dist/main/main.js', 'dist/main/preload.cjs'));
    expect(app.filter((name) => !dependencies.includes(name))).toEqual([]);
    expect(app).toEqual(expect.arrayContaining(['@github/keytar', 'zod']));
  });

  it('bundle no package into the CLI: its source maps name only the project\'s own modules', () => {
    const bundled = scripts('dist/cli')
      .map((path) => readBuilt(`${path}.map`))
      .filter((map) => map !== undefined)
      .flatMap((map) => (JSON.parse(map) as { sources: string[] }).sources)
      .filter((source) => source.includes('node_modules'));
    expect(bundled).toEqual([]);
  });

  it('leave the UI and the portable verifier self-contained (React, zustand and noble are bundled in)', () => {
    const ui = graphOf(...scripts('dist/renderer'));
    const verifier = graphOf('dist/verify/tessera-verify.js');
    expect([...ui.packages.keys(), ...verifier.packages.keys()]).toEqual([]);
  });

  it('with devDependencies, cover the development issuer that `tessera start` runs from the repository', () => {
    const issuer = packagesOf(graphOf('dist/issuer/cli.js'));
    const installed = new Set([...dependencies, ...Object.keys(manifest.devDependencies)]);
    expect(issuer).toContain('better-sqlite3');
    expect(issuer.filter((name) => !installed.has(name))).toEqual([]);
  });
});
