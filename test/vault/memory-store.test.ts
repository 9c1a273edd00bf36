import { describe, expect, it } from 'vitest';
import { DEFAULT_SECRET_SERVICE } from '../../src/vault/secret-store.js';
import { createMemoryStore, MemoryStore } from '../../src/vault/memory.store.js';
import { secretStoreContract } from './secret-store.contract.js';

secretStoreContract('MemoryStore', (service) => createMemoryStore(service));

describe('MemoryStore', () => {
  it("uses Tessera's service name by default", () => {
    expect(createMemoryStore().service).toBe(DEFAULT_SECRET_SERVICE);
    expect(DEFAULT_SECRET_SERVICE).toBe('tessera');
  });

  it('refuses an empty service name', () => {
    expect(() => new MemoryStore('')).toThrow(TypeError);
  });

  it.each(['KEYCHAIN_UNAVAILABLE', 'KEYCHAIN_TIMEOUT'] as const)('fails every call with a simulated %s', async (code) => {
    const store = createMemoryStore();
    await store.set('license-key', 'secret');
    store.simulateFailure(code);
    for (const result of [await store.set('a', 'b'), await store.get('license-key'), await store.delete('license-key'), await store.list()]) {
      expect(result).toMatchObject({ ok: false, code });
    }
    store.simulateFailure(null);
    expect(await store.get('license-key')).toEqual({ ok: true, value: 'secret' });
  });
});
