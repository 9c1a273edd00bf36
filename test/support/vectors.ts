/**
 * Where the shared Keygen test vectors live. The repository and `shared/` are siblings
 * (`<repo>/../shared/keygen-vectors/`), so the path is resolved from this file's location,
 * never from the working directory the test runner was started in. A checkout elsewhere (a git
 * worktree) names the folder in `TESSERA_VECTORS_DIR`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const override = process.env.TESSERA_VECTORS_DIR;

/** `file:` URL of `shared/keygen-vectors/`, with a trailing slash so `new URL(name, VECTORS_DIR)` resolves inside it. */
export const VECTORS_DIR =
  override === undefined || override === '' ? new URL('../../../shared/keygen-vectors/', import.meta.url) : pathToFileURL(`${override.replace(/\/+$/, '')}/`);

/**
 * The exact bytes of `file` in vector directory `dir` (use `''` for the top-level index files).
 * Throws when the file is absent: a missing vector is a broken test setup, not a test result.
 */
export function readVector(dir: string, file: string): Buffer {
  return readFileSync(new URL(dir === '' ? file : `${dir}/${file}`, VECTORS_DIR));
}
