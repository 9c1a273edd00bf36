/**
 * File-system errors as failure codes with a next step: what a person can act on (a read-only
 * or foreign folder, a full disk, a file where a folder should be) instead of a stack trace.
 */
import type { Failure } from '../contract/codes.js';
import { fail } from '../contract/messages.js';

/** The codes a file-system error maps to. */
export type FsFailureCode = 'DATA_FOLDER_READ_ONLY' | 'DISK_FULL' | 'DATA_FOLDER_UNUSABLE';

const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);
const FULL = new Set(['ENOSPC', 'EDQUOT']);
const UNUSABLE = new Set(['ENOTDIR', 'EISDIR', 'EIO', 'ELOOP', 'ENAMETOOLONG', 'EEXIST', 'EMFILE', 'ENFILE', 'EBUSY', 'ENOENT', 'EXDEV', 'ENXIO']);

/** The Node.js error code of `error` (`ENOSPC`, …), or undefined. */
export function errnoOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** The failure code for a file-system error, or null when `error` is not one (a bug then: rethrow it). */
export function fsFailureCode(error: unknown): FsFailureCode | null {
  const code = errnoOf(error);
  if (code === undefined) return null;
  if (READ_ONLY.has(code)) return 'DATA_FOLDER_READ_ONLY';
  if (FULL.has(code)) return 'DISK_FULL';
  if (UNUSABLE.has(code)) return 'DATA_FOLDER_UNUSABLE';
  return null;
}

/** `fsFailureCode` as a failure value; rethrows what is not a file-system error. */
export function fsFailure(error: unknown): Failure<FsFailureCode> {
  const code = fsFailureCode(error);
  if (code === null) throw error;
  return fail(code);
}
