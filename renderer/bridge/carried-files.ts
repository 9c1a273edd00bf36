/**
 * Files the person drops or picks for the air-gapped screens (license files, responses,
 * requests, receipts), and saving what the core made (a request, a response, a receipt), in
 * the web console: a hidden multiple file input, and a download of the text. The desktop app's
 * preload has its own (native dialogs, in main/carried-files.ts).
 */
import type { CarriedFile, OperationResult } from '../contract.js';
import type { ReadableFile } from './file-reader.js';

/** The core refuses larger files (a response carries a machine file of 1 MiB at most). */
export const MAX_CARRIED_FILE_BYTES = 1024 * 1024 + 64 * 1024;
/** At most this many files from one drop or choice. */
export const MAX_CARRIED_FILES = 500;
/** What the picker offers. */
export const CARRIED_FILE_ACCEPT = '.lic,.json,.txt,application/json,application/octet-stream';

/** One dropped or picked file: its text, or why it was not read (too large, unreadable). */
export type ReadCarried = { readonly ok: true; readonly file: CarriedFile } | { readonly ok: false; readonly name: string; readonly code: 'AIRGAP_FILE_TOO_LARGE' | 'AIRGAP_FILE_UNREADABLE' };

/** Reads each file, refusing one over the cap before reading it. Never rejects. */
export async function readCarriedFiles(files: readonly ReadableFile[]): Promise<ReadCarried[]> {
  return Promise.all(
    files.slice(0, MAX_CARRIED_FILES).map(async (file): Promise<ReadCarried> => {
      if (file.size > MAX_CARRIED_FILE_BYTES) return { ok: false, name: file.name, code: 'AIRGAP_FILE_TOO_LARGE' };
      try {
        const text = await file.text();
        if (text.length > MAX_CARRIED_FILE_BYTES) return { ok: false, name: file.name, code: 'AIRGAP_FILE_TOO_LARGE' };
        return { ok: true, file: { name: file.name, text } };
      } catch {
        return { ok: false, name: file.name, code: 'AIRGAP_FILE_UNREADABLE' };
      }
    }),
  );
}

/** `files.chooseMany()` in the browser: the picker with several files allowed; [] when cancelled. Unreadable or oversized files are left out. */
export function chooseFilesInBrowser(): Promise<OperationResult<'files:choose-many'>> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.accept = CARRIED_FILE_ACCEPT;
    input.hidden = true;
    const finish = (files: readonly CarriedFile[]): void => {
      input.remove();
      resolve({ ok: true, value: files });
    };
    input.addEventListener(
      'change',
      () => {
        void readCarriedFiles(Array.from(input.files ?? [])).then((read) => finish(read.flatMap((entry) => (entry.ok ? [entry.file] : []))));
      },
      { once: true },
    );
    input.addEventListener('cancel', () => finish([]), { once: true });
    document.body.append(input);
    input.click();
  });
}

/** `files.save(file)` in the browser: a download of the text under the file's name. */
export async function saveInBrowser(file: CarriedFile): Promise<OperationResult<'files:save'>> {
  const url = URL.createObjectURL(new Blob([file.text], { type: 'application/json' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = file.name;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download has started from the URL; it can go once the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { ok: true, value: { saved: true } };
}
