/**
 * The first keychain read of a licensing command (the state's sealing key), started before the
 * licensing core loads, so that loading keytar and opening the keychain's session overlap with
 * loading the rest. Only when the keychain is the store in use: not when secrets are kept in a
 * file (TESSERA_SECRET_STORE=file, or a secrets file in the data folder), and not before anything
 * is installed.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { STATE_KEY_ACCOUNT } from '../licensing/sealed-certificate.js';
import { appDataFolder } from '../platform/app-data.js';
import { secretsFilePath } from './file.store.js';
import { readAhead } from './keychain.store.js';
import { secretServiceName } from './secret-store.js';

/** Platforms whose keychain keytar reaches. */
const KEYCHAIN_PLATFORMS: ReadonlySet<string> = new Set(['linux', 'darwin', 'win32']);

/**
 * Starts the read when the keychain will be asked for the state key; returns whether it did.
 * `start` and `platform` are for tests.
 */
export function readStateKeyAhead(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly platform?: NodeJS.Platform; readonly start?: (service: string, accounts: readonly string[]) => void } = {},
): boolean {
  const platform = options.platform ?? process.platform;
  if (!KEYCHAIN_PLATFORMS.has(platform) || env.TESSERA_SECRET_STORE === 'file') return false;
  const service = secretServiceName(env);
  if (service === null) return false;
  const dataFolder = appDataFolder({ env, platform, home: homedir() });
  // The state store's file (state-store.ts): nothing installed, nothing to read.
  if (!existsSync(join(dataFolder, 'licensing', 'state.json')) || existsSync(secretsFilePath(dataFolder))) return false;
  (options.start ?? readAhead)(service, [STATE_KEY_ACCOUNT]);
  return true;
}
