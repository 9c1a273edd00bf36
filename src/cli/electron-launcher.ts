/**
 * Finds and runs the Electron app for `tessera start`. The `electron` package names its binary
 * in `path.txt` once the binary was downloaded at install time; offline installs (and CI) have
 * no binary, and then `start` offers the web console instead. The package's own entry point is
 * not required here: it would try to download the binary on the spot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app, ready to run; or why it cannot run here. */
export type ElectronApp = { readonly ok: true; readonly binary: string; readonly main: string } | { readonly ok: false; readonly reason: string };

const here = dirname(fileURLToPath(import.meta.url));

/** The compiled main process: dist/main/main.js, from src/cli, dist/src/cli or dist/cli[/chunks]. */
function mainEntry(): string | null {
  const candidates = [join(here, '..', '..', 'dist', 'main', 'main.js'), join(here, '..', 'main', 'main.js'), join(here, '..', '..', 'main', 'main.js')];
  return candidates.find((file) => existsSync(file)) ?? null;
}

/** Names the Electron binary to run instead of the installed one (a custom build, or a test's stand-in). */
export const ELECTRON_BINARY_ENV = 'TESSERA_ELECTRON_BINARY';

/**
 * The Electron binary: `TESSERA_ELECTRON_BINARY` when set, else the installed one, read the
 * way the `electron` package reads it; null when there is none.
 */
function installedElectron(env: Readonly<Record<string, string | undefined>>): string | null {
  const named = env[ELECTRON_BINARY_ENV];
  if (named !== undefined && named !== '') return named;
  let folder: string;
  try {
    folder = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(folder, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = readFileSync(pathFile, 'utf8').trim();
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  return override !== undefined && override !== '' ? join(override, executable) : join(folder, 'dist', executable);
}

/** Where the binary and the compiled app are looked for; tests replace either. */
export interface ElectronLocator {
  readonly binary: (env: Readonly<Record<string, string | undefined>>) => string | null;
  readonly main: () => string | null;
}

const INSTALLED: ElectronLocator = { binary: installedElectron, main: mainEntry };

/** Whether the Electron binary and the compiled app are both here. */
export function electronApp(env: Readonly<Record<string, string | undefined>>, locate: Partial<ElectronLocator> = {}): ElectronApp {
  const binary = (locate.binary ?? INSTALLED.binary)(env);
  if (binary === null || !existsSync(binary)) return { ok: false, reason: 'the Electron binary is not installed (it is downloaded when npm installs electron, and that download was not possible)' };
  const main = (locate.main ?? INSTALLED.main)();
  if (main === null) return { ok: false, reason: 'the app is not built (run "npm run build")' };
  return { ok: true, binary, main };
}

/** Starts the app; it finds the vendor configuration (or the embedded issuer's) the same way the CLI does. */
export function runElectron(app: { readonly binary: string; readonly main: string }, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(app.binary, [app.main], { stdio: 'inherit', env });
}
