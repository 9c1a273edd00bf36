import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createKeychainStore, DEFAULT_KEYCHAIN_TIMEOUT_MS, readAhead, type KeytarBackend } from '../../src/vault/keychain.store.js';
import { DEFAULT_SECRET_SERVICE } from '../../src/vault/secret-store.js';
import { testService } from '../support/keychain.js';
import { expectOk, secretStoreContract } from './secret-store.contract.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Inside this run's service namespace, unique to this file: cleared with the run's entries.
const RUN_SERVICE = testService(`keychain-${randomUUID().slice(0, 8)}`);
const REQUIRED = process.env.TESSERA_REQUIRE_KEYCHAIN === '1';

function secretTool(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync('secret-tool', args, { encoding: 'utf8', timeout: 5_000 });
}

/** Why the real Secret Service cannot be used here, or null when it can. */
async function unreachableReason(): Promise<string | null> {
  if (process.platform !== 'linux') return `the Secret Service is Linux-only (this is ${process.platform})`;
  const tool = secretTool('lookup', 'service', `${RUN_SERVICE}-probe`, 'account', 'probe');
  if (tool.error) return `secret-tool cannot run: ${tool.error.message}`;
  const probe = await createKeychainStore({ service: `${RUN_SERVICE}-probe`, timeoutMs: 3_000 }).list();
  return probe.ok ? null : `the keychain answered ${probe.code}`;
}

const unreachable = await unreachableReason();

describe.skipIf(unreachable !== null && !REQUIRED)('KeychainStore on the real Secret Service', () => {
  it('reaches the Secret Service (required when TESSERA_REQUIRE_KEYCHAIN=1)', () => {
    expect(unreachable, 'Secret Service unreachable').toBeNull();
  });

  secretStoreContract('KeychainStore', (service) => createKeychainStore({ service }), RUN_SERVICE);

  describe('entries are really in the keychain', () => {
    const store = createKeychainStore({ service: `${RUN_SERVICE}-proof` });

    afterAll(() => {
      secretTool('clear', 'service', store.service);
    });

    it('writes a secret that secret-tool finds, and deletes it so that secret-tool does not', async () => {
      const secret = `proof-${randomUUID()}`;
      expectOk(await store.set('license-key', secret));

      const found = secretTool('lookup', 'service', store.service, 'account', 'license-key');
      expect(found.status).toBe(0);
      expect(found.stdout.trim()).toBe(secret);

      expect(await store.delete('license-key')).toEqual({ ok: true, value: true });
      const gone = secretTool('lookup', 'service', store.service, 'account', 'license-key');
      expect(gone.status).toBe(1);
      expect(gone.stdout).toBe('');
    });

    it('sees a secret deleted behind its back with secret-tool as gone', async () => {
      expectOk(await store.set('agent-token', 'token'));
      expect(secretTool('clear', 'service', store.service, 'account', 'agent-token').status).toBe(0);
      expect(await store.get('agent-token')).toEqual({ ok: true, value: null });
      expect(await store.list()).toEqual({ ok: true, value: [] });
    });
  });
});

/** Makes a keytar-like backend whose every call is `behaviour`, counting the calls. */
function fakeBackend(behaviour: () => Promise<never>): KeytarBackend & { calls: number } {
  const backend = {
    calls: 0,
    getPassword: () => ((backend.calls += 1), behaviour()),
    setPassword: () => ((backend.calls += 1), behaviour()),
    deletePassword: () => ((backend.calls += 1), behaviour()),
    findCredentials: () => ((backend.calls += 1), behaviour()),
  };
  return backend;
}

const never = (): Promise<never> => new Promise<never>(() => {});

/** One call of each kind, with a secret that must never show up in results or logs. */
async function everyCall(store: ReturnType<typeof createKeychainStore>): Promise<unknown[]> {
  return [await store.set('license-key', 'SECRET-VALUE'), await store.get('license-key'), await store.delete('license-key'), await store.list()];
}

describe('KeychainStore bounds every call with a timeout', () => {
  it('uses 5 s and the tessera service by default', () => {
    expect(DEFAULT_KEYCHAIN_TIMEOUT_MS).toBe(5_000);
    expect(createKeychainStore().service).toBe(DEFAULT_SECRET_SERVICE);
  });

  it('returns KEYCHAIN_TIMEOUT at its bound when the keychain never answers (a locked keyring behind a GUI prompt)', async () => {
    vi.useFakeTimers();
    try {
      for (const call of ['set', 'get', 'delete', 'list'] as const) {
        // A new store per call: a stuck call makes later calls of the same store fail fast.
        const backend = fakeBackend(never);
        const store = createKeychainStore({ service: RUN_SERVICE, timeoutMs: 50, loadBackend: async () => backend });
        const pending = call === 'set' ? store.set('a', 's') : call === 'list' ? store.list() : store[call]('a');
        let settled = false;
        void pending.then(() => (settled = true));
        await vi.advanceTimersByTimeAsync(49);
        expect(settled, `${call} answered before its bound`).toBe(false);
        await vi.advanceTimersByTimeAsync(1);
        expect(settled, `${call} still waiting after its bound`).toBe(true);
        expect(await pending).toMatchObject({ ok: false, code: 'KEYCHAIN_TIMEOUT' });
        expect(backend.calls).toBe(1);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('returns KEYCHAIN_TIMEOUT when loading keytar itself never finishes', async () => {
    const store = createKeychainStore({ timeoutMs: 50, loadBackend: never });
    expect(await store.get('a')).toMatchObject({ ok: false, code: 'KEYCHAIN_TIMEOUT' });
  });

  it('fails fast while a timed-out call is stuck, and recovers once it settles', async () => {
    let release: (value: string) => void = () => {};
    let calls = 0;
    const backend: KeytarBackend = {
      ...fakeBackend(never),
      getPassword: () => {
        calls += 1;
        return calls === 1 ? new Promise<string>((resolve) => (release = resolve)) : Promise.resolve('after unlock');
      },
    };
    const store = createKeychainStore({ timeoutMs: 200, loadBackend: async () => backend });

    expect(await store.get('a')).toMatchObject({ ok: false, code: 'KEYCHAIN_TIMEOUT' });
    // With the clock stopped, an answer can only come without waiting for the bound.
    vi.useFakeTimers();
    try {
      const pending = store.list();
      let settled = false;
      void pending.then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(true);
      expect(await pending).toMatchObject({ ok: false, code: 'KEYCHAIN_TIMEOUT' });
    } finally {
      vi.useRealTimers();
    }
    expect(calls).toBe(1);

    release('late answer'); // the person unlocked the keyring
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.get('a')).toEqual({ ok: true, value: 'after unlock' });
    expect(calls).toBe(2);
  });

  it('rejects a timeout that is not a positive number', () => {
    expect(() => createKeychainStore({ timeoutMs: 0 })).toThrow(RangeError);
    expect(() => createKeychainStore({ timeoutMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('KeychainStore reports an unusable keychain as KEYCHAIN_UNAVAILABLE', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('when keytar fails (no D-Bus session, no Secret Service provider), without logging or leaking the secret', async () => {
    const logged = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => vi.spyOn(console, level));
    const backend = fakeBackend(() => Promise.reject(new Error('Could not connect: SECRET-VALUE')));
    const store = createKeychainStore({ timeoutMs: 1_000, loadBackend: async () => backend });
    for (const result of await everyCall(store)) {
      expect(result).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
      expect(JSON.stringify(result)).not.toContain('SECRET-VALUE');
    }
    for (const spy of logged) expect(spy).not.toHaveBeenCalled();
  });

  it('when keytar throws synchronously', async () => {
    const backend = fakeBackend(() => {
      throw new Error('Service is required.');
    });
    const store = createKeychainStore({ loadBackend: async () => backend });
    for (const result of await everyCall(store)) expect(result).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
  });

  it("when keytar's native addon or libsecret cannot be loaded", async () => {
    const store = createKeychainStore({
      loadBackend: () => Promise.reject(new Error('libsecret-1.so.0: cannot open shared object file')),
    });
    for (const result of await everyCall(store)) expect(result).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
  });

  it('with the real keytar in a plain Node process whose D-Bus session bus does not exist', () => {
    const results = runBuiltStoreInChild({
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tessera-test-bus',
      DISPLAY: undefined,
    });
    expect(results).toHaveLength(4);
    for (const result of results) expect(result).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
    expect(JSON.stringify(results)).not.toContain('SECRET-VALUE');
  });
});

/**
 * Compiles the store and its relative imports to plain ESM, as the build ships them, and runs
 * one call of each kind in a fresh Node process: libsecret keeps its D-Bus connection for the
 * life of a process, so an unreachable bus can only be shown in another one.
 */
function runBuiltStoreInChild(env: Record<string, string | undefined>): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-keychain-'));
  try {
    const pending = ['vault/keychain.store.ts'];
    const done = new Set<string>();
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (done.has(file)) continue;
      done.add(file);
      const source = readFileSync(join(ROOT, 'src', file), 'utf8');
      for (const [, specifier] of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
        pending.push(join(dirname(file), `${specifier}.ts`));
      }
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      });
      mkdirSync(join(dir, dirname(file)), { recursive: true });
      writeFileSync(join(dir, file.replace(/\.ts$/, '.js')), outputText);
    }
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(
      join(dir, 'child.js'),
      `import { createKeychainStore } from './vault/keychain.store.js';
const store = createKeychainStore({ service: ${JSON.stringify(testService('unreachable'))}, timeoutMs: 4000 });
const results = [await store.set('license-key', 'SECRET-VALUE'), await store.get('license-key'),
  await store.delete('license-key'), await store.list()];
process.stdout.write(JSON.stringify(results));
`,
    );
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete childEnv[name];
      else childEnv[name] = value;
    }
    const child = spawnSync(process.execPath, ['child.js'], { cwd: dir, env: childEnv, encoding: 'utf8', timeout: 20_000 });
    expect(child.status, child.stderr).toBe(0);
    return JSON.parse(child.stdout) as unknown[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a keychain read started ahead (readAhead)', () => {
  /** A keychain in memory that counts its reads. */
  function countingBackend(entries: Record<string, string>): KeytarBackend & { reads: number } {
    const backend = {
      reads: 0,
      getPassword: async (_service: string, account: string) => ((backend.reads += 1), entries[account] ?? null),
      setPassword: async (_service: string, account: string, password: string) => void (entries[account] = password),
      deletePassword: async (_service: string, account: string) => delete entries[account],
      findCredentials: async () => Object.entries(entries).map(([account, password]) => ({ account, password })),
    };
    return backend;
  }

  it('is taken up by the first get of its account, once; later gets read afresh', async () => {
    const service = testService('read-ahead-once');
    const backend = countingBackend({ 'state-key': 'K1' });
    readAhead(service, ['state-key'], async () => backend);
    expect(backend.reads).toBe(0); // started, not yet run: the backend loads first
    await Promise.resolve();
    const store = createKeychainStore({ service, loadBackend: async () => backend });
    expect(await store.get('state-key')).toEqual({ ok: true, value: 'K1' });
    expect(backend.reads).toBe(1);
    expect(await store.get('state-key')).toEqual({ ok: true, value: 'K1' });
    expect(backend.reads).toBe(2);
  });

  it('is dropped by a change of its account, so that a get never answers with an older secret', async () => {
    const service = testService('read-ahead-stale');
    const backend = countingBackend({ 'state-key': 'OLD' });
    readAhead(service, ['state-key'], async () => backend);
    const store = createKeychainStore({ service, loadBackend: async () => backend });
    expectOk(await store.set('state-key', 'NEW'));
    expect(await store.get('state-key')).toEqual({ ok: true, value: 'NEW' });
  });

  it('serves only its own service and account', async () => {
    const service = testService('read-ahead-scope');
    const backend = countingBackend({ 'state-key': 'K', other: 'O' });
    readAhead(service, ['state-key'], async () => backend);
    const elsewhere = createKeychainStore({ service: testService('read-ahead-elsewhere'), loadBackend: async () => countingBackend({}) });
    expect(await elsewhere.get('state-key')).toEqual({ ok: true, value: null });
    const store = createKeychainStore({ service, loadBackend: async () => backend });
    expect(await store.get('other')).toEqual({ ok: true, value: 'O' });
    expect(await store.get('state-key')).toEqual({ ok: true, value: 'K' });
  });

  it('that failed is the get’s failure (KEYCHAIN_UNAVAILABLE), within the get’s timeout when it hangs', async () => {
    const failing = testService('read-ahead-failing');
    readAhead(failing, ['state-key'], async () => fakeBackend(() => Promise.reject(new Error('locked'))));
    expect(await createKeychainStore({ service: failing, loadBackend: async () => countingBackend({}) }).get('state-key')).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
    const hanging = testService('read-ahead-hanging');
    readAhead(hanging, ['state-key'], async () => fakeBackend(never));
    expect(await createKeychainStore({ service: hanging, timeoutMs: 50, loadBackend: async () => countingBackend({}) }).get('state-key')).toMatchObject({ ok: false, code: 'KEYCHAIN_TIMEOUT' });
  });
});
