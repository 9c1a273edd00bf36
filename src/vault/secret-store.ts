import type { Result } from '../contract/codes.js';

/** The failure codes a secret store can return. */
export type SecretStoreCode = 'KEYCHAIN_UNAVAILABLE' | 'KEYCHAIN_TIMEOUT' | 'SECRET_FILE_UNUSABLE';

/** What every secret-store operation returns. */
export type SecretResult<T> = Result<T, SecretStoreCode>;

/**
 * Where secrets may be kept: the OS keychain only, an owner-only file only, or the keychain
 * when there is one and the file otherwise.
 */
export const SECRET_STORE_MODES = ['keychain', 'auto', 'file'] as const;
export type SecretStoreMode = (typeof SECRET_STORE_MODES)[number];

/** The service name that scopes Tessera's entries in the keychain. */
export const DEFAULT_SECRET_SERVICE = 'tessera';

/**
 * The environment variable that renames the service. Tests and benchmarks set it so that they
 * never read, write or delete the entries of the Tessera a person uses on the same machine.
 */
export const SECRET_SERVICE_ENV = 'TESSERA_KEYCHAIN_SERVICE';
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The service name for this environment: `TESSERA_KEYCHAIN_SERVICE` when set, else `tessera`.
 * Returns null when the variable holds something that is not a service name (letters, digits,
 * `.`, `_`, `-`; at most 64), so that a typo never silently falls back to the real entries.
 */
export function secretServiceName(env: Readonly<Record<string, string | undefined>>): string | null {
  const named = env[SECRET_SERVICE_ENV];
  if (named === undefined || named === '') return DEFAULT_SECRET_SERVICE;
  return SERVICE_NAME.test(named) ? named : null;
}

/**
 * Secrets kept per account under one service name. Implementations: the OS keychain
 * (`keychain.store.ts`), an owner-only file for machines without one (`file.store.ts`), and an
 * in-memory twin for tests (`memory.store.ts`).
 * An empty account or secret is a bug and rejects with a TypeError; every other failure is a value.
 */
export interface SecretStore {
  /** The service name that scopes this store's entries. */
  readonly service: string;
  /** Stores `secret` for `account`, replacing any previous one. */
  set(account: string, secret: string): Promise<SecretResult<void>>;
  /** The secret stored for `account`, or null when there is none. */
  get(account: string): Promise<SecretResult<string | null>>;
  /** Removes the secret of `account`: true when there was one. */
  delete(account: string): Promise<SecretResult<boolean>>;
  /** The account names that hold a secret, sorted. Never the secrets. */
  list(): Promise<SecretResult<string[]>>;
}

/** Throws on an empty account name: callers pass fixed names, so this is a bug, not a failure. */
export function assertAccount(account: string): void {
  if (typeof account !== 'string' || account === '') throw new TypeError('A secret needs a non-empty account name.');
}

/** Throws on an empty service name, for the same reason. */
export function assertService(service: string): void {
  if (typeof service !== 'string' || service === '') throw new TypeError('A secret store needs a non-empty service name.');
}

/** Throws on an empty secret: keychains cannot store one, and storing nothing is a bug. */
export function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || secret === '') throw new TypeError('A secret must be a non-empty string.');
}

