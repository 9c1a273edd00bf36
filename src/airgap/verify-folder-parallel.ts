/**
 * `tessera verify FOLDER` on every core: the folder's license and machine files are verified
 * in chunks (the engine's full pipeline in each) by the calling thread and worker threads, one
 * fewer than the cores; the verdicts come back in file order as the single-thread `verifyFolder`
 * gives them (without the decoded licenses).
 */
import type { LicenseFileCode } from '../contract/codes.js';
import type { FolderEntry, FolderSummary } from '../license-file/folder.js';
import type { VerifyOptions } from '../license-file/types.js';
import { listFiles } from './list-files.js';
import { createFilePool, mapInChunks, type FilePool } from './worker-pool.js';

export interface ParallelFolderOptions extends Omit<VerifyOptions, 'licenseKey'> {
  /** One license key for every encrypted file; default none. */
  readonly licenseKey?: string | null;
  /** Per-file license keys, by absolute path (win over `licenseKey`). */
  readonly licenseKeys?: Readonly<Record<string, string>>;
  readonly match?: (name: string) => boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /** Worker threads; default one per core. */
  readonly threads?: number;
  /** A pool to use instead of making one (it is not closed). */
  readonly pool?: FilePool;
}

/** Below this many files, starting workers costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 64;
/** Files per message to a worker: large enough that messaging is noise, small enough to balance. */
const CHUNK = 200;

/**
 * Verifies every `.lic` file under `root` with the pinned `publicKey` (hex or PEM text, checked
 * by the caller). Never throws for bad files; an unreadable root rejects with the filesystem error.
 */
export async function verifyFolderParallel(root: string, publicKey: string, options: ParallelFolderOptions): Promise<FolderSummary> {
  const match = options.match ?? ((name: string) => name.toLowerCase().endsWith('.lic'));
  // The workers start while the folder is listed: their start-up is not added to the scan's.
  const starting = options.pool ?? createFilePool({ ...(options.threads === undefined ? {} : { threads: options.threads }), preload: ['verify-certificates'], caller: true });
  let paths: string[];
  try {
    paths = await listFiles(root, { match });
  } catch (error) {
    if (options.pool === undefined) await starting.close();
    throw error;
  }
  const own = options.pool === undefined;
  let pool = starting;
  if (own && paths.length < MIN_FILES_FOR_WORKERS && starting.threads > 1) {
    await starting.close();
    pool = createFilePool({ threads: 1 });
  }
  try {
    const { licenseKeys, onProgress, pool: _pool, threads: _threads, match: _match, licenseKey, ...verify } = options;
    // Each chunk carries only its own files' keys, not the whole map.
    const keysFor = (chunk: readonly string[]): Record<string, string> | undefined => {
      if (licenseKeys === undefined) return undefined;
      const subset: Record<string, string> = {};
      for (const path of chunk) if (licenseKeys[path] !== undefined) subset[path] = licenseKeys[path] as string;
      return subset;
    };
    const verdicts = await mapInChunks(
      pool,
      'verify-certificates',
      paths,
      pool.threads === 1 ? 256 : Math.max(16, Math.min(CHUNK, Math.ceil(paths.length / (pool.threads * 4)))),
      (chunk) => ({ root, paths: chunk, publicKey, options: { ...verify, licenseKey: licenseKey ?? null }, ...(licenseKeys === undefined ? {} : { licenseKeys: keysFor(chunk) }) }),
      onProgress === undefined ? undefined : (done) => onProgress(done, paths.length),
    );
    const byCode: Partial<Record<LicenseFileCode | 'FILE_UNREADABLE', number>> = {};
    let valid = 0;
    const entries: FolderEntry[] = verdicts.map((verdict) => {
      if (verdict.ok) {
        valid += 1;
        return { path: verdict.path, ok: true, value: null };
      }
      byCode[verdict.code] = (byCode[verdict.code] ?? 0) + 1;
      return verdict;
    });
    return { total: paths.length, valid, rejected: paths.length - valid, byCode, entries };
  } finally {
    if (own) await pool.close();
  }
}
