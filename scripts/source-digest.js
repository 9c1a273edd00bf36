// A digest of everything the build reads, so that tests can tell whether dist/ was built from
// the sources as they are now. `scripts/build.js` records it in dist/.source-digest.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The folders and files the build compiles or bundles (relative to the repository root). */
const INPUTS = ['src', 'issuer', 'main', 'renderer', 'bin', 'scripts/build.js', 'package.json', 'tsconfig.base.json', 'tsconfig.json'];
const SKIPPED = new Set(['node_modules', 'dist']);

function* files(root, path) {
  const absolute = join(root, path);
  let info;
  try {
    info = statSync(absolute);
  } catch {
    return;
  }
  if (info.isFile()) {
    yield path;
    return;
  }
  for (const name of readdirSync(absolute).sort()) {
    if (SKIPPED.has(name) || name.endsWith('.tsbuildinfo')) continue;
    yield* files(root, join(path, name));
  }
}

/** SHA-256 (hex) over the path and bytes of every build input under `root`. */
export function sourceDigest(root) {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const path of files(root, input)) {
      // Paths in one spelling on every platform, so a digest means the same everywhere.
      hash.update(`${relative(root, join(root, path)).split(sep).join('/')}\0`);
      hash.update(readFileSync(join(root, path)));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

/** Where the build records the digest it was made from. */
export const DIGEST_FILE = join('dist', '.source-digest');
