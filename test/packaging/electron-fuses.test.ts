/** The fuses the afterPack hook sets (scripts/electron-fuses.js), on small files holding a fuse wire. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FUSE_STATE, packedElectronPath, sealElectron, TESSERA_FUSES } from '../../scripts/electron-fuses.js';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** A binary-like file: some bytes, the sentinel, wire version 1, its length, one ASCII state per fuse, more bytes. */
function withWire(states: string): Buffer {
  return Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), Buffer.from(SENTINEL, 'latin1'), Buffer.from([1, states.length]), Buffer.from(states, 'latin1'), Buffer.from([0, 0xff])]);
}

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tessera-fuses-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function binary(states: string): Promise<string> {
  const path = join(folder, 'tessera');
  await writeFile(path, withWire(states));
  return path;
}

describe('TESSERA_FUSES', () => {
  it('turns off ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect and file:// privileges, and turns on cookie encryption, asar integrity and asar-only loading', () => {
    expect(TESSERA_FUSES).toEqual({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
  });
});

describe('sealElectron', () => {
  it("flips Electron's defaults to Tessera's fuses and reports them", async () => {
    const path = await binary('10110001');
    const sealed = await sealElectron(path, { platform: 'linux', arch: 'x64' });
    expect(sealed).toMatchObject({ RunAsNode: false, EnableCookieEncryption: true, OnlyLoadAppFromAsar: true, GrantFileProtocolExtraPrivileges: false });
    // In wire order: RunAsNode, cookie encryption, NODE_OPTIONS, --inspect, asar integrity,
    // asar only, browser V8 snapshot, file:// privileges.
    const bytes = await readFile(path);
    const wire = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
    expect(bytes.subarray(wire, wire + 8).toString('latin1')).toBe('01001100');
  });

  it('changes nothing but the wire', async () => {
    const path = await binary('10110001');
    const before = await readFile(path);
    await sealElectron(path, { platform: 'linux', arch: 'x64' });
    const after = await readFile(path);
    const wireStart = before.indexOf(SENTINEL) + SENTINEL.length + 2;
    const differing = [...before.keys()].filter((index) => before[index] !== after[index]);
    expect(after.length).toBe(before.length);
    expect(differing.every((index) => index >= wireStart && index < wireStart + 8)).toBe(true);
  });

  it('leaves a fuse newer than those it decides in its state', async () => {
    const path = await binary('101100011');
    await sealElectron(path, { platform: 'linux', arch: 'x64' });
    expect((await getCurrentFuseWire(path))[8 as FuseV1Options]).toBe(FUSE_STATE.enabled);
  });

  it('refuses a binary without a fuse wire', async () => {
    const path = join(folder, 'not-electron');
    await writeFile(path, Buffer.from('#!/bin/sh\n'));
    await expect(sealElectron(path, { platform: 'linux', arch: 'x64' })).rejects.toThrow(/sentinel/);
  });

  it('refuses a wire too short for the decided fuses (an Electron older than the fuses it must set)', async () => {
    const path = await binary('1011');
    await expect(sealElectron(path, { platform: 'linux', arch: 'x64' })).rejects.toThrow(/not long enough/);
  });

  it('refuses an Electron that removed a decided fuse, whose protection would silently be gone', async () => {
    const path = await binary('r0110001');
    await expect(sealElectron(path, { platform: 'linux', arch: 'x64' })).rejects.toThrow(/removed RunAsNode/);
  });
});

describe('packedElectronPath', () => {
  const app = { appOutDir: '/out/app', productFilename: 'Tessera', executableName: 'tessera' };

  it('names the .app bundle on macOS, the .exe on Windows and the executable on Linux', () => {
    expect(packedElectronPath({ ...app, platform: 'darwin' })).toBe(join('/out/app', 'Tessera.app'));
    expect(packedElectronPath({ ...app, platform: 'mas' })).toBe(join('/out/app', 'Tessera.app'));
    expect(packedElectronPath({ ...app, platform: 'win32' })).toBe(join('/out/app', 'Tessera.exe'));
    expect(packedElectronPath({ ...app, platform: 'linux' })).toBe(join('/out/app', 'tessera'));
  });

  it('refuses a platform electron-builder does not package for', () => {
    expect(() => packedElectronPath({ ...app, platform: 'aix' })).toThrow(/unknown platform/);
  });
});
