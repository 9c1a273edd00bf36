/**
 * The native dialogs: `files:choose` (the open dialog picks the file, main reads it; the
 * renderer never sends a path, so it cannot make main read an arbitrary file), and the error
 * box shown when Tessera cannot start.
 */
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { BaseWindow, Dialog, OpenDialogOptions } from 'electron';
import type { Failure } from '../src/contract/codes.js';
import { fail, messageFor } from '../src/contract/messages.js';
import { MAX_CERTIFICATE_LENGTH } from '../src/contract/operation-schemas.js';
import type { OperationResult } from '../src/contract/operations.js';

/** The largest license file read (1 MiB): the core refuses larger certificates anyway (LICENSE_FILE_TOO_LARGE). */
export const MAX_LICENSE_FILE_BYTES = MAX_CERTIFICATE_LENGTH;

/** What the open dialog offers. */
export const OPEN_DIALOG_OPTIONS: OpenDialogOptions = {
  title: 'Choose a license file',
  properties: ['openFile'],
  filters: [
    { name: 'License files', extensions: ['lic', 'txt'] },
    { name: 'All files', extensions: ['*'] },
  ],
};

/**
 * Reads the license file at `path` (a path from the OS dialog, never from the renderer).
 * Returns LICENSE_FILE_TOO_LARGE above 1 MiB, and LICENSE_FILE_MALFORMED for anything but a
 * regular file (folder, device, symbolic link), a file that cannot be read, or text that is not UTF-8.
 */
export async function readLicenseFile(path: string): Promise<OperationResult<'files:choose'>> {
  try {
    // lstat: a symbolic link is refused rather than followed to somewhere else.
    const entry = await lstat(path);
    if (!entry.isFile()) return fail('LICENSE_FILE_MALFORMED');
    if (entry.size > MAX_LICENSE_FILE_BYTES) return fail('LICENSE_FILE_TOO_LARGE');
    // O_NOFOLLOW and a bounded read: a file swapped or grown after the lstat is still judged.
    const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    try {
      if (!(await handle.stat()).isFile()) return fail('LICENSE_FILE_MALFORMED');
      const buffer = new Uint8Array(MAX_LICENSE_FILE_BYTES + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > MAX_LICENSE_FILE_BYTES) return fail('LICENSE_FILE_TOO_LARGE');
      const certificate = new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
      return { ok: true, value: { name: basename(path), certificate } };
    } finally {
      await handle.close();
    }
  } catch {
    // Unreadable (permissions, vanished) or not UTF-8: not a license file this app can use.
    return fail('LICENSE_FILE_MALFORMED');
  }
}

/**
 * The `files:choose` operation: shows the open dialog over `window` (app-modal when there is
 * one) and reads the chosen file. Cancelled → `{ ok: true, value: null }`; failures as in
 * `readLicenseFile`.
 */
export function createFileChooser(deps: {
  readonly dialog: Pick<Dialog, 'showOpenDialog'>;
  readonly window: () => BaseWindow | null;
}): () => Promise<OperationResult<'files:choose'>> {
  return async () => {
    const parent = deps.window();
    const chosen = parent === null ? await deps.dialog.showOpenDialog(OPEN_DIALOG_OPTIONS) : await deps.dialog.showOpenDialog(parent, OPEN_DIALOG_OPTIONS);
    const [path] = chosen.filePaths;
    if (chosen.canceled || path === undefined) return { ok: true, value: null };
    return readLicenseFile(path);
  };
}

/**
 * The text of the error box shown when Tessera cannot start (no usable vendor configuration):
 * the code's one title, its sentence, what was wrong where (a config failure's `detail`), and
 * the next step.
 */
export function startupFailureText(failure: Failure): { readonly title: string; readonly content: string } {
  const text = messageFor(failure.code);
  const detail = 'detail' in failure && typeof failure.detail === 'string' ? failure.detail : null;
  return { title: text.title, content: [text.message, detail, text.action].filter((line) => line !== null).join('\n\n') };
}

/** Shows `startupFailureText(failure)` in a native error box (usable before any window exists). */
export function showStartupFailure(dialog: Pick<Dialog, 'showErrorBox'>, failure: Failure): void {
  const { title, content } = startupFailureText(failure);
  dialog.showErrorBox(title, content);
}
