/**
 * Offline use: after activation the stored machine file alone decides, with the issuer gone.
 * It stays valid until the file's own expiry, refuses a clock set back before the latest signed date,
 * and refuses a machine file (or a whole data folder) copied from another machine.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/contract/codes.js';
import type { VendorConfig } from '../../src/config/vendor-config.types.js';
import { createKeygenClient } from '../../src/keygen/client.js';
import { createLicenseManager, type ManagedLicenseManager } from '../../src/licensing/manager.js';
import { createFileStateStore } from '../../src/licensing/state-store.js';
import type { StateStore } from '../../src/licensing/state.types.js';
import { MachineService } from '../../src/machine/machine.service.js';
import { createMemoryStore, type MemoryStore } from '../../src/vault/memory.store.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { value } from '../support/result.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A one-day machine file, so that its expiry is reached quickly. */
const TTL_SECONDS = 86_400;

let t: TestIssuer;
let clock: number;
let folders: string[] = [];
const calls: string[] = [];


function newFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-offline-'));
  folders.push(folder);
  return folder;
}

function managerFor(name: string, folder: string, secrets: MemoryStore): { manager: ManagedLicenseManager; store: StateStore } {
  const config: VendorConfig = { ...t.issuer.config, checkoutTtl: TTL_SECONDS };
  const store = createFileStateStore(folder);
  const manager = createLicenseManager({
    config,
    client: createKeygenClient({ config, env: {}, now: () => clock, sleep: async () => {} }),
    state: store,
    secrets,
    machine: new MachineService({ read: async () => `machine-id-${name}` }),
    now: () => clock,
    onRequest: (call) => calls.push(call),
  });
  return { manager, store };
}

function demoKey(policy: string): { id: string; key: string } {
  const found = t.issuer.licenses.find((license) => license.policy === policy);
  if (found === undefined) throw new Error(`no demo license for ${policy}`);
  return found;
}

beforeEach(async () => {
  clock = Date.parse('2031-03-01T12:00:00.000Z');
  calls.length = 0;
  t = await startTestIssuer({ seed: 'demo', clock: () => clock });
});
afterEach(async () => {
  await t.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders = [];
});

describe('offline after activation', () => {
  it('stays VALID from the stored file with the issuer gone, until the file expires', async () => {
    const secrets = createMemoryStore();
    const { manager } = managerFor('a', newFolder(), secrets);
    const activated = value(await manager.activate(demoKey('Node-locked').key));
    const fileExpiry = Date.parse(activated.fileExpiry ?? '');
    expect(fileExpiry).toBe(clock + TTL_SECONDS * 1000);
    await t.close();

    clock += HOUR;
    const status = await manager.status();
    expect(status).toMatchObject({ licensed: true, code: 'VALID', source: 'offline' });
    expect(status.license?.entitlements).toEqual(['CORE', 'PRO']);
    expect(calls.at(-1)).toBe('validate');

    // The file expires within 3 days from the start: a warning, still licensed.
    expect(status.warnings.map((warning) => warning.code)).toEqual(['FILE_EXPIRING']);

    clock = fileExpiry - 60_000;
    expect(await manager.status()).toMatchObject({ licensed: true, code: 'VALID', source: 'offline' });

    clock = fileExpiry + 60_000;
    const expired = await manager.status();
    expect(expired).toMatchObject({ licensed: false, code: 'LICENSE_FILE_EXPIRED', source: 'offline', warnings: [] });
    expect(await manager.status({ online: false })).toMatchObject({ licensed: false, code: 'LICENSE_FILE_EXPIRED' });

    // The scheduler is told to refresh the unusable file at once.
    expect(await manager.schedule()).toMatchObject({ fileUnusable: true, renewable: true });
    expect((await manager.renew()).ok ? 'ok' : 'refused').toBe('refused');
  });

  it('a clock set back before the latest signed date (beyond the tolerance) is CLOCK_ROLLED_BACK, and setting it right recovers at once', async () => {
    const secrets = createMemoryStore();
    const { manager, store } = managerFor('a', newFolder(), secrets);
    value(await manager.activate(demoKey('Node-locked').key));
    await t.close();
    const saved = await readFile(join(store.folder, 'state.json'), 'utf8');

    const start = clock;
    clock = start + 6 * HOUR;
    expect(await manager.status()).toMatchObject({ licensed: true, code: 'VALID' });

    clock = start - 2 * HOUR;
    const rolledBack = await manager.status();
    expect(rolledBack).toMatchObject({ licensed: false, code: 'CLOCK_ROLLED_BACK', source: 'offline' });
    expect(rolledBack.message).toContain(new Date(start - 2 * HOUR).toISOString());

    // Three seconds, or a few minutes, back is drift, not a rollback.
    clock = start - 3_000;
    expect((await manager.status()).code).toBe('VALID');
    clock = start + 7 * HOUR;
    expect(await manager.status()).toMatchObject({ licensed: true, code: 'VALID' });
    // Offline checks read; they never write.
    expect(await readFile(join(store.folder, 'state.json'), 'utf8')).toBe(saved);
  });

  it('one run with a clock far ahead is never recorded: back at the right time, the machine is licensed (no lockout)', async () => {
    const folder = newFolder();
    const secrets = createMemoryStore();
    const { manager } = managerFor('a', folder, secrets);
    value(await manager.activate(demoKey('Node-locked').key));
    await t.close();
    const start = clock;
    clock = start + 20 * DAY;
    expect((await manager.status()).licensed).toBe(false);
    clock = start + HOUR;
    expect((await managerFor('a', folder, secrets).manager.status()).code).toBe('VALID');
  });

  it("the signed dates survive a restart: a new manager on the same folder still refuses a clock before them", async () => {
    const folder = newFolder();
    const secrets = createMemoryStore();
    value(await managerFor('a', folder, secrets).manager.activate(demoKey('Node-locked').key));
    await t.close();
    clock += 3 * HOUR;
    expect((await managerFor('a', folder, secrets).manager.status()).code).toBe('VALID');
    clock -= 4 * HOUR;
    expect((await managerFor('a', folder, secrets).manager.status()).code).toBe('CLOCK_ROLLED_BACK');
  });
});

describe('a machine file from another machine', () => {
  it('a data folder copied to another machine is refused (FINGERPRINT_MISMATCH)', async () => {
    const folder = newFolder();
    const secrets = createMemoryStore();
    value(await managerFor('a', folder, secrets).manager.activate(demoKey('Node-locked').key));

    const copy = newFolder();
    cpSync(folder, copy, { recursive: true });
    const elsewhere = managerFor('b', copy, secrets).manager;
    await t.close();
    expect(await elsewhere.status()).toMatchObject({ licensed: false, code: 'FINGERPRINT_MISMATCH', source: 'offline' });
  });

  it('importing another machine\'s file is refused: encrypted (cannot decrypt) and plain (FINGERPRINT_MISMATCH)', async () => {
    const license = demoKey('Node-locked');
    const folder = newFolder();
    const secrets = createMemoryStore();
    const { store } = managerFor('a', folder, secrets);
    value(await managerFor('a', folder, secrets).manager.activate(license.key));
    const certificate = value(await store.load()).licenses[0]?.certificate as string;

    const other = managerFor('b', newFolder(), createMemoryStore());
    expect((await other.manager.importFile(certificate, { licenseKey: license.key })) as Result<unknown>).toMatchObject({ ok: false, code: 'LICENSE_FILE_DECRYPTION_FAILED' });

    const machineId = value(await store.load()).licenses[0]?.machineId as string;
    const plain = await t.admin('POST', `/machines/${machineId}/actions/check-out?encrypt=false&include=license`);
    expect(plain.status, plain.text).toBe(200);
    expect(await other.manager.importFile(plain.json.data.attributes.certificate as string)).toMatchObject({ ok: false, code: 'FINGERPRINT_MISMATCH' });
    expect(value(await other.store.load()).licenses).toEqual([]);
  });
});

describe('no license', () => {
  it('is NOT_ACTIVATED, offline and online, without a request', async () => {
    const { manager } = managerFor('a', newFolder(), createMemoryStore());
    expect(await manager.status()).toMatchObject({ licensed: false, code: 'NOT_ACTIVATED', source: 'offline', license: null });
    expect(calls).toEqual([]);
    expect(await manager.schedule()).toBeNull();
  });

  it('a file that never expires stays valid offline a decade later', async () => {
    const config: VendorConfig = { ...t.issuer.config, checkoutTtl: null, offline: { allowPerpetual: true } };
    const manager = createLicenseManager({
      config,
      client: createKeygenClient({ config, env: {}, now: () => clock, sleep: async () => {} }),
      state: createFileStateStore(newFolder()),
      secrets: createMemoryStore(),
      machine: new MachineService({ read: async () => 'machine-id-a' }),
      now: () => clock,
    });
    const activated = value(await manager.activate(demoKey('Unencrypted check-out').key));
    expect(activated.fileExpiry).toBeNull();
    await t.close();
    clock += 10 * 365 * DAY;
    // The license itself (one year) has expired by then: the file is fine, the license is not.
    expect(await manager.status()).toMatchObject({ licensed: false, code: 'EXPIRED', fileExpiry: null, source: 'offline' });
  });
});
