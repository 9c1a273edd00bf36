import { fail } from '../contract/messages.js';
import {
  assertAccount,
  assertSecret,
  assertService,
  DEFAULT_SECRET_SERVICE,
  type SecretResult,
  type SecretStore,
  type SecretStoreCode,
} from './secret-store.js';

/**
 * The in-memory twin of the keychain store, for tests. It keeps the same contract, and can be
 * told to fail like an unreachable or locked keychain.
 */
export class MemoryStore implements SecretStore {
  readonly service: string;
  readonly #secrets = new Map<string, string>();
  #failure: SecretStoreCode | null = null;

  constructor(service: string = DEFAULT_SECRET_SERVICE) {
    assertService(service);
    this.service = service;
  }

  /** Makes every later call fail with `code` (null: succeed again), as a real keychain might. */
  simulateFailure(code: SecretStoreCode | null): void {
    this.#failure = code;
  }

  /** Stores `secret` for `account`. Fails only with the simulated failure. */
  async set(account: string, secret: string): Promise<SecretResult<void>> {
    assertAccount(account);
    assertSecret(secret);
    if (this.#failure !== null) return fail(this.#failure);
    this.#secrets.set(account, secret);
    return { ok: true, value: undefined };
  }

  /** The secret for `account`, or null. Fails only with the simulated failure. */
  async get(account: string): Promise<SecretResult<string | null>> {
    assertAccount(account);
    if (this.#failure !== null) return fail(this.#failure);
    return { ok: true, value: this.#secrets.get(account) ?? null };
  }

  /** Removes the secret of `account`: true when there was one. Fails only with the simulated failure. */
  async delete(account: string): Promise<SecretResult<boolean>> {
    assertAccount(account);
    if (this.#failure !== null) return fail(this.#failure);
    return { ok: true, value: this.#secrets.delete(account) };
  }

  /** The account names holding a secret, sorted. Fails only with the simulated failure. */
  async list(): Promise<SecretResult<string[]>> {
    if (this.#failure !== null) return fail(this.#failure);
    return { ok: true, value: [...this.#secrets.keys()].sort() };
  }
}

/** A new, empty in-memory store for `service`. Never fails. */
export function createMemoryStore(service: string = DEFAULT_SECRET_SERVICE): MemoryStore {
  return new MemoryStore(service);
}
