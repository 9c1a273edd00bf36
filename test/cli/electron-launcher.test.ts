/**
 * `tessera start` decides between the Electron app and the web console by what is installed,
 * never by downloading. Whether this machine has an Electron binary does not matter here:
 * every case stubs the binary's presence or absence.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ELECTRON_BINARY_ENV, electronApp } from '../../src/cli/electron-launcher.js';

const folder = mkdtempSync(join(tmpdir(), 'tessera-electron-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const binary = join(folder, 'electron');
writeFileSync(binary, '');
const main = join(folder, 'main.js');
writeFileSync(main, '');

describe('electronApp', () => {
  it('is unavailable, with the reason, when no binary is installed', () => {
    expect(electronApp({}, { binary: () => null })).toEqual({ ok: false, reason: expect.stringMatching(/Electron binary is not installed/) });
  });

  it('is unavailable when the named binary does not exist', () => {
    expect(electronApp({}, { binary: () => join(folder, 'missing'), main: () => main })).toEqual({ ok: false, reason: expect.stringMatching(/not installed/) });
    expect(electronApp({ [ELECTRON_BINARY_ENV]: join(folder, 'missing') }, { main: () => main })).toMatchObject({ ok: false });
  });

  it('is unavailable when the app is not built, even with a binary', () => {
    expect(electronApp({}, { binary: () => binary, main: () => null })).toEqual({ ok: false, reason: expect.stringMatching(/not built/) });
  });

  it('is available when the binary and the built app exist', () => {
    expect(electronApp({}, { binary: () => binary, main: () => main })).toEqual({ ok: true, binary, main });
  });

  it('takes the binary from TESSERA_ELECTRON_BINARY before the installed package, and finds the built app', () => {
    // The global set-up builds dist/, so the compiled main process is there.
    expect(electronApp({ [ELECTRON_BINARY_ENV]: binary })).toEqual({ ok: true, binary, main: expect.stringMatching(/dist[/\\]main[/\\]main\.js$/) });
  });
});
