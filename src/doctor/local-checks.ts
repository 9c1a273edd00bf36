/**
 * The doctor's checks of this machine: the vendor configuration's source, the keychain (a
 * round trip under a throwaway account), the data folder (writable, free space) and the
 * licensing state (readable, its version, damaged copies set aside). They change nothing that
 * Tessera keeps: the probe entry and probe file are removed again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DoctorCheck } from '../contract/doctor.js';
import { messageFor } from '../contract/messages.js';
import { LICENSING_FOLDER } from '../licensing/runtime.js';
import { STATE_FILE } from '../licensing/state-store.js';
import { EMPTY_STATE } from '../licensing/state.types.js';
import { errnoOf, fsFailureCode } from '../platform/fs-failure.js';
import { createKeychainStore } from '../vault/keychain.store.js';
import type { SecretStore } from '../vault/secret-store.js';
import { failed, ok, warn, type DoctorOptions } from './doctor.types.js';

const MIB = 1024 * 1024;
/** Below this, a save of the state (certificates included) may not fit. */
const FULL_BELOW_BYTES = 5 * MIB;
const LOW_BELOW_BYTES = 100 * MIB;

/** `EROFS (open /path)`: what the system said, never file contents. */
function fsDetail(error: unknown): string {
  const { syscall, path } = error as { syscall?: unknown; path?: unknown };
  const where = [syscall, path].filter((part) => typeof part === 'string').join(' ');
  return `${errnoOf(error) ?? 'error'}${where === '' ? '' : ` (${where})`}`;
}

/** A file-system error as a failed check with its code and next step; anything else is a bug and rethrown. */
function fsFailed(id: 'data-folder' | 'state', error: unknown, what: string): DoctorCheck {
  const code = fsFailureCode(error);
  if (code === null) throw error;
  return failed(id, code, `${what}: ${messageFor(code).message} ${fsDetail(error)}.`);
}

/** Where the vendor configuration comes from, or why none could be loaded. */
export function checkConfig(options: DoctorOptions): DoctorCheck {
  const { runtime } = options;
  if (runtime === null) {
    const failure = options.configFailure;
    if (failure === undefined) return failed('config', 'CONFIG_INVALID', 'No vendor configuration could be loaded.');
    return failed('config', failure.code, `${failure.message}${failure.detail === undefined ? '' : ` ${failure.detail}`}`);
  }
  const { config, source } = runtime;
  const from =
    source.kind === 'shipped'
      ? `the configuration shipped with the app, ${source.path}${source.apiUrlFrom === null ? '' : ` (its licensing server from ${source.apiUrlFrom.path})`}`
      : source.kind === 'file'
        ? `the file ${source.path}`
        : `the embedded local issuer's (${source.database})`;
  return ok('config', `From ${from}: licensing API ${config.apiUrl}, account ${config.account}${config.product === null ? '' : `, product ${config.product}`}.`);
}

/** Stores, reads back and deletes a random secret under a throwaway account; the secret itself never leaves this function. */
async function roundTrip(store: SecretStore): Promise<{ ok: true; ms: number } | { ok: false; code: 'KEYCHAIN_UNAVAILABLE' | 'KEYCHAIN_TIMEOUT' | 'SECRET_FILE_UNUSABLE'; step: string }> {
  const account = `tessera-doctor-${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(24).toString('base64url');
  const started = Date.now();
  const stored = await store.set(account, secret);
  if (!stored.ok) return { ok: false, code: stored.code, step: 'storing a test entry' };
  try {
    const read = await store.get(account);
    if (!read.ok) return { ok: false, code: read.code, step: 'reading the test entry back' };
    if (read.value !== secret) return { ok: false, code: 'KEYCHAIN_UNAVAILABLE', step: 'reading the test entry back (another value came back)' };
  } finally {
    await store.delete(account);
  }
  return { ok: true, ms: Date.now() - started };
}

/**
 * The keychain: present and unlocked (a set/get/delete round trip, bounded by the keychain's
 * own timeout), and which store is in use. In `auto` mode with no secrets file yet, the
 * keychain itself is probed: a round trip through the `auto` store would create the file.
 */
export async function checkKeychain(options: DoctorOptions): Promise<DoctorCheck> {
  const { runtime } = options;
  if (runtime === null) return warn('keychain', 'Not checked: the vendor configuration (which may choose the store) could not be loaded.', 'Fix the vendor configuration, then run the checks again.');
  const { mode, filePath } = runtime.secretStorage;
  const service = runtime.secrets.service;
  const fileInUse = mode === 'file' || (mode === 'auto' && existsSync(filePath));
  const store = mode === 'auto' && !fileInUse ? (options.keychain ?? ((name: string) => createKeychainStore({ service: name })))(service) : runtime.secrets;
  const where = fileInUse ? `the secrets file ${filePath}` : `the OS keychain (service ${service})`;
  const result = await roundTrip(store);
  if (!result.ok) {
    if (mode === 'auto' && !fileInUse && result.code === 'KEYCHAIN_UNAVAILABLE') {
      return warn(
        'keychain',
        `No OS keychain answered, so secrets will be kept in the file ${filePath} (TESSERA_SECRET_STORE=auto).`,
        'Install and unlock an OS keychain (gnome-keyring, KWallet) to keep secrets there; the file is readable by you only, but not by a keychain.',
        result.code,
      );
    }
    return failed('keychain', result.code, `${where}: ${messageFor(result.code).message} (while ${result.step}).`);
  }
  if (fileInUse) {
    return warn(
      'keychain',
      `Secrets are kept in ${where}, not in an OS keychain (${mode === 'file' ? 'TESSERA_SECRET_STORE=file or the vendor configuration' : 'a secrets file exists from before'}); a test entry was stored, read back and deleted.`,
      'To use an OS keychain instead, install and unlock one (gnome-keyring, KWallet) and set TESSERA_SECRET_STORE=keychain.',
    );
  }
  return ok('keychain', `Secrets are kept in ${where}: unlocked, a test entry was stored, read back and deleted in ${result.ms} ms.`);
}

/** The data folder: exists (or is created, as Tessera would), writable (a probe file), and has room. */
export async function checkDataFolder(options: DoctorOptions): Promise<DoctorCheck> {
  const folder = options.dataFolder;
  let created: boolean;
  try {
    created = (await mkdir(folder, { recursive: true, mode: 0o700 })) !== undefined;
    if (!(await stat(folder)).isDirectory()) return failed('data-folder', 'DATA_FOLDER_UNUSABLE', `${folder} is not a folder.`);
    const probe = join(folder, `.tessera-doctor-${randomBytes(6).toString('hex')}`);
    await writeFile(probe, 'probe\n', { mode: 0o600, flag: 'wx' });
    await rm(probe, { force: true });
  } catch (error) {
    return fsFailed('data-folder', error, folder);
  }
  let free: number;
  try {
    const space = await statfs(folder);
    free = Number(space.bavail) * Number(space.bsize);
  } catch (error) {
    return fsFailed('data-folder', error, folder);
  }
  const room = `${formatBytes(free)} free`;
  const where = `${folder}${created ? ' (created now)' : ''}`;
  if (free < FULL_BELOW_BYTES) return failed('data-folder', 'DISK_FULL', `${where} is writable, but only ${room}.`);
  if (free < LOW_BELOW_BYTES) return warn('data-folder', `${where} is writable; only ${room}.`, 'Free some space on this disk: license files and the state need a few megabytes.', 'DISK_FULL');
  return ok('data-folder', `${where} is writable; ${room}.`);
}

/** `1.5 GiB`, `20 MiB`, `512 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
}

/**
 * The licensing state (`<data>/licensing/state.json`): readable, its version, how many licenses
 * it holds, and damaged copies set aside beside it (`state.json.corrupt-*`). Reads only: a
 * damaged file is reported, never moved.
 */
export async function checkState(options: DoctorOptions): Promise<DoctorCheck> {
  const folder = join(options.dataFolder, LICENSING_FOLDER);
  const file = join(folder, STATE_FILE);
  let setAside: string[] = [];
  try {
    setAside = (await readdir(folder)).filter((name) => name.startsWith(`${STATE_FILE}.corrupt-`)).sort();
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') return fsFailed('state', error, folder);
  }
  let text: string | null;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') return fsFailed('state', error, file);
    text = null;
  }
  let found: string;
  if (text === null) {
    found = 'No state yet: nothing is installed on this machine.';
  } else {
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch {
      return failed('state', 'STATE_UNREADABLE', `${file} is not valid JSON (${text.length} characters): Tessera will set it aside on its next start.`);
    }
    const { version, licenses } = (typeof state === 'object' && state !== null ? state : {}) as { version?: unknown; licenses?: unknown };
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || !Array.isArray(licenses)) {
      return failed('state', 'STATE_UNREADABLE', `${file} is not a Tessera state (no version or licenses): Tessera will set it aside on its next start.`);
    }
    if (version > EMPTY_STATE.version) {
      return failed('state', 'STATE_TOO_NEW', `${file} is version ${version}; this Tessera reads version ${EMPTY_STATE.version}.`);
    }
    found = `${file}: version ${version}, ${licenses.length} license${licenses.length === 1 ? '' : 's'} installed.`;
  }
  if (setAside.length > 0) {
    const names = setAside.slice(0, 3).join(', ') + (setAside.length > 3 ? `, and ${setAside.length - 3} more` : '');
    return warn(
      'state',
      `${found} ${setAside.length} damaged state file${setAside.length === 1 ? ' was' : 's were'} set aside in ${folder}: ${names}.`,
      'They are copies Tessera could not read; once your licenses are back (import or activate again), send them to your vendor or delete them.',
      'STATE_UNREADABLE',
    );
  }
  return ok('state', found);
}
