/**
 * The desktop shell's air-gapped verbs (main/carried-files.ts): `files:choose-many` reads only
 * the plain files the person picked (links, FIFOs, folders and oversized files are left out),
 * and `files:save` writes only where the save dialog says; both over IPC with parsed inputs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BaseWindow, Dialog } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFileSaver, createManyFilesChooser, OPEN_MANY_OPTIONS } from '../../main/carried-files.js';
import { MAX_CARRIED_FILE_LENGTH } from '../../src/contract/operation-schemas.js';
import { as } from './fake-electron.js';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'tessera-carried-'));
  writeFileSync(join(folder, 'a.activation-response.json'), '{"a":1}');
  writeFileSync(join(folder, 'b.lic'), '-----BEGIN LICENSE FILE-----');
  writeFileSync(join(folder, 'huge.json'), Buffer.alloc(MAX_CARRIED_FILE_LENGTH + 1, 0x20));
  mkdirSync(join(folder, 'folder.json'));
  symlinkSync(join(folder, 'b.lic'), join(folder, 'link.lic'));
  execFileSync('mkfifo', [join(folder, 'pipe.json')]);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('files:choose-many', () => {
  it('reads the plain files picked, leaving out links, FIFOs, folders and oversized files', async () => {
    const picked = ['a.activation-response.json', 'b.lic', 'huge.json', 'folder.json', 'link.lic', 'pipe.json'].map((name) => join(folder, name));
    const dialog = { showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: false, filePaths: picked })) };
    const window = { id: 1 };
    const choose = createManyFilesChooser({ dialog: as<Pick<Dialog, 'showOpenDialog'>>(dialog), window: () => as<BaseWindow | null>(window) });
    expect(await choose()).toEqual({ ok: true, value: [{ name: 'a.activation-response.json', text: '{"a":1}' }, { name: 'b.lic', text: '-----BEGIN LICENSE FILE-----' }] });
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(window, OPEN_MANY_OPTIONS);
    expect(OPEN_MANY_OPTIONS.properties).toContain('multiSelections');
  });

  it('answers an empty list when the dialog is cancelled', async () => {
    const dialog = { showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })) };
    const choose = createManyFilesChooser({ dialog: as<Pick<Dialog, 'showOpenDialog'>>(dialog), window: () => null });
    expect(await choose()).toEqual({ ok: true, value: [] });
  });
});

describe('files:save', () => {
  it('writes the text where the save dialog says, suggesting the file name; nothing when cancelled', async () => {
    const target = join(folder, 'saved.activation-request.json');
    const dialog = { showSaveDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: false, filePath: target })) };
    const save = createFileSaver({ dialog: as<Pick<Dialog, 'showSaveDialog'>>(dialog), window: () => null });
    expect(await save({ name: '../../etc/passwd.json', text: '{"r":1}' })).toEqual({ ok: true, value: { saved: true } });
    expect(readFileSync(target, 'utf8')).toBe('{"r":1}');
    // The suggested name is a bare name: the renderer cannot point the dialog elsewhere.
    expect((dialog.showSaveDialog.mock.calls[0]?.[0] as { defaultPath: string }).defaultPath).toBe('passwd.json');
    const cancelled = createFileSaver({ dialog: as<Pick<Dialog, 'showSaveDialog'>>({ showSaveDialog: async () => ({ canceled: true, filePath: '' }) }), window: () => null });
    expect(await cancelled({ name: 'x.json', text: 'x' })).toEqual({ ok: true, value: { saved: false } });
  });
});
