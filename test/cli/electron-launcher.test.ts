/** `tessera start` decides between the Electron app and the web console by what is installed, never by downloading. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { electronApp } from '../../src/cli/electron-launcher.js';

const folder = mkdtempSync(join(tmpdir(), 'tessera-electron-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('electronApp', () => {
  it('is unavailable, with the reason, when the package names no binary (this machine)', () => {
    const app = electronApp({});
    expect(app).toEqual({ ok: false, reason: expect.stringMatching(/Electron binary is not installed/) });
  });

  it('is unavailable when the named binary is missing, and available when it and the built app exist', () => {
    expect(electronApp({}, () => join(folder, 'missing'))).toMatchObject({ ok: false });
    const binary = join(folder, 'electron');
    writeFileSync(binary, '');
    const app = electronApp({}, () => binary);
    // The compiled main process comes with `npm run build`; without it the app cannot run either.
    if (app.ok) expect(app).toEqual({ ok: true, binary, main: expect.stringMatching(/dist[/\\]main[/\\]main\.js$/) });
    else expect(app.reason).toMatch(/not built/);
  });
});
