/**
 * Listing the files of a folder or a stick: recursively, in a stable order, never following a
 * symbolic link (a link to `/` on a stick must not walk the whole disk), skipping hidden
 * folders (`.Trashes`, `.Spotlight-V100`), and bounded in depth and in count.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface ListOptions {
  /** Which file names to keep. */
  readonly match: (name: string) => boolean;
  /** Folder levels below the root to descend; default: unbounded (a folder given by the person). */
  readonly maxDepth?: number;
  /** Stop after this many matching files; default: unbounded. */
  readonly maxFiles?: number;
}

/** The matching files under `root`, sorted. An unreadable root rejects with the filesystem error; unreadable sub-folders are skipped. */
export async function listFiles(root: string, options: ListOptions): Promise<string[]> {
  const found: string[] = [];
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const maxFiles = options.maxFiles ?? Number.POSITIVE_INFINITY;
  const pending: { readonly path: string; readonly depth: number }[] = [{ path: root, depth: 0 }];
  let first = true;
  while (pending.length > 0 && found.length < maxFiles) {
    const { path: folder, depth } = pending.pop() as { path: string; depth: number };
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (first) throw error;
      continue;
    }
    first = false;
    for (const entry of entries) {
      const path = join(folder, entry.name);
      // Dirent types come from lstat: a symbolic link is neither a file nor a folder here.
      if (entry.isDirectory()) {
        if (depth < maxDepth && !entry.name.startsWith('.')) pending.push({ path, depth: depth + 1 });
      } else if (entry.isFile() && options.match(entry.name) && found.length < maxFiles) {
        found.push(path);
      }
    }
  }
  return found.sort();
}
