/**
 * Where Tessera keeps its data: `TESSERA_HOME` when set, else the platform's per-user
 * application data folder (Windows `%APPDATA%\Tessera`, macOS `~/Library/Application
 * Support/Tessera`, elsewhere `$XDG_DATA_HOME/tessera` or `~/.local/share/tessera`).
 */
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';

/** What the location depends on; injected by tests. */
export interface AppDataInputs {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly home: string;
}

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** The data folder (not created here). */
export function appDataFolder(inputs: AppDataInputs = { env: process.env, platform: process.platform, home: homedir() }): string {
  const { env, platform, home } = inputs;
  if (nonEmpty(env.TESSERA_HOME)) return env.TESSERA_HOME;
  if (platform === 'win32') return win32.join(nonEmpty(env.APPDATA) ? env.APPDATA : win32.join(home, 'AppData', 'Roaming'), 'Tessera');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Tessera');
  return join(nonEmpty(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(home, '.local', 'share'), 'tessera');
}
