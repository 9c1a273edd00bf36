/**
 * Removable drives: the mount roots where desktops mount sticks (Linux `/media/$USER`,
 * `/run/media/$USER`; macOS `/Volumes`; Windows drive letters), polled on demand — the console
 * and the app ask every few seconds through `drives:list` — and each drive searched (a few
 * levels deep, links never followed) for license files, responses, requests and receipts.
 * The UI gets an opaque id per drive; only the core maps it back to a path.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import type { DriveView } from '../contract/airgap.types.js';
import { kindByName } from './file-names.js';
import { listFiles } from './list-files.js';

/** The environment variable naming other mount roots (tests, unusual desktops), separated like PATH. */
export const MOUNT_ROOTS_ENV = 'TESSERA_MOUNT_ROOTS';
/** A drive is searched this many folder levels down, for at most this many files: a stick of photos stays cheap. */
const SCAN_DEPTH = 3;
const SCAN_FILES = 5_000;
/** Asking again within this time answers from the last look. */
const MIN_INTERVAL_MS = 1_500;

/** Where drives are mounted on this platform; each entry's sub-folders are drives, except on Windows where the roots are the drives. */
export function defaultMountRoots(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform, user: string): { readonly roots: readonly string[]; readonly rootsAreDrives: boolean } {
  const named = env[MOUNT_ROOTS_ENV];
  if (named !== undefined && named.trim() !== '') return { roots: named.split(delimiter).filter((root) => root !== ''), rootsAreDrives: false };
  if (platform === 'darwin') return { roots: ['/Volumes'], rootsAreDrives: false };
  if (platform === 'win32') {
    // Every letter but the system drive; a letter with nothing mounted is simply not found.
    const system = (env.SystemDrive ?? 'C:').slice(0, 1).toUpperCase();
    const letters = 'DEFGHIJKLMNOPQRSTUVWXYZ'.split('').filter((letter) => letter !== system);
    return { roots: letters.map((letter) => `${letter}:\\`), rootsAreDrives: true };
  }
  return { roots: [`/media/${user}`, `/run/media/${user}`], rootsAreDrives: false };
}

export interface DriveWatcherOptions {
  readonly roots: readonly string[];
  readonly rootsAreDrives?: boolean;
  readonly now?: () => number;
}

/** The drives holding files for Tessera, on demand. */
export interface DriveWatcher {
  /** The drives with something for Tessera on them, newest mounts first. */
  list(): Promise<DriveView[]>;
  /** The mount point of a listed drive, or null (never listed, or gone since). */
  pathOf(id: string): string | null;
}

const idOf = (path: string): string => createHash('sha256').update(path).digest('hex').slice(0, 32);

export function createDriveWatcher(options: DriveWatcherOptions): DriveWatcher {
  const now = options.now ?? Date.now;
  let initial: Set<string> | null = null;
  let last: { readonly at: number; readonly drives: DriveView[] } | null = null;
  let paths = new Map<string, string>();

  async function mounted(): Promise<string[]> {
    const found: string[] = [];
    for (const root of options.roots) {
      if (options.rootsAreDrives === true) {
        if (await isFolder(root)) found.push(root);
        continue;
      }
      let entries;
      try {
        entries = await readdir(root, { withFileTypes: true });
      } catch {
        continue;
      }
      // A symbolic link here is the boot volume (macOS) or something else that is not a stick.
      for (const entry of entries) if (entry.isDirectory() && !entry.name.startsWith('.')) found.push(join(root, entry.name));
    }
    return found.sort();
  }

  async function scan(path: string, fresh: boolean): Promise<DriveView | null> {
    const counts = { licenseFiles: 0, responses: 0, requests: 0, receipts: 0 };
    let files: string[];
    try {
      files = await listFiles(path, { match: (name) => kindByName(name) !== null, maxDepth: SCAN_DEPTH, maxFiles: SCAN_FILES });
    } catch {
      return null;
    }
    for (const file of files) {
      const kind = kindByName(file);
      if (kind === 'certificate') counts.licenseFiles += 1;
      else if (kind === 'response') counts.responses += 1;
      else if (kind === 'request') counts.requests += 1;
      else if (kind === 'receipt') counts.receipts += 1;
    }
    if (counts.licenseFiles + counts.responses + counts.requests + counts.receipts === 0) return null;
    return { id: idOf(path), label: basename(path) || path, location: path, fresh, counts };
  }

  return {
    async list() {
      if (last !== null && now() - last.at < MIN_INTERVAL_MS) return last.drives;
      const current = await mounted();
      // What was mounted at the first look is not "new"; everything after is.
      initial ??= new Set(current);
      const known = initial;
      const drives = (await Promise.all(current.map((path) => scan(path, !known.has(path))))).filter((drive): drive is DriveView => drive !== null);
      drives.sort((a, b) => Number(b.fresh) - Number(a.fresh) || a.location.localeCompare(b.location));
      paths = new Map(drives.map((drive) => [drive.id, drive.location]));
      last = { at: now(), drives };
      return drives;
    },
    pathOf: (id) => paths.get(id) ?? null,
  };
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}
