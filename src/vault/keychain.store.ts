import { fail } from '../contract/messages.js';
import {
  assertAccount,
  assertSecret,
  assertService,
  DEFAULT_SECRET_SERVICE,
  type SecretResult,
  type SecretStore,
} from './secret-store.js';

/** The part of `@github/keytar`'s API this store uses; tests inject a fake. */
export interface KeytarBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** How long one keychain call may take before it is reported as `KEYCHAIN_TIMEOUT`. */
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 5_000;

/** Options of a `KeychainStore`. */
export interface KeychainStoreOptions {
  /** The service name that scopes the entries; `tessera` by default. */
  readonly service?: string;
  /** The bound on every call, in milliseconds (including loading keytar); 5 s by default. */
  readonly timeoutMs?: number;
  /** Loads the backend; `@github/keytar` by default. Rejecting means the keychain is unavailable. */
  readonly loadBackend?: () => Promise<KeytarBackend>;
}

/**
 * Loads `@github/keytar` on first use, so that a missing native addon or libsecret is a
 * `KEYCHAIN_UNAVAILABLE` value instead of a crash when this module is imported.
 */
async function loadKeytar(): Promise<KeytarBackend> {
  // keytar is CommonJS; Node's ESM loader only exposes its exports reliably as `default`.
  return (await import('@github/keytar')).default;
}

/**
 * Keychain reads started before the store that needs them exists (`readAhead`), by service and
 * account. Loading keytar and opening the keychain's session takes a cold command longer than
 * anything else it does; started early, that runs on libuv's threads while the rest loads.
 */
const readsAhead = new Map<string, Promise<string | null>>();
const readKey = (service: string, account: string): string => `${service}\u0000${account}`;

/**
 * Starts reading `accounts` of `service` now, for the first `get` of each to take up. Best
 * effort: a failure here is the `get`'s failure, with the `get`'s own timeout.
 */
export function readAhead(service: string, accounts: readonly string[], loadBackend: () => Promise<KeytarBackend> = loadKeytar): void {
  assertService(service);
  const backend = loadBackend();
  for (const account of accounts) {
    assertAccount(account);
    const read = backend.then((keytar) => keytar.getPassword(service, account));
    // Never an unhandled rejection when no `get` takes it up.
    read.catch(() => undefined);
    readsAhead.set(readKey(service, account), read);
  }
}

type Outcome<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'error' } | { readonly kind: 'timeout' };

/**
 * Secrets in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager
 * on Windows) through keytar. Every call is bounded: keytar never returns while a locked
 * keyring waits on a GUI unlock prompt.
 */
export class KeychainStore implements SecretStore {
  readonly service: string;
  readonly #timeoutMs: number;
  readonly #loadBackend: () => Promise<KeytarBackend>;
  #backend: Promise<KeytarBackend> | null = null;
  /** Calls that timed out and have not settled yet; see `#run`. */
  #stuck = 0;

  constructor(options: KeychainStoreOptions = {}) {
    this.service = options.service ?? DEFAULT_SECRET_SERVICE;
    assertService(this.service);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
    if (!(this.#timeoutMs > 0)) throw new RangeError('The keychain timeout must be a positive number of milliseconds.');
    this.#loadBackend = options.loadBackend ?? loadKeytar;
  }

  /**
   * Stores `secret` for `account` in the keychain, replacing any previous one.
   * Fails with `KEYCHAIN_UNAVAILABLE` (no keychain, or it refused) or `KEYCHAIN_TIMEOUT`.
   */
  async set(account: string, secret: string): Promise<SecretResult<void>> {
    assertAccount(account);
    assertSecret(secret);
    // A read started before this change would answer with the old secret: it is dropped.
    void this.#takeReadAhead(account);
    return this.#run((keytar) => keytar.setPassword(this.service, account, secret));
  }

  /**
   * The secret stored for `account`, or null when there is none.
   * Fails with `KEYCHAIN_UNAVAILABLE` or `KEYCHAIN_TIMEOUT`.
   */
  async get(account: string): Promise<SecretResult<string | null>> {
    assertAccount(account);
    const early = this.#takeReadAhead(account);
    if (early !== undefined) return this.#run(async () => (await early) ?? null);
    return this.#run(async (keytar) => (await keytar.getPassword(this.service, account)) ?? null);
  }

  /**
   * Removes the secret of `account` from the keychain: true when there was one.
   * Fails with `KEYCHAIN_UNAVAILABLE` or `KEYCHAIN_TIMEOUT`.
   */
  async delete(account: string): Promise<SecretResult<boolean>> {
    assertAccount(account);
    void this.#takeReadAhead(account);
    return this.#run((keytar) => keytar.deletePassword(this.service, account));
  }

  /**
   * The account names holding a secret under this service, sorted; the secrets are dropped.
   * Fails with `KEYCHAIN_UNAVAILABLE` or `KEYCHAIN_TIMEOUT`.
   */
  async list(): Promise<SecretResult<string[]>> {
    return this.#run(async (keytar) => {
      const credentials = await keytar.findCredentials(this.service);
      return [...new Set(credentials.map((credential) => credential.account))].sort();
    });
  }

  /** Runs one keychain call with the timeout, mapping every error to a failure value. */
  async #run<T>(call: (keytar: KeytarBackend) => Promise<T>): Promise<SecretResult<T>> {
    // A timed-out keytar call keeps one libuv thread-pool thread (4 by default, shared with
    // fs, crypto and dns) until the keyring answers. Starting more calls behind a stuck one
    // would starve the whole process, so they fail fast until it settles.
    if (this.#stuck > 0) return fail('KEYCHAIN_TIMEOUT');

    const work = (async () => call(await this.#backendOnce()))();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Outcome<T>>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), this.#timeoutMs);
    });
    const outcome = await Promise.race([
      // Errors are dropped unread: keytar's messages add nothing a person can act on, and
      // nothing here may ever log or carry a secret.
      work.then((value): Outcome<T> => ({ kind: 'done', value }), (): Outcome<T> => ({ kind: 'error' })),
      deadline,
    ]);
    clearTimeout(timer);

    switch (outcome.kind) {
      case 'done':
        return { ok: true, value: outcome.value };
      case 'error':
        return fail('KEYCHAIN_UNAVAILABLE');
      case 'timeout': {
        this.#stuck += 1;
        const settled = (): void => {
          this.#stuck -= 1;
        };
        work.then(settled, settled);
        return fail('KEYCHAIN_TIMEOUT');
      }
    }
  }

  /** The read started ahead for `account`, once: a later `get`, or any change, reads afresh. */
  #takeReadAhead(account: string): Promise<string | null> | undefined {
    const key = readKey(this.service, account);
    const early = readsAhead.get(key);
    readsAhead.delete(key);
    return early;
  }

  #backendOnce(): Promise<KeytarBackend> {
    this.#backend ??= this.#loadBackend();
    return this.#backend;
  }
}

/**
 * The keychain store for `service` (default `tessera`). Never fails: loading keytar is deferred
 * to the first call, which returns `KEYCHAIN_UNAVAILABLE` when it cannot be loaded.
 */
export function createKeychainStore(options: KeychainStoreOptions = {}): KeychainStore {
  return new KeychainStore(options);
}
