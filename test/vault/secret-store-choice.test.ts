/**
 * Which store a process uses. The file is a fallback only where it was allowed (the embedded
 * demo issuer, `TESSERA_SECRET_STORE`, the vendor's setting), only when there is no keychain
 * at all (a locked one is not missing), and always with a warning naming the risk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SecretStoreCode, SecretStoreMode } from '../../src/vault/secret-store.js';
import { chooseSecretStore, SECRET_STORE_ENV, type ChosenSecretStore } from '../../src/vault/secret-store-choice.js';
import { createFileSecretStore } from '../../src/vault/file.store.js';
import { createMemoryStore, type MemoryStore } from '../../src/vault/memory.store.js';
import { expectOk } from './secret-store.contract.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-secret-choice-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

interface Setup {
  readonly chosen: ChosenSecretStore;
  readonly keychain: MemoryStore;
  readonly warnings: string[];
  readonly dataFolder: string;
}

async function choose(options: { defaultMode: SecretStoreMode; env?: Record<string, string>; keychainFails?: SecretStoreCode; dataFolder?: string }): Promise<Setup> {
  const dataFolder = options.dataFolder ?? join(root, `data-${(folders += 1)}`);
  const warnings: string[] = [];
  let keychain: MemoryStore | undefined;
  const result = await chooseSecretStore({
    env: options.env ?? {},
    dataFolder,
    defaultMode: options.defaultMode,
    warn: (message) => warnings.push(message),
    keychain: (service) => {
      keychain = createMemoryStore(service);
      if (options.keychainFails !== undefined) keychain.simulateFailure(options.keychainFails);
      return keychain;
    },
  });
  if (!result.ok) throw new Error(result.detail);
  return { chosen: result.value, keychain: keychain as MemoryStore, warnings, dataFolder };
}

const fileOf = (setup: Setup) => createFileSecretStore({ dataFolder: setup.dataFolder, service: setup.chosen.store.service });

describe('keychain mode (a vendor configuration, by default)', () => {
  it('keeps secrets in the keychain and never writes a file', async () => {
    const setup = await choose({ defaultMode: 'keychain' });
    expectOk(await setup.chosen.store.set('license-key', 'KEY'));
    expect(await setup.keychain.get('license-key')).toEqual({ ok: true, value: 'KEY' });
    expect(await fileOf(setup).exists()).toBe(false);
    expect(setup.warnings).toEqual([]);
  });

  it('reports a missing keychain as KEYCHAIN_UNAVAILABLE, with no file fallback', async () => {
    const setup = await choose({ defaultMode: 'keychain', keychainFails: 'KEYCHAIN_UNAVAILABLE' });
    expect(await setup.chosen.store.set('license-key', 'KEY')).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
    expect(await fileOf(setup).exists()).toBe(false);
    expect(setup.warnings).toEqual([]);
  });
});

describe('auto mode (the embedded issuer, or an opt-in)', () => {
  it('uses the keychain when there is one, without a warning', async () => {
    const setup = await choose({ defaultMode: 'auto' });
    expectOk(await setup.chosen.store.set('license-key', 'KEY'));
    expect(await setup.keychain.get('license-key')).toEqual({ ok: true, value: 'KEY' });
    expect(await fileOf(setup).exists()).toBe(false);
    expect(setup.warnings).toEqual([]);
  });

  it('falls back to the file when there is no keychain, warning once with the path and the risk', async () => {
    const setup = await choose({ defaultMode: 'auto', keychainFails: 'KEYCHAIN_UNAVAILABLE' });
    const store = setup.chosen.store;
    expectOk(await store.set('license-key', 'KEY'));
    expectOk(await store.set('agent-token', 'TOKEN'));
    expect(await store.get('license-key')).toEqual({ ok: true, value: 'KEY' });
    expect(await fileOf(setup).list()).toEqual({ ok: true, value: ['agent-token', 'license-key'] });
    expect(setup.warnings).toHaveLength(1);
    expect(setup.warnings[0]).toContain(setup.chosen.filePath);
    expect(setup.warnings[0]).toMatch(/No OS keychain was found/);
    expect(setup.warnings[0]).toMatch(/anyone who can act as you, or read your backups/);
    expect(setup.warnings[0]).toMatch(/TESSERA_SECRET_STORE=keychain/);
  });

  it('does not fall back when the keychain is locked (it exists: its owner should unlock it)', async () => {
    const setup = await choose({ defaultMode: 'auto', keychainFails: 'KEYCHAIN_TIMEOUT' });
    expect(await setup.chosen.store.set('license-key', 'KEY')).toMatchObject({ ok: false, code: 'KEYCHAIN_TIMEOUT' });
    expect(await fileOf(setup).exists()).toBe(false);
    expect(setup.warnings).toEqual([]);
  });

  it('keeps using a secrets file made earlier, even once a keychain is there, and says so at start', async () => {
    const first = await choose({ defaultMode: 'auto', keychainFails: 'KEYCHAIN_UNAVAILABLE' });
    expectOk(await first.chosen.store.set('license-key', 'KEY'));
    const later = await choose({ defaultMode: 'auto', dataFolder: first.dataFolder });
    expect(later.warnings).toHaveLength(1);
    expect(later.warnings[0]).toMatch(/kept in a file before/);
    expect(await later.chosen.store.get('license-key')).toEqual({ ok: true, value: 'KEY' });
    expect(await later.keychain.list()).toEqual({ ok: true, value: [] });
  });
});

describe('TESSERA_SECRET_STORE', () => {
  it('=file keeps secrets in the file even with a keychain, warning at once', async () => {
    const setup = await choose({ defaultMode: 'keychain', env: { [SECRET_STORE_ENV]: 'file' } });
    expect(setup.warnings).toHaveLength(1);
    expect(setup.warnings[0]).toMatch(/TESSERA_SECRET_STORE=file asks for no OS keychain/);
    expectOk(await setup.chosen.store.set('license-key', 'KEY'));
    expect(await setup.keychain.list()).toEqual({ ok: true, value: [] });
    expect(await fileOf(setup).get('license-key')).toEqual({ ok: true, value: 'KEY' });
  });

  it('=keychain forbids the embedded issuer its file fallback', async () => {
    const setup = await choose({ defaultMode: 'auto', env: { [SECRET_STORE_ENV]: 'keychain' }, keychainFails: 'KEYCHAIN_UNAVAILABLE' });
    expect(await setup.chosen.store.set('license-key', 'KEY')).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
    expect(await fileOf(setup).exists()).toBe(false);
  });

  it('a vendor setting of "file" is named in the warning as the vendor\'s choice', async () => {
    const setup = await choose({ defaultMode: 'file' });
    expect(setup.warnings[0]).toMatch(/\(the vendor configuration\)/);
  });

  it('refuses an unknown mode or service name instead of guessing', async () => {
    const dataFolder = join(root, 'refused');
    const base = { dataFolder, defaultMode: 'keychain' as const, warn: () => undefined };
    expect(await chooseSecretStore({ ...base, env: { [SECRET_STORE_ENV]: 'plaintext' } })).toEqual({ ok: false, detail: expect.stringMatching(/TESSERA_SECRET_STORE must be one of keychain, auto, file/) });
    expect(await chooseSecretStore({ ...base, env: { TESSERA_KEYCHAIN_SERVICE: 'tessera test' } })).toEqual({ ok: false, detail: expect.stringMatching(/TESSERA_KEYCHAIN_SERVICE/) });
  });

  it('TESSERA_KEYCHAIN_SERVICE names the service of both stores', async () => {
    const setup = await choose({ defaultMode: 'auto', env: { TESSERA_KEYCHAIN_SERVICE: 'tessera-other' }, keychainFails: 'KEYCHAIN_UNAVAILABLE' });
    expect(setup.keychain.service).toBe('tessera-other');
    expectOk(await setup.chosen.store.set('license-key', 'KEY'));
    expect(await createFileSecretStore({ dataFolder: setup.dataFolder, service: 'tessera' }).get('license-key')).toEqual({ ok: true, value: null });
    expect(await createFileSecretStore({ dataFolder: setup.dataFolder, service: 'tessera-other' }).get('license-key')).toEqual({ ok: true, value: 'KEY' });
  });
});
