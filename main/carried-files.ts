/**
 * The shell's half of the air-gapped operations: `files:choose-many` (the open dialog picks
 * several files, main reads them; the renderer never sends a path) and `files:save` (the save
 * dialog picks where a request, response or receipt goes, main writes it). Files are read as
 * `dialogs.ts` reads a license file: lstat first (a link, a FIFO or a device is not read),
 * O_NOFOLLOW, a bounded read, strict UTF-8.
 */
import { constants } from 'node:fs';
import { lstat, open, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { BaseWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { CarriedFile } from '../src/contract/airgap.types.js';
import { MAX_CARRIED_FILE_LENGTH } from '../src/contract/operation-schemas.js';
import type { OperationResult } from '../src/contract/operations.js';

/** At most this many files from one choice: a stick's worth, not a disk's. */
export const MAX_CHOSEN_FILES = 500;

export const OPEN_MANY_OPTIONS: OpenDialogOptions = {
  title: 'Choose license files, responses, requests or receipts',
  properties: ['openFile', 'multiSelections'],
  filters: [
    { name: 'Tessera files', extensions: ['lic', 'json', 'txt'] },
    { name: 'All files', extensions: ['*'] },
  ],
};

/** A chosen file's text, or null when it is not a plain, readable, UTF-8 file within the cap (the core then has nothing to refuse). */
export async function readCarriedFile(path: string): Promise<CarriedFile | null> {
  try {
    if (!(await lstat(path)).isFile()) return null;
    const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    try {
      if (!(await handle.stat()).isFile()) return null;
      const buffer = new Uint8Array(MAX_CARRIED_FILE_LENGTH + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > MAX_CARRIED_FILE_LENGTH) return null;
      return { name: basename(path), text: new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length)) };
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

type Deps = { readonly window: () => BaseWindow | null };

/** `files:choose-many`: the chosen files that could be read (links, FIFOs, oversized and unreadable ones are left out); [] when cancelled. */
export function createManyFilesChooser(deps: Deps & { readonly dialog: Pick<Dialog, 'showOpenDialog'> }): () => Promise<OperationResult<'files:choose-many'>> {
  return async () => {
    const parent = deps.window();
    const chosen = parent === null ? await deps.dialog.showOpenDialog(OPEN_MANY_OPTIONS) : await deps.dialog.showOpenDialog(parent, OPEN_MANY_OPTIONS);
    if (chosen.canceled) return { ok: true, value: [] };
    const files = await Promise.all(chosen.filePaths.slice(0, MAX_CHOSEN_FILES).map(readCarriedFile));
    return { ok: true, value: files.filter((file): file is CarriedFile => file !== null) };
  };
}

/** `files:save`: the save dialog, then the text written where the person chose; `{saved: false}` when cancelled. */
export function createFileSaver(deps: Deps & { readonly dialog: Pick<Dialog, 'showSaveDialog'> }): (file: CarriedFile) => Promise<OperationResult<'files:save'>> {
  return async (file) => {
    const options: SaveDialogOptions = { title: 'Save', defaultPath: basename(file.name), filters: [{ name: 'Tessera files', extensions: ['json', 'lic'] }] };
    const parent = deps.window();
    const chosen = parent === null ? await deps.dialog.showSaveDialog(options) : await deps.dialog.showSaveDialog(parent, options);
    if (chosen.canceled || chosen.filePath === undefined || chosen.filePath === '') return { ok: true, value: { saved: false } };
    try {
      await writeFile(chosen.filePath, file.text, { encoding: 'utf8', mode: 0o600 });
    } catch {
      return { ok: false, code: 'AIRGAP_OUTPUT_UNWRITABLE', message: 'The file could not be written there.' };
    }
    return { ok: true, value: { saved: true } };
  };
}
