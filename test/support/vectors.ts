/**
 * Where the Keygen test vectors live: `test/fixtures/keygen-vectors/`, inside the repository.
 * The path is resolved from this file's location, never from the working directory the test
 * runner was started in.
 */
import { readFileSync } from 'node:fs';

/** `file:` URL of the vectors folder, with a trailing slash so `new URL(name, VECTORS_DIR)` resolves inside it. */
export const VECTORS_DIR = new URL('../fixtures/keygen-vectors/', import.meta.url);

/**
 * The exact bytes of `file` in vector directory `dir` (use `''` for the top-level index files).
 * Throws when the file is absent: a missing vector is a broken test setup, not a test result.
 */
export function readVector(dir: string, file: string): Buffer {
  return readFileSync(new URL(dir === '' ? file : `${dir}/${file}`, VECTORS_DIR));
}
