/**
 * Atomic file replacement: write a temporary file beside the target, flush it to disk, rename it
 * over the target, then flush the folder. A crash at any instant leaves either the old file or
 * the new one, never a mix; at worst a temporary file is left behind, which
 * `removeStaleTemporaries` deletes later.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporary files this process is writing right now: never stale, whatever their name says. */
const inFlight = new Set<string>();

/**
 * `<target>.<pid>.<12 hex>.tmp`, in the target's folder: the rename stays on one file system
 * (so it is atomic), and a leftover names the process that wrote it.
 */
function temporaryPathFor(target: string): string {
  return join(dirname(target), `${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Flushes a folder's entries (the rename) to disk. POSIX only: Windows cannot open a folder as a
 * file, and NTFS journals the rename itself. File systems that cannot sync folders are skipped.
 */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch (error) {
    if (errorCode(error) !== 'EINVAL' && errorCode(error) !== 'ENOTSUP') throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Renames over the target. Windows refuses while another process (an antivirus scan, a backup)
 * briefly holds the target open, so it retries there a few times before giving up.
 */
async function renameOver(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const busy = ['EPERM', 'EACCES', 'EBUSY'].includes(errorCode(error) ?? '');
      if (process.platform !== 'win32' || !busy || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }
}

/**
 * Replaces `path` with `data` atomically, the new file readable and writable by its owner only
 * (`mode`, default 0600). Throws on I/O errors (disk full, permissions), leaving `path` as it was.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const temporary = temporaryPathFor(path);
  inFlight.add(temporary);
  try {
    // 'wx': a fresh file, never one that another writer or an attacker prepared.
    const handle = await open(temporary, 'wx', mode);
    try {
      // The creation mode is filtered by the umask; set it exactly.
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameOver(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  } finally {
    inFlight.delete(temporary);
  }
  await syncFolder(dirname(path));
}

/** Whether a process with this id exists (EPERM: it exists but belongs to someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Deletes temporary files that an interrupted `writeFileAtomic(path, …)` left behind: those of
 * processes that no longer exist, and this process's own that are not being written. Files of
 * other live processes are kept (they may be mid-write). Returns the names removed.
 */
export async function removeStaleTemporaries(path: string): Promise<string[]> {
  const folder = dirname(path);
  const pattern = new RegExp(`^${escapeRegExp(basename(path))}\\.([1-9][0-9]{0,9})\\.[0-9a-f]{12}\\.tmp$`);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (match === null) continue;
    const candidate = join(folder, name);
    if (inFlight.has(candidate)) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && processExists(pid)) continue;
    try {
      await unlink(candidate);
      removed.push(name);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }
  return removed;
}
