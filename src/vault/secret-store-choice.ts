/**
 * Which secret store a process uses: the OS keychain, or, where there is none and it is allowed,
 * the owner-only file of `file.store.ts`. The file is chosen automatically only for the embedded
 * demo issuer; with a vendor configuration it needs `TESSERA_SECRET_STORE=file|auto` or the
 * vendor's `secretStore` setting, so that a missing keychain is never papered over unasked.
 */
import type { SecretStoreMode } from './secret-store.js';
import { SECRET_SERVICE_ENV, SECRET_STORE_MODES, secretServiceName, type SecretResult, type SecretStore } from './secret-store.js';
import { createFileSecretStore, type FileSecretStore } from './file.store.js';
import { createKeychainStore } from './keychain.store.js';

/** The environment variable that chooses the store (`keychain`, `auto` or `file`). */
export const SECRET_STORE_ENV = 'TESSERA_SECRET_STORE';

/** What a process needs to choose its store. */
export interface SecretStoreChoiceOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dataFolder: string;
  /** The mode when `TESSERA_SECRET_STORE` is not set: the vendor's setting, or the embedded issuer's `auto`. */
  readonly defaultMode: SecretStoreMode;
  /** Told, once per process, when the file store is (or becomes) the one in use. */
  readonly warn: (message: string) => void;
  /** The keychain store (tests inject a fake); the real one by default. */
  readonly keychain?: (service: string) => SecretStore;
}

/** The store, and what a person should know about it. */
export interface ChosenSecretStore {
  readonly store: SecretStore;
  readonly mode: SecretStoreMode;
  /** The file the secrets go to when the file store is (or may become) the one in use. */
  readonly filePath: string;
}

/** Why no store could be chosen: the environment names an unknown mode or an invalid service. */
export interface SecretStoreChoiceProblem {
  readonly ok: false;
  readonly detail: string;
}

/** The warning printed on every start that keeps secrets in the file, naming the risk and the way out. */
export function fileStoreWarning(path: string, reason: string): string {
  return (
    `⚠ ${reason}, so Tessera keeps its secrets (license keys, tokens) in a file: ${path}\n` +
    '  Only your user account can read it, but anyone who can act as you, or read your backups, can read the keys in it.\n' +
    '  To use an OS keychain instead, install and unlock one (gnome-keyring, KWallet) and set TESSERA_SECRET_STORE=keychain.\n'
  );
}

/**
 * The keychain while it answers; the file once the keychain proves unavailable (not merely
 * locked: a locked keychain exists, and its owner should unlock it). The choice is made by the
 * first call and kept for the life of the process.
 */
class KeychainOrFileStore implements SecretStore {
  readonly service: string;
  readonly #keychain: SecretStore;
  readonly #file: FileSecretStore;
  readonly #onFallback: () => void;
  #active: SecretStore | null = null;

  constructor(keychain: SecretStore, file: FileSecretStore, onFallback: () => void) {
    this.service = keychain.service;
    this.#keychain = keychain;
    this.#file = file;
    this.#onFallback = onFallback;
  }

  set(account: string, secret: string): Promise<SecretResult<void>> {
    return this.#call((store) => store.set(account, secret));
  }

  get(account: string): Promise<SecretResult<string | null>> {
    return this.#call((store) => store.get(account));
  }

  delete(account: string): Promise<SecretResult<boolean>> {
    return this.#call((store) => store.delete(account));
  }

  list(): Promise<SecretResult<string[]>> {
    return this.#call((store) => store.list());
  }

  async #call<T>(operation: (store: SecretStore) => Promise<SecretResult<T>>): Promise<SecretResult<T>> {
    if (this.#active !== null) return operation(this.#active);
    const result = await operation(this.#keychain);
    if (this.#active !== null) return this.#active === this.#keychain ? result : operation(this.#active);
    if (!result.ok && result.code === 'KEYCHAIN_UNAVAILABLE') {
      this.#active = this.#file;
      this.#onFallback();
      return operation(this.#file);
    }
    this.#active = this.#keychain;
    return result;
  }
}

/**
 * Chooses the store for this process: `TESSERA_SECRET_STORE` when set, else `defaultMode`.
 * In `auto` mode a secrets file that already exists stays in use (its keys would be lost to a
 * keychain that appeared later). Returns a problem (never throws) when the environment names an
 * unknown mode or an invalid `TESSERA_KEYCHAIN_SERVICE`.
 */
export async function chooseSecretStore(options: SecretStoreChoiceOptions): Promise<{ readonly ok: true; readonly value: ChosenSecretStore } | SecretStoreChoiceProblem> {
  const service = secretServiceName(options.env);
  if (service === null) return { ok: false, detail: `${SECRET_SERVICE_ENV} must be letters, digits, ".", "_" or "-" (at most 64)` };
  const named = options.env[SECRET_STORE_ENV];
  const fromEnv = named === undefined || named === '' ? undefined : named;
  if (fromEnv !== undefined && !(SECRET_STORE_MODES as readonly string[]).includes(fromEnv)) {
    return { ok: false, detail: `${SECRET_STORE_ENV} must be one of ${SECRET_STORE_MODES.join(', ')}` };
  }
  const mode = (fromEnv as SecretStoreMode | undefined) ?? options.defaultMode;
  const file = createFileSecretStore({ dataFolder: options.dataFolder, service });
  const keychain = (options.keychain ?? ((name: string) => createKeychainStore({ service: name })))(service);
  let warned = false;
  const warnOnce = (reason: string): void => {
    if (warned) return;
    warned = true;
    options.warn(fileStoreWarning(file.path, reason));
  };

  let store: SecretStore;
  switch (mode) {
    case 'keychain':
      store = keychain;
      break;
    case 'file':
      warnOnce(`${SECRET_STORE_ENV}=file${fromEnv === undefined ? ' (the vendor configuration)' : ''} asks for no OS keychain`);
      store = file;
      break;
    case 'auto':
      if (await file.exists()) {
        warnOnce('Secrets were kept in a file before, when no OS keychain was found');
        store = file;
      } else {
        store = new KeychainOrFileStore(keychain, file, () => warnOnce('No OS keychain was found'));
      }
      break;
  }
  return { ok: true, value: { store, mode, filePath: file.path } };
}
