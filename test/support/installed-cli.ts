/**
 * A copy of the installed command line, as a vendor ships it: `bin/tessera.js`, the bundle in
 * `dist/cli/`, `package.json` and (linked) `node_modules`, in a folder of its own. The CLI takes
 * that folder as its app folder, so a test can ship a `tessera.config.json` beside it, which the
 * repository itself never holds.
 */
import { copyFileSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface InstalledCli {
  /** The package folder: where the shipped configuration goes. */
  readonly folder: string;
  /** The entry point to run with `node`. */
  readonly bin: string;
  /** Writes the shipped `tessera.config.json` (JSON of `content`, or `content` as is); returns its path. */
  ship(content: unknown): string;
}

/** Copies the built CLI (run the build first: vitest's global set-up does) into `folder`. */
export function installCli(folder: string): InstalledCli {
  mkdirSync(join(folder, 'bin'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(folder, 'package.json'));
  copyFileSync(join(ROOT, 'bin', 'tessera.js'), join(folder, 'bin', 'tessera.js'));
  cpSync(join(ROOT, 'dist', 'cli'), join(folder, 'dist', 'cli'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(folder, 'node_modules'), 'dir');
  return {
    folder,
    bin: join(folder, 'bin', 'tessera.js'),
    ship(content) {
      const path = join(folder, 'tessera.config.json');
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      return path;
    },
  };
}
