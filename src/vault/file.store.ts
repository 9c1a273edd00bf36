/**
 * Secrets in a file, for machines with no OS keychain (headless servers, containers, air-gapped
 * boxes): `<dataFolder>/secrets/secrets.json`, readable by the owner only (file 0600, folder
 * 0700), replaced atomically. It protects against other users of the machine, not against
 * anyone who can act as this user or read their backups: callers warn about that on every start.
 */
import { lstat, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../contract/messages.js';
import { writeFileAtomic } from '../licensing/atomic-file.js';
import { assertAccount, assertSecret, assertService, type SecretResult, type SecretStore } from './secret-store.js';

/** The folder (under the data folder) and the file name. */
export const SECRETS_FOLDER = 'secrets';
export const SECRETS_FILE = 'secrets.json';
/** A file this large is not ours: secrets are a few hundred bytes each. */
const MAX_FILE_BYTES = 1024 * 1024;
/** POSIX modes mean nothing on Windows, where the profile folder's ACL protects the file. */
const POSIX = process.platform !== 'win32';

/** The file: `{ version: 1, services: { <service>: { <account>: <secret> } } }`, nothing else. */
interface SecretsFile {
  readonly version: 1;
  readonly services: Record<string, Record<string, string>>;
}

/** Whether `value` is a record of non-empty strings keyed by non-empty names (plain data, no prototype tricks). */
function isStringMap(value: unknown, isValue: (entry: unknown) => boolean): value is Record<string, never> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(([key, entry]) => key !== '' && isValue(entry));
}

/**
 * Reads the parsed JSON as the file's shape, or null. A hand-written check rather than a schema
 * library: every command reads this file, and loading one costs more than the command's own work.
 */
function asSecretsFile(value: unknown): SecretsFile | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value).sort();
  if (keys.length !== 2 || keys[0] !== 'services' || keys[1] !== 'version') return null;
  const { version, services } = value as { version: unknown; services: unknown };
  const isSecret = (entry: unknown): boolean => typeof entry === 'string' && entry !== '';
  if (version !== 1 || !isStringMap(services, (accounts) => isStringMap(accounts, isSecret))) return null;
  return { version, services: services as Record<string, Record<string, string>> };
}

/** Writes waiting on each file, shared by every store of this process that uses it. */
const queues = new Map<string, Promise<unknown>>();

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** The path of the secrets file for a data folder. */
export function secretsFilePath(dataFolder: string): string {
  return join(dataFolder, SECRETS_FOLDER, SECRETS_FILE);
}

/**
 * The file store. Every call reads the file afresh (another Tessera process may have written
 * it); writes from this process to one file are serialised, so that two `set`s never lose one
 * another.
 * Failures (unreadable, damaged, a symlink, a link to another user's file) are
 * `SECRET_FILE_UNUSABLE`, and the file is then left exactly as it was.
 */
export class FileSecretStore implements SecretStore {
  readonly service: string;
  readonly path: string;
  readonly #folder: string;

  constructor(options: { readonly dataFolder: string; readonly service: string }) {
    assertService(options.service);
    this.service = options.service;
    this.#folder = join(options.dataFolder, SECRETS_FOLDER);
    this.path = secretsFilePath(options.dataFolder);
  }

  /** Stores `secret` for `account`. Fails with `SECRET_FILE_UNUSABLE`. */
  async set(account: string, secret: string): Promise<SecretResult<void>> {
    assertAccount(account);
    assertSecret(secret);
    return this.#update((entries) => {
      entries[account] = secret;
      return undefined;
    });
  }

  /** The secret for `account`, or null. Fails with `SECRET_FILE_UNUSABLE`. */
  async get(account: string): Promise<SecretResult<string | null>> {
    assertAccount(account);
    const read = await this.#read();
    if (!read.ok) return read;
    return { ok: true, value: read.value.services[this.service]?.[account] ?? null };
  }

  /** Removes the secret of `account`: true when there was one. Fails with `SECRET_FILE_UNUSABLE`. */
  async delete(account: string): Promise<SecretResult<boolean>> {
    assertAccount(account);
    return this.#update((entries) => {
      if (!Object.hasOwn(entries, account)) return false;
      delete entries[account];
      return true;
    });
  }

  /** The account names holding a secret under this service, sorted. Fails with `SECRET_FILE_UNUSABLE`. */
  async list(): Promise<SecretResult<string[]>> {
    const read = await this.#read();
    if (!read.ok) return read;
    return { ok: true, value: Object.keys(read.value.services[this.service] ?? {}).sort() };
  }

  /** Whether the file exists (a store that already holds secrets stays the store in use). */
  async exists(): Promise<boolean> {
    try {
      await lstat(this.path);
      return true;
    } catch {
      return false;
    }
  }

  /** Reads, changes and writes back this service's entries, one change at a time. */
  #update<T>(change: (entries: Record<string, string>) => T): Promise<SecretResult<T>> {
    const run = async (): Promise<SecretResult<T>> => {
      const read = await this.#read();
      if (!read.ok) return read;
      const file = read.value;
      const entries = { ...file.services[this.service] };
      const value = change(entries);
      const services = { ...file.services, [this.service]: entries };
      if (Object.keys(entries).length === 0) delete services[this.service];
      try {
        await mkdir(this.#folder, { recursive: true, mode: 0o700 });
        await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, services } satisfies SecretsFile, null, 2)}\n`, 0o600);
      } catch {
        // The message of an I/O error names the path only, but nothing here may carry a secret.
        return fail('SECRET_FILE_UNUSABLE');
      }
      return { ok: true, value };
    };
    const next = (queues.get(this.path) ?? Promise.resolve()).then(run, run);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    queues.set(this.path, settled);
    // Forget the queue once it drains, so that a long-lived process keeps no entry per file.
    void settled.then(() => {
      if (queues.get(this.path) === settled) queues.delete(this.path);
    });
    return next;
  }

  /** The whole file: empty when it does not exist yet. */
  async #read(): Promise<SecretResult<SecretsFile>> {
    try {
      const info = await lstat(this.path);
      // A symlink could point the writes elsewhere; another owner's file is not ours to trust.
      if (!info.isFile() || info.size > MAX_FILE_BYTES) return fail('SECRET_FILE_UNUSABLE');
      if (POSIX && (info.uid !== process.getuid?.() || (info.mode & 0o077) !== 0)) return fail('SECRET_FILE_UNUSABLE');
      const parsed = asSecretsFile(JSON.parse(await readFile(this.path, 'utf8')));
      return parsed === null ? fail('SECRET_FILE_UNUSABLE') : { ok: true, value: parsed };
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { ok: true, value: { version: 1, services: {} } };
      return fail('SECRET_FILE_UNUSABLE');
    }
  }
}

/** The file store of `dataFolder` for `service`. Never fails; the file is made on the first `set`. */
export function createFileSecretStore(options: { readonly dataFolder: string; readonly service: string }): FileSecretStore {
  return new FileSecretStore(options);
}
