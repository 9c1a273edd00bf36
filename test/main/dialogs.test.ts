/**
 * The native dialogs (main/dialogs.ts): `files:choose` reads only what the person picked, and
 * only a regular file of at most 1 MiB; the startup error box says what to do next.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BaseWindow, Dialog } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fail, messageFor } from '../../src/contract/messages.js';
import { createFileChooser, MAX_LICENSE_FILE_BYTES, OPEN_DIALOG_OPTIONS, readLicenseFile, showStartupFailure } from '../../main/dialogs.js';
import { as } from './fake-electron.js';

const CERTIFICATE = '-----BEGIN LICENSE FILE-----\neyJlbmMiOiIifQ==\n-----END LICENSE FILE-----\n';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'tessera-dialogs-'));
  writeFileSync(join(folder, 'license.lic'), CERTIFICATE);
  writeFileSync(join(folder, 'exactly-1mib.lic'), Buffer.alloc(MAX_LICENSE_FILE_BYTES, 0x41));
  writeFileSync(join(folder, 'too-large.lic'), Buffer.alloc(MAX_LICENSE_FILE_BYTES + 1, 0x41));
  writeFileSync(join(folder, 'binary.lic'), Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]));
  mkdirSync(join(folder, 'folder.lic'));
  symlinkSync(join(folder, 'license.lic'), join(folder, 'link.lic'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A chooser over a fake dialog that answers `answer`. */
function chooser(answer: { canceled: boolean; filePaths: string[] }, window: object | null = { id: 1 }) {
  const dialog = { showOpenDialog: vi.fn(async (..._args: unknown[]) => answer) };
  return { dialog, choose: createFileChooser({ dialog: as<Pick<Dialog, 'showOpenDialog'>>(dialog), window: () => as<BaseWindow | null>(window) }) };
}

describe('files:choose', () => {
  it('opens the dialog over the window with the license-file filters', async () => {
    const window = { id: 1 };
    const { dialog, choose } = chooser({ canceled: true, filePaths: [] }, window);
    await choose();
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(window, OPEN_DIALOG_OPTIONS);
    expect(OPEN_DIALOG_OPTIONS.properties).toEqual(['openFile']);
    expect(OPEN_DIALOG_OPTIONS.filters).toEqual([
      { name: 'License files', extensions: ['lic', 'txt'] },
      { name: 'All files', extensions: ['*'] },
    ]);
  });

  it('opens it without a parent when the window is closed', async () => {
    const { dialog, choose } = chooser({ canceled: true, filePaths: [] }, null);
    await choose();
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(OPEN_DIALOG_OPTIONS);
  });

  it('returns null when cancelled', async () => {
    await expect(chooser({ canceled: true, filePaths: [] }).choose()).resolves.toEqual({ ok: true, value: null });
    await expect(chooser({ canceled: false, filePaths: [] }).choose()).resolves.toEqual({ ok: true, value: null });
  });

  it('reads the chosen file: its name and text, never its folder', async () => {
    const result = await chooser({ canceled: false, filePaths: [join(folder, 'license.lic')] }).choose();
    expect(result).toEqual({ ok: true, value: { name: 'license.lic', certificate: CERTIFICATE } });
  });

  it('reads a file of exactly 1 MiB', async () => {
    const result = await readLicenseFile(join(folder, 'exactly-1mib.lic'));
    expect(result.ok && result.value?.certificate.length).toBe(MAX_LICENSE_FILE_BYTES);
  });
});

describe('files:choose refuses what is not a license file', () => {
  it('refuses a file larger than 1 MiB', async () => {
    await expect(chooser({ canceled: false, filePaths: [join(folder, 'too-large.lic')] }).choose()).resolves.toEqual(fail('LICENSE_FILE_TOO_LARGE'));
  });

  it('refuses a folder', async () => {
    await expect(readLicenseFile(join(folder, 'folder.lic'))).resolves.toEqual(fail('LICENSE_FILE_MALFORMED'));
  });

  it('refuses a symbolic link rather than following it', async () => {
    await expect(readLicenseFile(join(folder, 'link.lic'))).resolves.toEqual(fail('LICENSE_FILE_MALFORMED'));
  });

  it('refuses a device', async () => {
    await expect(readLicenseFile('/dev/zero')).resolves.toEqual(fail('LICENSE_FILE_MALFORMED'));
  });

  it('refuses bytes that are not UTF-8', async () => {
    await expect(readLicenseFile(join(folder, 'binary.lic'))).resolves.toEqual(fail('LICENSE_FILE_MALFORMED'));
  });

  it('refuses a file that vanished after it was chosen', async () => {
    await expect(readLicenseFile(join(folder, 'gone.lic'))).resolves.toEqual(fail('LICENSE_FILE_MALFORMED'));
  });
});

describe('startup failure', () => {
  it('shows the code title, its sentence, the detail and the next step', () => {
    const dialog = { showErrorBox: vi.fn() };
    showStartupFailure(dialog, { ...fail('CONFIG_INVALID'), detail: 'tessera.config.json: publicKey is missing' } as ReturnType<typeof fail>);
    const text = messageFor('CONFIG_INVALID');
    expect(dialog.showErrorBox).toHaveBeenCalledWith(text.title, `${text.message}\n\ntessera.config.json: publicKey is missing\n\n${text.action}`);
  });

  it('leaves the detail out when there is none', () => {
    const dialog = { showErrorBox: vi.fn() };
    showStartupFailure(dialog, fail('CONFIG_NOT_FOUND'));
    const text = messageFor('CONFIG_NOT_FOUND');
    expect(dialog.showErrorBox).toHaveBeenCalledWith(text.title, `${text.message}\n\n${text.action}`);
  });
});
