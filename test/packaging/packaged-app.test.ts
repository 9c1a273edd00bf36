/**
 * Packages the app the way a release does — `electron-builder --linux dir` with this
 * repository's electron-builder.yml — and checks what comes out. Offline: the Electron
 * distribution is a stub folder (`-c.electronDist`) whose "electron" is a small file holding
 * a fuse wire, so the afterPack hook really flips fuses and the test reads them back.
 * Requires `npm run build` (npm test runs it first).
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUSE_STATE, TESSERA_FUSES } from '../../scripts/electron-fuses.js';
import { walkModuleGraph } from '../support/module-graph.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** The fuse wire's marker in every Electron binary since 12 (what @electron/fuses searches for). */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/**
 * The stub's wire: Electron's defaults for the eight fuses @electron/fuses 1.8 knows
 * (RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar integrity off,
 * asar-only off, V8 snapshot off, file:// privileges on), then a ninth, newer fuse (on) that
 * the hook must leave alone.
 */
const STUB_WIRE = '101100011';
/** A newer fuse than those decided in scripts/electron-fuses.js. */
const UNKNOWN_FUSE = 8;

/** Electron's "electron" executable, reduced to what packaging touches: the fuse wire. */
function stubElectron(): Buffer {
  return Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), Buffer.from(SENTINEL, 'latin1'), Buffer.from([1, STUB_WIRE.length]), Buffer.from(STUB_WIRE, 'latin1')]);
}

/** What an electron-builder run left behind. */
interface Packaged {
  readonly appOutDir: string;
  readonly resources: string;
  readonly asar: string;
  /** Every path in app.asar, `/`-rooted. */
  readonly entries: ReadonlySet<string>;
  readonly log: string;
  readonly seconds: number;
}

const run = promisify(execFile);
let work: string;
let packaged: Packaged;

beforeAll(async () => {
  for (const built of ['dist/main/main.js', 'dist/main/preload.cjs', 'dist/renderer/index.html']) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  work = await mkdtemp(join(tmpdir(), 'tessera-packaging-'));
  // The minimum electron-builder needs of an unpacked Linux distribution: the `electron`
  // executable, which it renames after the product (LICENSE and default_app.asar are optional).
  const electronDist = join(work, 'electron-dist');
  await mkdir(electronDist);
  await writeFile(join(electronDist, 'electron'), stubElectron());
  await chmod(join(electronDist, 'electron'), 0o755);
  const output = join(work, 'out');

  const started = performance.now();
  const { stdout, stderr } = await run(
    process.execPath,
    [join(root, 'node_modules', 'electron-builder', 'cli.js'), '--linux', 'dir', '--x64', '--publish', 'never', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`],
    {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        // electron-builder turns its log off and hard-links files when it sees VITEST: run it as a release does.
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST'))),
        ELECTRON_BUILDER_OFFLINE: 'true', // no timestamp servers or other online steps
        CSC_IDENTITY_AUTO_DISCOVERY: 'false', // no signing identity looked up
        // Should anything try to download (Electron, tool sets), it fails instead of reaching out.
        HTTPS_PROXY: 'http://127.0.0.1:9',
        HTTP_PROXY: 'http://127.0.0.1:9',
        ELECTRON_GET_USE_PROXY: '1',
        GLOBAL_AGENT_HTTPS_PROXY: 'http://127.0.0.1:9',
        NO_PROXY: '',
      },
    },
  );
  const appOutDir = join(output, 'linux-unpacked');
  const resources = join(appOutDir, 'resources');
  const asar = join(resources, 'app.asar');
  packaged = {
    appOutDir,
    resources,
    asar,
    entries: new Set(listPackage(asar, { isPack: false }).map((entry) => entry.replaceAll('\\', '/'))),
    log: `${stdout}\n${stderr}`,
    seconds: (performance.now() - started) / 1000,
  };
}, 180_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

const asarText = (path: string): string => extractFile(packaged.asar, path).toString('utf8');
const asarRead = (path: string): string | undefined => (packaged.entries.has(`/${path}`) ? asarText(path) : undefined);

describe('electron-builder --linux dir (offline, stub Electron)', () => {
  it('packages without downloading anything', () => {
    expect(packaged.log).not.toMatch(/\bdownloading\b/i);
    expect(packaged.log).toMatch(/using custom unpacked Electron distribution/);
    console.info(`packaging took ${packaged.seconds.toFixed(1)} s`);
  });

  it('puts the main process, the preload and the built UI in app.asar', () => {
    const packageJson = JSON.parse(asarText('package.json')) as { main: string; type: string };
    expect(packageJson.main).toBe('dist/main/main.js');
    expect(packageJson.type).toBe('module');
    for (const path of ['/dist/main/main.js', '/dist/main/preload.cjs', '/dist/renderer/index.html']) expect(packaged.entries).toContain(path);
    // Every script, stylesheet and icon the page names is there too.
    const html = asarText('dist/renderer/index.html');
    const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => `/dist/renderer/${match[1]}`);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) expect(packaged.entries).toContain(asset);
  });

  it('holds every module the main process and the preload load, and every package they import', () => {
    const graph = walkModuleGraph(['dist/main/main.js', 'dist/main/preload.cjs'], asarRead);
    expect(graph.unresolved).toEqual([]);
    const missing = [...graph.packages.keys()].filter((name) => name !== 'electron' && !packaged.entries.has(`/node_modules/${name}/package.json`));
    expect(missing).toEqual([]);
  });

  it('ships the production dependencies only: no issuer, SQLite, CLI or bundled-in UI libraries', () => {
    const packages = [...packaged.entries].filter((path) => /^\/node_modules\/(@[^/]+\/)?[^/@]+\/package\.json$/.test(path)).map((path) => posix.dirname(path).slice('/node_modules/'.length));
    expect(packages).toEqual(expect.arrayContaining(Object.keys(manifest.dependencies)));
    for (const name of ['better-sqlite3', 'prebuild-install', 'react', 'react-dom', 'zustand', '@noble/ed25519', 'electron', 'electron-builder']) {
      expect(packages, name).not.toContain(name);
    }
    for (const folder of ['/dist/issuer', '/dist/cli', '/dist/verify', '/bin']) expect(packaged.entries, folder).not.toContain(folder);
    expect([...packaged.entries].filter((path) => path.startsWith('/dist/') && /\.(map|d\.ts|tsbuildinfo)$/.test(path))).toEqual([]);
  });

  it('unpacks keytar, whose native module cannot be loaded from inside the archive', async () => {
    const keytar = join(packaged.resources, 'app.asar.unpacked', 'node_modules', '@github', 'keytar');
    for (const file of ['package.json', 'lib/keytar.js', 'build/Release/keytar.node']) {
      expect((await stat(join(keytar, file))).isFile(), file).toBe(true);
      expect(statFile(packaged.asar, `node_modules/@github/keytar/${file}`)).toMatchObject({ unpacked: true });
    }
  });

  it('ships the vendor configuration as an extra resource, beside app.asar', async () => {
    const shipped = await readFile(join(packaged.resources, 'tessera.config.json'), 'utf8');
    expect(shipped).toBe(await readFile(join(root, 'vendor', 'tessera.config.json'), 'utf8'));
  });

  it('runs the afterPack hook, which seals the fuses of the packed binary', async () => {
    const wire = await getCurrentFuseWire(join(packaged.appOutDir, 'tessera'));
    const state = (option: number): string => String.fromCharCode(wire[option as FuseV1Options] ?? 0);
    expect(state(FuseV1Options.RunAsNode)).toBe('0');
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe('1');
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('1');
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
    expect(state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot)).toBe('0');
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe('0');
    expect(state(UNKNOWN_FUSE)).toBe('1'); // a fuse the hook has not decided keeps its state
    // The same as the hook's own table, so the two cannot drift apart unnoticed.
    for (const [option, enabled] of Object.entries(TESSERA_FUSES)) {
      expect(wire[Number(option) as FuseV1Options]).toBe(enabled ? FUSE_STATE.enabled : FUSE_STATE.disabled);
    }
    expect(packaged.log).toMatch(/tessera: Electron fuses set/);
  });
});
