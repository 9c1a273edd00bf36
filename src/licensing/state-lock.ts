/**
 * One lock per state folder, shared by every Tessera process on the machine (the CLI, the
 * agent, the desktop app): a file created with O_EXCL, holding the owner's process id, host
 * and a random token. A lock whose process is gone (a crash, kill -9) or that is older than any
 * change can take is stale and taken over. Changes hold it for milliseconds.
 *
 * Two processes breaking the same stale lock at the same instant could both proceed; the
 * window is the few microseconds between reading the stale lock and removing it, and each
 * change is still atomic on its own (the state file is replaced by rename).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { errnoOf, fsFailure } from '../platform/fs-failure.js';

export const LOCK_FILE = 'state.lock';
/** How long a process waits for another one's change before giving up (STATE_BUSY). */
export const LOCK_WAIT_MS = 10_000;
/** No change holds the lock this long: an older lock is a leftover. */
export const LOCK_STALE_MS = 60_000;

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly at: number;
  readonly token: string;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}

function parseOwner(text: string): Owner | null {
  try {
    const value = JSON.parse(text) as Partial<Owner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.at === 'number' && typeof value.token === 'string') return value as Owner;
  } catch {
    // A lock file cut short by a crash between creation and write: judged by its age below.
  }
  return null;
}

/** Whether the lock at `path` is a leftover; false when it vanished meanwhile (then simply retry). */
async function isStale(path: string, now: number): Promise<boolean> {
  let text: string;
  let modified: number;
  try {
    [text, modified] = await Promise.all([readFile(path, 'utf8'), stat(path).then((info) => info.mtimeMs)]);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw error;
  }
  const owner = parseOwner(text);
  if (owner === null) return now - modified > LOCK_STALE_MS / 10;
  if (owner.host === hostname() && owner.pid !== process.pid && !processExists(owner.pid)) return true;
  return now - owner.at > LOCK_STALE_MS;
}

/**
 * Runs `task` holding the folder's lock. Fails with STATE_BUSY when another process holds it
 * longer than `waitMs`, or with a file-system code when the lock cannot be created (a read-only
 * or full disk); the task's own result is returned as it is.
 */
export async function withStateLock<T>(folder: string, task: () => Promise<Result<T>>, waitMs = LOCK_WAIT_MS): Promise<Result<T>> {
  const path = join(folder, LOCK_FILE);
  const token = randomBytes(12).toString('hex');
  const started = Date.now();
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    return fsFailure(error);
  }
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), token } satisfies Owner));
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') return fsFailure(error);
    }
    if (await isStale(path, Date.now())) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() - started >= waitMs) return fail('STATE_BUSY');
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, 5 + attempt * 5)));
  }
  try {
    return await task();
  } finally {
    // Only our own lock: after a takeover the file may be someone else's.
    const current = await readFile(path, 'utf8').catch(() => '');
    if (parseOwner(current)?.token === token) await unlink(path).catch(() => undefined);
  }
}
