/**
 * Reading a file that came on a stick: refuse what is not a plain file before opening it
 * (lstat: a symbolic link, a FIFO, a device, a folder), open it without following links and
 * without blocking (O_NOFOLLOW | O_NONBLOCK: a path swapped for a link or a FIFO after the lstat
 * still cannot redirect or hang the read), check again on the open descriptor, read at most the
 * cap plus one byte, and decode strict UTF-8. Synchronous: the worker threads call it in a loop.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';

/** Why a file was not read. */
export type UnreadableReason = 'AIRGAP_FILE_NOT_REGULAR' | 'AIRGAP_FILE_TOO_LARGE' | 'AIRGAP_FILE_UNREADABLE';

export type ReadOutcome = { readonly ok: true; readonly text: string; readonly bytes: Buffer } | { readonly ok: false; readonly code: UnreadableReason };

const FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * The file's text, or why not: AIRGAP_FILE_NOT_REGULAR (link, FIFO, device, folder),
 * AIRGAP_FILE_TOO_LARGE (over `maxBytes`), AIRGAP_FILE_UNREADABLE (missing, no permission,
 * not UTF-8). Never throws.
 */
export function readUntrustedFile(path: string, maxBytes: number): ReadOutcome {
  let size: number;
  try {
    const entry = lstatSync(path);
    if (!entry.isFile()) return { ok: false, code: 'AIRGAP_FILE_NOT_REGULAR' };
    if (entry.size > maxBytes) return { ok: false, code: 'AIRGAP_FILE_TOO_LARGE' };
    size = entry.size;
  } catch {
    return { ok: false, code: 'AIRGAP_FILE_UNREADABLE' };
  }
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (error) {
    // ELOOP: the path became a symbolic link after the lstat.
    return { ok: false, code: (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'AIRGAP_FILE_NOT_REGULAR' : 'AIRGAP_FILE_UNREADABLE' };
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return { ok: false, code: 'AIRGAP_FILE_NOT_REGULAR' };
    // Room for one byte more than the file had: a file that grows while it is read is noticed.
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(size, opened.size)) + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > maxBytes) return { ok: false, code: 'AIRGAP_FILE_TOO_LARGE' };
    if (length === buffer.length) return { ok: false, code: 'AIRGAP_FILE_UNREADABLE' };
    const bytes = buffer.subarray(0, length);
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), bytes };
  } catch {
    return { ok: false, code: 'AIRGAP_FILE_UNREADABLE' };
  } finally {
    closeSync(fd);
  }
}
