/**
 * Finds and runs the Electron app for `tessera start`. The `electron` package exports the path
 * of its binary when the binary was downloaded at install time, and throws otherwise (offline
 * installs, CI): then `start` offers the web console instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** Whether the Electron binary and the compiled app are both here. */
export function electronApp(resolveElectron: () => unknown = () => createRequire(import.meta.url)('electron')): ElectronApp {
  let binary: unknown;
  try {
    binary = resolveElectron();
  } catch {
    return { ok: false, reason: 'the Electron binary is not installed (its download is not available on this machine)' };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { ok: false, reason: 'the Electron binary is not installed' };
  const main = mainEntry();
  if (main === null) return { ok: false, reason: 'the app is not built (run "npm run build")' };
  return { ok: true, binary, main };
}

/** Starts the app; it finds the vendor configuration (or the embedded issuer's) the same way the CLI does. */
export function runElectron(app: { readonly binary: string; readonly main: string }, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(app.binary, [app.main], { stdio: 'inherit', env });
}
