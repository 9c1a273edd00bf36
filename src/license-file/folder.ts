import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { LicenseFileCode } from '../contract/codes.js';
import type { PinnedKey } from './public-key.js';
import { MAX_CERTIFICATE_BYTES, type VerifiedLicenseFile, type VerifyOptions } from './types.js';
import { verifyLicenseFile } from './verify.js';

/** One file's outcome in a folder scan. */
export type FolderEntry =
  | { readonly path: string; readonly ok: true; readonly value: VerifiedLicenseFile | null }
  | { readonly path: string; readonly ok: false; readonly code: LicenseFileCode | 'FILE_UNREADABLE' };

export interface FolderSummary {
  readonly total: number;
  readonly valid: number;
  readonly rejected: number;
  /** Rejections counted by code. */
  readonly byCode: Readonly<Partial<Record<LicenseFileCode | 'FILE_UNREADABLE', number>>>;
  readonly entries: readonly FolderEntry[];
}

export interface FolderOptions extends Omit<VerifyOptions, 'licenseKey'> {
  /** License key for a given file (encrypted files); default: none. */
  readonly licenseKeyFor?: ((path: string) => string | null | undefined) | undefined;
  /** Which file names to verify; default: `.lic` files. */
  readonly match?: ((name: string) => boolean) | undefined;
  /** Called after each file, for progress on long scans. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Keep each decoded license in the entries; default true (false saves memory on huge scans). */
  readonly keepValues?: boolean | undefined;
}

async function listFiles(root: string, match: (name: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const directory = pending.pop() as string;
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile() && match(entry.name)) found.push(path);
    }
  }
  return found.sort();
}

/**
 * Reads one file whole, refusing anything over the size cap before reading it (a multi-gigabyte
 * file on a stick must not be read into memory). Synchronous on purpose: verification is
 * CPU-bound and synchronous, and one open/fstat/read/close costs less than a promise round trip.
 */
function readCapped(path: string): Buffer | 'FILE_UNREADABLE' | 'LICENSE_FILE_TOO_LARGE' {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size > MAX_CERTIFICATE_BYTES) return 'LICENSE_FILE_TOO_LARGE';
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const read = readSync(fd, bytes, filled, size - filled, null);
      if (read === 0) break;
      filled += read;
    }
    return filled === size ? bytes : bytes.subarray(0, filled);
  } catch {
    return 'FILE_UNREADABLE';
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

const YIELD_EVERY = 256;

/**
 * Verifies every license/machine file under `root` (recursively) with one pinned key, yielding
 * to the event loop every few hundred files so a long scan keeps a server or UI responsive.
 * Never throws for bad files; an unreadable root rejects with the filesystem error.
 */
export async function verifyFolder(root: string, publicKey: PinnedKey, options: FolderOptions): Promise<FolderSummary> {
  const match = options.match ?? ((name: string) => name.toLowerCase().endsWith('.lic'));
  const paths = await listFiles(root, match);
  const entries: FolderEntry[] = [];
  const byCode: Partial<Record<LicenseFileCode | 'FILE_UNREADABLE', number>> = {};
  const keep = options.keepValues ?? true;
  let valid = 0;
  for (let index = 0; index < paths.length; index += 1) {
    const path = paths[index] as string;
    if (index > 0 && index % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    const bytes = readCapped(path);
    const shown = relative(root, path);
    if (typeof bytes === 'string') {
      byCode[bytes] = (byCode[bytes] ?? 0) + 1;
      entries.push({ path: shown, ok: false, code: bytes });
    } else {
      const result = verifyLicenseFile(bytes, publicKey, { ...options, licenseKey: options.licenseKeyFor?.(path) ?? null });
      if (result.ok) {
        valid += 1;
        entries.push({ path: shown, ok: true, value: keep ? result.value : null });
      } else {
        byCode[result.code] = (byCode[result.code] ?? 0) + 1;
        entries.push({ path: shown, ok: false, code: result.code });
      }
    }
    options.onProgress?.(index + 1, paths.length);
  }
  return { total: paths.length, valid, rejected: paths.length - valid, byCode, entries };
}
