/**
 * When a licensing command starts reading the state key from the keychain before the licensing
 * core loads: only when something is installed and the keychain is the store in use.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileStateStore } from '../../src/licensing/state-store.js';
import { STATE_KEY_ACCOUNT } from '../../src/licensing/sealed-certificate.js';
import { readStateKeyAhead } from '../../src/vault/keychain-read-ahead.js';
import { createFileSecretStore } from '../../src/vault/file.store.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A data folder with a state written by the real store (something installed), or none. */
async function dataFolder(installed: boolean): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'tessera-read-ahead-'));
  roots.push(root);
  if (installed) {
    const saved = await createFileStateStore(join(root, 'licensing')).update((state) => ({ ok: true, value: { state: { ...state, setAside: [] }, value: undefined } }));
    expect(saved.ok).toBe(true);
  }
  return root;
}

function started(env: Record<string, string | undefined>, platform: NodeJS.Platform = 'linux'): readonly [string, readonly string[]][] {
  const calls: [string, readonly string[]][] = [];
  readStateKeyAhead(env, { platform, start: (service, accounts) => calls.push([service, accounts]) });
  return calls;
}

describe('readStateKeyAhead', () => {
  it('reads the state key of the service in use when something is installed and secrets are in the keychain', async () => {
    const home = await dataFolder(true);
    expect(started({ TESSERA_HOME: home, TESSERA_KEYCHAIN_SERVICE: 'tessera-read-ahead' })).toEqual([['tessera-read-ahead', [STATE_KEY_ACCOUNT]]]);
    expect(started({ TESSERA_HOME: home })).toEqual([['tessera', [STATE_KEY_ACCOUNT]]]);
    expect(started({ TESSERA_HOME: home, TESSERA_SECRET_STORE: 'keychain' }, 'darwin')).toHaveLength(1);
  });

  it('reads nothing before anything is installed', async () => {
    expect(started({ TESSERA_HOME: await dataFolder(false) })).toEqual([]);
  });

  it('reads nothing when secrets are kept in a file: asked for, or a secrets file already in the data folder', async () => {
    const home = await dataFolder(true);
    expect(started({ TESSERA_HOME: home, TESSERA_SECRET_STORE: 'file' })).toEqual([]);
    const withFile = await dataFolder(true);
    expect((await createFileSecretStore({ dataFolder: withFile, service: 'tessera' }).set('license:x', 'KEY')).ok).toBe(true);
    expect(started({ TESSERA_HOME: withFile })).toEqual([]);
  });

  it('reads nothing where keytar has no keychain, or with a service name that is not one', async () => {
    const home = await dataFolder(true);
    expect(started({ TESSERA_HOME: home }, 'freebsd')).toEqual([]);
    expect(started({ TESSERA_HOME: home, TESSERA_KEYCHAIN_SERVICE: 'not a service!' })).toEqual([]);
    mkdirSync(join(home, 'elsewhere'));
    writeFileSync(join(home, 'elsewhere', 'state.json'), '{}');
    expect(started({ TESSERA_HOME: join(home, 'elsewhere') })).toEqual([]);
  });
});
