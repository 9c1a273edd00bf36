import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../src/vault/secret-store.js';

/** Makes a store scoped to `service`; each test gets its own service name. */
export type SecretStoreFactory = (service: string) => SecretStore;

/** Unwraps a success, failing the test with the code otherwise. */
export function expectOk<T>(result: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!result.ok) throw new Error(`expected success, got ${result.code}`);
  return result.value;
}

/**
 * The behaviour every `SecretStore` shares. Registers one `describe` with its tests; every
 * store it makes is emptied after each test, so it can run against a real keychain.
 */
export function secretStoreContract(name: string, makeStore: SecretStoreFactory, servicePrefix = 'tessera-contract'): void {
  describe(`${name} keeps the SecretStore contract`, () => {
    const made: SecretStore[] = [];
    const fresh = (): SecretStore => {
      const store = makeStore(`${servicePrefix}-${randomUUID()}`);
      made.push(store);
      return store;
    };

    afterEach(async () => {
      for (const store of made.splice(0)) {
        const accounts = await store.list();
        if (accounts.ok) for (const account of accounts.value) await store.delete(account);
      }
    });

    it('starts empty', async () => {
      const store = fresh();
      expect(await store.list()).toEqual({ ok: true, value: [] });
      expect(await store.get('license-key')).toEqual({ ok: true, value: null });
    });

    it('returns what was set', async () => {
      const store = fresh();
      expect(await store.set('license-key', 'C1B6DE-39A6E3-DE1A2C-V3')).toEqual({ ok: true, value: undefined });
      expect(await store.get('license-key')).toEqual({ ok: true, value: 'C1B6DE-39A6E3-DE1A2C-V3' });
    });

    it('replaces a secret that is set again', async () => {
      const store = fresh();
      expectOk(await store.set('agent-token', 'first'));
      expectOk(await store.set('agent-token', 'second'));
      expect(await store.get('agent-token')).toEqual({ ok: true, value: 'second' });
      expect(await store.list()).toEqual({ ok: true, value: ['agent-token'] });
    });

    it('deletes: true when there was a secret, false after', async () => {
      const store = fresh();
      expectOk(await store.set('license-key', 'secret'));
      expect(await store.delete('license-key')).toEqual({ ok: true, value: true });
      expect(await store.get('license-key')).toEqual({ ok: true, value: null });
      expect(await store.delete('license-key')).toEqual({ ok: true, value: false });
      expect(await store.delete('never-set')).toEqual({ ok: true, value: false });
    });

    it('lists account names, sorted, never the secrets', async () => {
      const store = fresh();
      expectOk(await store.set('zeta', 'secret-z'));
      expectOk(await store.set('alpha', 'secret-a'));
      expectOk(await store.set('mid', 'secret-m'));
      const accounts = expectOk(await store.list());
      expect(accounts).toEqual(['alpha', 'mid', 'zeta']);
      expect(JSON.stringify(accounts)).not.toContain('secret-');
    });

    it('keeps secrets and account names byte for byte', async () => {
      const store = fresh();
      const secret = `ключ 🔑 "quoted" \\ ${'x'.repeat(2048)} end`;
      const account = 'license key · café';
      expectOk(await store.set(account, secret));
      expect(await store.get(account)).toEqual({ ok: true, value: secret });
      expect(await store.list()).toEqual({ ok: true, value: [account] });
    });

    it('keeps concurrent writes to different accounts', async () => {
      const store = fresh();
      const accounts = ['a1', 'a2', 'a3', 'a4', 'a5'];
      const results = await Promise.all(accounts.map((account) => store.set(account, `secret-${account}`)));
      expect(results.every((result) => result.ok)).toBe(true);
      expect(await store.list()).toEqual({ ok: true, value: accounts });
      for (const account of accounts) expect(await store.get(account)).toEqual({ ok: true, value: `secret-${account}` });
    });

    it('scopes entries by service name', async () => {
      const mine = fresh();
      const theirs = fresh();
      expectOk(await mine.set('license-key', 'mine'));
      expect(await theirs.get('license-key')).toEqual({ ok: true, value: null });
      expect(await theirs.list()).toEqual({ ok: true, value: [] });
      expect(await theirs.delete('license-key')).toEqual({ ok: true, value: false });
      expect(await mine.get('license-key')).toEqual({ ok: true, value: 'mine' });
    });

    it('rejects an empty account or secret as a bug', async () => {
      const store = fresh();
      await expect(store.set('', 'secret')).rejects.toThrow(TypeError);
      await expect(store.set('account', '')).rejects.toThrow(TypeError);
      await expect(store.get('')).rejects.toThrow(TypeError);
      await expect(store.delete('')).rejects.toThrow(TypeError);
      expect(await store.list()).toEqual({ ok: true, value: [] });
    });
  });
}
