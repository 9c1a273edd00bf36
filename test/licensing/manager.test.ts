/**
 * The license manager against the real local issuer over real sockets, with the real Keygen
 * client, a real file state store in a temporary folder and the in-memory keychain twin:
 * activation (3 requests), recognition of an activated machine, seat limits, suspension,
 * check-in, heartbeats, renewal, deactivation online and offline, imports, installed licenses
 * and seats.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VendorConfig } from '../../src/config/vendor-config.types.js';
import { createKeygenClient } from '../../src/keygen/client.js';
import type { KeygenClient } from '../../src/keygen/client.types.js';
import { createLicenseManager, type ManagedLicenseManager } from '../../src/licensing/manager.js';
import { openLicensing, type OpenedLicensing } from '../../src/licensing/runtime.js';
import { createFileStateStore } from '../../src/licensing/state-store.js';
import type { LicensingState, StateStore } from '../../src/licensing/state.types.js';
import { MachineService } from '../../src/machine/machine.service.js';
import { MACHINE_KEY_ACCOUNT } from '../../src/airgap/machine-key.js';
import { STATE_KEY_ACCOUNT } from '../../src/licensing/sealed-certificate.js';
import { createMemoryStore, type MemoryStore } from '../../src/vault/memory.store.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { TEST_SERVICE } from '../support/keychain.js';
import { codeOf, value } from '../support/result.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One simulated machine: its own fingerprint, state folder, keychain and manager. */
interface Machine {
  readonly manager: ManagedLicenseManager;
  readonly store: StateStore;
  readonly secrets: MemoryStore;
  readonly service: MachineService;
  /** Names of the client calls made, in order. */
  readonly calls: string[];
  state(): Promise<LicensingState>;
}

let t: TestIssuer;
let clock: number;
const folders: string[] = [];

function demo(policy: string): { id: string; key: string; policyId: string } {
  const found = t.issuer.licenses.find((license) => license.policy === policy);
  if (found === undefined) throw new Error(`no demo license for ${policy}`);
  return found;
}



function makeClient(config: VendorConfig): KeygenClient {
  return createKeygenClient({ config, env: {}, now: () => clock, sleep: async () => {} });
}

/** A machine named `name` (its raw machine id), optionally sharing a state folder and keychain with another. */
function machineNamed(name: string, options: { config?: Partial<VendorConfig>; folder?: string; secrets?: MemoryStore; client?: KeygenClient } = {}): Machine {
  const folder = options.folder ?? mkdtempSync(join(tmpdir(), 'tessera-manager-'));
  if (options.folder === undefined) folders.push(folder);
  const store = createFileStateStore(folder);
  const secrets = options.secrets ?? createMemoryStore();
  const service = new MachineService({ read: async () => `machine-id-${name}` });
  const calls: string[] = [];
  const config = { ...t.issuer.config, ...options.config };
  const manager = createLicenseManager({
    config,
    client: options.client ?? makeClient(config),
    state: store,
    secrets,
    machine: service,
    now: () => clock,
    onRequest: (call) => calls.push(call),
  });
  return {
    manager,
    store,
    secrets,
    service,
    calls,
    async state() {
      return value(await store.load());
    },
  };
}

async function fingerprintOf(machine: Machine): Promise<string> {
  return value(await machine.service.fingerprint());
}

async function serverMachines(licenseId: string): Promise<{ id: string; fingerprint: string }[]> {
  const response = await t.admin('GET', `/licenses/${licenseId}/machines`);
  expect(response.status).toBe(200);
  return (response.json.data as { id: string; attributes: { fingerprint: string } }[]).map((machine) => ({ id: machine.id, fingerprint: machine.attributes.fingerprint }));
}

/** The license keys a machine keeps in its secret store (its state key aside). */
async function licenseKeysOf(machine: Machine): Promise<string[]> {
  return value(await machine.secrets.list()).filter((account) => account.startsWith('license:'));
}

/** Every file under the state folder, as text: no secret may appear in any of them. */
function filesUnder(folder: string): string {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

beforeEach(async () => {
  clock = Date.parse('2031-03-01T12:00:00.000Z');
  t = await startTestIssuer({ seed: 'demo', clock: () => clock });
});
afterEach(async () => {
  await t.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('activation', () => {
  it('activates a node-locked license in exactly 3 requests and stores the key only in the keychain', async () => {
    const license = demo('Node-locked');
    const machine = machineNamed('a');
    const report = value(await machine.manager.activate(license.key));

    expect(machine.calls).toEqual(['validateKey', 'activate', 'checkOutMachine']);
    expect(report).toMatchObject({ licensed: true, code: 'VALID', source: 'online' });
    // The summary tells the same: confirmed online, not "offline".
    expect(report.summary).toMatch(/^Licensed \(confirmed online now\) until \d{1,2} [A-Z][a-z]{2} \d{4} \(machine file\)\.$/);
    expect(report.license).toMatchObject({ id: license.id, name: 'Demo: Node-locked', policy: { id: demo('Node-locked').policyId }, product: { id: t.issuer.config.product } });
    expect(report.license?.entitlements).toEqual(['CORE', 'PRO']);
    expect(report.license?.machine?.fingerprint).toBe(await fingerprintOf(machine));
    expect(report.license?.keyHint).not.toContain(license.key);
    expect(report.license?.keyHint?.startsWith(license.key.slice(0, 6))).toBe(true);
    expect(Date.parse(report.fileExpiry ?? '')).toBeGreaterThan(clock);

    expect(value(await machine.secrets.get(`license:${license.id}`))).toBe(license.key);
    const state = await machine.state();
    expect(state.licenses).toHaveLength(1);
    expect(state.licenses[0]).toMatchObject({ id: license.id, kind: 'machine', source: 'activation', fingerprint: await fingerprintOf(machine), licenseKeyRef: `license:${license.id}` });
    // The validation's signed date is kept as the latest time seen (whole seconds, as HTTP dates go).
    expect(Date.parse(state.timeWitness?.date ?? '')).toBe(Math.floor(clock / 1000) * 1000);
    expect(filesUnder(machine.store.folder)).not.toContain(license.key);

    const servers = await serverMachines(license.id);
    expect(servers).toEqual([{ id: state.licenses[0]?.machineId, fingerprint: await fingerprintOf(machine) }]);

    // The stored file decides offline, without a single request.
    const offline = await machine.manager.status({ online: false });
    expect(offline).toMatchObject({ licensed: true, code: 'VALID', source: 'offline' });
    expect(machine.calls).toHaveLength(3);
    const online = await machine.manager.status();
    expect(online).toMatchObject({ licensed: true, code: 'VALID', source: 'online' });
    expect(machine.calls.at(-1)).toBe('validate');
  });

  it('refuses before taking a seat when the keychain cannot store the key (no request sent)', async () => {
    const broken = createMemoryStore();
    const unavailable = { ok: false as const, code: 'KEYCHAIN_UNAVAILABLE' as const, message: 'no keychain' };
    broken.list = async () => unavailable;
    broken.set = async () => unavailable;
    const license = demo('Floating (3 seats)');
    const before = (await serverMachines(license.id)).length;
    const m = machineNamed('no-keychain', { secrets: broken });
    expect(codeOf(await m.manager.activate(license.key))).toBe('KEYCHAIN_UNAVAILABLE');
    expect(m.calls).toEqual([]);
    expect((await serverMachines(license.id)).length).toBe(before);
  });

  it('recognises a machine that is already activated instead of activating it twice', async () => {
    const license = demo('Node-locked');
    value(await machineNamed('a').manager.activate(license.key));
    // The same machine after its local state was lost: same fingerprint, empty state and keychain.
    const reinstalled = machineNamed('a');
    const report = value(await reinstalled.manager.activate(license.key));

    expect(report.licensed).toBe(true);
    expect(reinstalled.calls).toEqual(['validateKey', 'machine', 'checkOutMachine']);
    expect(await serverMachines(license.id)).toHaveLength(1);
    expect((await reinstalled.state()).licenses).toHaveLength(1);
  });

  it('a node-locked license already used elsewhere refuses this machine', async () => {
    const license = demo('Node-locked');
    value(await machineNamed('a').manager.activate(license.key));
    const other = machineNamed('b');
    const result = await other.manager.activate(license.key);
    expect(codeOf(result)).toBe('MACHINE_LIMIT_EXCEEDED');
    expect((await other.state()).licenses).toEqual([]);
    expect(await licenseKeysOf(other)).toEqual([]);
  });

  it('a floating license takes 3 machines and refuses the 4th with MACHINE_LIMIT_EXCEEDED', async () => {
    const license = demo('Floating (3 seats)');
    for (const name of ['a', 'b', 'c']) expect(value(await machineNamed(name).manager.activate(license.key)).licensed).toBe(true);
    const fourth = machineNamed('d');
    expect(codeOf(await fourth.manager.activate(license.key))).toBe('MACHINE_LIMIT_EXCEEDED');
    expect(await serverMachines(license.id)).toHaveLength(3);
    expect((await fourth.manager.status({ online: false })).code).toBe('NOT_ACTIVATED');
  });

  it('refuses a suspended license and an unknown key with their Keygen codes, storing nothing', async () => {
    const machine = machineNamed('a');
    expect(codeOf(await machine.manager.activate(demo('Suspended').key))).toBe('SUSPENDED');
    expect(codeOf(await machine.manager.activate('NOT-A-REAL-KEY-0000'))).toBe('NOT_FOUND');
    expect(codeOf(await machine.manager.activate('has spaces in it'))).toBe('LICENSE_INVALID');
    expect((await machine.state()).licenses).toEqual([]);
    expect(await licenseKeysOf(machine)).toEqual([]);
  });

  it('reports ENTITLEMENTS_MISSING when the vendor requires an entitlement the license lacks', async () => {
    const machine = machineNamed('a', { config: { requiredEntitlements: ['OFFLINE'] } });
    expect(codeOf(await machine.manager.activate(demo('Node-locked').key))).toBe('ENTITLEMENTS_MISSING');
  });
});

describe('check-in, heartbeat and renewal', () => {
  it('a check-in-required license becomes OVERDUE when its check-in passes, and a check-in restores it', async () => {
    const license = demo('Check-in required');
    const machine = machineNamed('a');
    const activated = value(await machine.manager.activate(license.key));
    const nextCheckIn = Date.parse(activated.nextCheckIn ?? '');
    expect(nextCheckIn).toBeGreaterThan(clock);

    clock = nextCheckIn - HOUR;
    const soon = await machine.manager.status({ online: false });
    expect(soon).toMatchObject({ licensed: true, code: 'VALID' });
    expect(soon.warnings.map((warning) => warning.code)).toContain('CHECK_IN_OVERDUE');

    clock = nextCheckIn + 60_000;
    expect(await machine.manager.status({ online: false })).toMatchObject({ licensed: false, code: 'OVERDUE', source: 'offline' });
    expect(await machine.manager.status()).toMatchObject({ licensed: false, code: 'OVERDUE', source: 'online' });

    const before = (await machine.state()).licenses[0]?.certificate;
    const checkedIn = value(await machine.manager.checkIn());
    expect(checkedIn).toMatchObject({ licensed: true, code: 'VALID', source: 'online' });
    expect(Date.parse(checkedIn.lastCheckIn ?? '')).toBe(clock);
    expect(Date.parse(checkedIn.nextCheckIn ?? '')).toBe(clock + DAY);
    const record = (await machine.state()).licenses[0];
    // The check-in's signed answer is kept (sealed: a license resource names its key); it, not an
    // editable field, carries the new deadline.
    expect(record?.evidence.confirmation?.body.startsWith('tessera-sealed:v1:')).toBe(true);
    expect((await machineNamed('a', { folder: machine.store.folder, secrets: machine.secrets }).manager.status({ online: false })).nextCheckIn).toBe(checkedIn.nextCheckIn);
    expect(record?.certificate).not.toBe(before);
    expect(machine.calls.slice(-2)).toEqual(['checkIn', 'checkOutMachine']);
  });

  it('a license without check-in answers CHECK_IN_NOT_REQUIRED', async () => {
    const machine = machineNamed('a');
    value(await machine.manager.activate(demo('Node-locked').key));
    expect(codeOf(await machine.manager.checkIn())).toBe('CHECK_IN_NOT_REQUIRED');
  });

  it('a heartbeat license is alive after activation and pings on demand', async () => {
    const license = demo('Heartbeat required');
    const machine = machineNamed('a');
    value(await machine.manager.activate(license.key));
    // The server starts the heartbeat on activation (ALIVE): no extra ping is needed.
    expect(machine.calls).toEqual(['validateKey', 'activate', 'checkOutMachine']);
    expect(await machine.manager.status()).toMatchObject({ licensed: true, code: 'VALID', source: 'online' });

    clock += 5 * 60_000;
    expect(value(await machine.manager.heartbeat())).toEqual({ sent: true });
    expect(machine.calls.at(-1)).toBe('ping');
    const [seat] = await t.admin('GET', `/licenses/${license.id}/machines`).then((response) => response.json.data as { attributes: { lastHeartbeat: string } }[]);
    expect(Date.parse(seat?.attributes.lastHeartbeat ?? '')).toBe(clock);

    const plan = await machine.manager.schedule();
    expect(plan?.heartbeatSeconds).toBe(600);
  });

  it('starts the heartbeat itself when the server reports it NOT_STARTED after activation', async () => {
    const license = demo('Heartbeat required');
    const real = makeClient(t.issuer.config);
    const notStarted: KeygenClient = {
      ...real,
      activate: async (...args) => {
        const created = await real.activate(...args);
        return created.ok ? { ok: true, value: { ...created.value, attributes: { ...created.value.attributes, heartbeatStatus: 'NOT_STARTED' } } } : created;
      },
    };
    const machine = machineNamed('a', { client: notStarted });
    value(await machine.manager.activate(license.key));
    expect(machine.calls).toEqual(['validateKey', 'activate', 'checkOutMachine', 'ping']);
  });

  it('a missed heartbeat loses the seat: online says so, and the signed answer is kept, so offline says so too', async () => {
    const machine = machineNamed('a');
    value(await machine.manager.activate(demo('Heartbeat required').key));
    clock += 11 * 60_000;
    // The server culls a dead machine (Keygen's default DEACTIVATE_DEAD): this machine has no seat any more.
    expect(await machine.manager.status()).toMatchObject({ licensed: false, code: 'NO_MACHINES', source: 'online' });
    // The file alone would still verify; the kept refusal outranks it.
    expect(await machine.manager.status({ online: false })).toMatchObject({ licensed: false, code: 'MACHINE_DEACTIVATED', source: 'offline' });
    // A heartbeat says the seat is gone (404), and the schedule stops pinging.
    expect(codeOf(await machine.manager.heartbeat())).toBe('MACHINE_DEACTIVATED');
    expect(await machine.manager.schedule()).toMatchObject({ machineGone: true });
  });

  it('a license without heartbeats sends none', async () => {
    const machine = machineNamed('a');
    value(await machine.manager.activate(demo('Node-locked').key));
    expect(value(await machine.manager.heartbeat())).toEqual({ sent: false });
    expect(machine.calls).not.toContain('ping');
    expect((await machine.manager.schedule())?.heartbeatSeconds).toBeNull();
  });

  it('renew checks out a fresh machine file and replaces the stored one', async () => {
    const machine = machineNamed('a', { config: { checkoutTtl: 7 * 24 * 3600 } });
    const first = value(await machine.manager.activate(demo('Node-locked').key));
    const before = (await machine.state()).licenses[0];

    clock += 2 * DAY;
    const renewed = value(await machine.manager.renew());
    const after = (await machine.state()).licenses[0];
    expect(renewed).toMatchObject({ licensed: true, code: 'VALID' });
    expect(after?.certificate).not.toBe(before?.certificate);
    expect(after?.installedAt).toBe(before?.installedAt);
    expect(after?.updatedAt).toBe(clock);
    expect(Date.parse(renewed.fileExpiry ?? '') - Date.parse(first.fileExpiry ?? '')).toBe(2 * DAY);
    expect(machine.calls.at(-1)).toBe('checkOutMachine');
  });
  it('renew brings back a file that expired offline', async () => {
    const machine = machineNamed('a', { config: { checkoutTtl: 3600 } });
    value(await machine.manager.activate(demo('Node-locked').key));
    clock += 2 * HOUR;
    expect((await machine.manager.status({ online: false })).code).toBe('LICENSE_FILE_EXPIRED');
    // The server still says VALID: online, the machine is licensed even with an expired file.
    expect(await machine.manager.status()).toMatchObject({ licensed: true, code: 'VALID', source: 'online' });
    expect(value(await machine.manager.renew())).toMatchObject({ licensed: true, code: 'VALID', fileExpiry: new Date(clock + HOUR).toISOString() });
    expect(await machine.manager.status({ online: false })).toMatchObject({ licensed: true, code: 'VALID' });
  });
});

describe('reads', () => {
  it('status online twenty times writes the state at most once: an answer that says nothing new is not kept again for minutes', async () => {
    const license = demo('Node-locked');
    const folder = mkdtempSync(join(tmpdir(), 'tessera-manager-'));
    folders.push(folder);
    const machine = machineNamed('a', { folder });
    value(await machine.manager.activate(license.key));
    const stateFile = join(folder, 'state.json');
    const seen = new Set<string>([readFileSync(stateFile, 'utf8')]);
    for (let read = 0; read < 20; read += 1) {
      expect((await machine.manager.status()).source).toBe('online');
      seen.add(readFileSync(stateFile, 'utf8'));
    }
    // The first status may keep its confirmation; the nineteen after it write nothing.
    expect(seen.size).toBeLessThanOrEqual(2);
    expect(seen.size).toBeGreaterThanOrEqual(1);
  });
});

describe('deactivation', () => {
  it('deactivating online frees the seat and wipes the local state and the key', async () => {
    const license = demo('Node-locked');
    const machine = machineNamed('a');
    value(await machine.manager.activate(license.key));
    const machineId = (await machine.state()).licenses[0]?.machineId;

    expect(value(await machine.manager.deactivate())).toEqual({ licenseId: license.id, machineId });
    expect(await serverMachines(license.id)).toEqual([]);
    expect((await machine.state()).licenses).toEqual([]);
    // No license key is left; this machine's own key and the state's sealing key stay.
    expect(await licenseKeysOf(machine)).toEqual([]);
    expect(value(await machine.secrets.list())).toEqual([MACHINE_KEY_ACCOUNT, STATE_KEY_ACCOUNT]);
    expect((await machine.manager.status()).code).toBe('NOT_ACTIVATED');
    expect(codeOf(await machine.manager.deactivate())).toBe('NOT_ACTIVATED');

    // The seat is free for another machine.
    expect(value(await machineNamed('b').manager.activate(license.key)).licensed).toBe(true);
  });

  it('a machine already deleted on the server is removed locally too', async () => {
    const license = demo('Node-locked');
    const machine = machineNamed('a');
    value(await machine.manager.activate(license.key));
    const machineId = (await machine.state()).licenses[0]?.machineId as string;
    expect((await t.admin('DELETE', `/machines/${machineId}`)).status).toBe(204);

    expect(value(await machine.manager.deactivate())).toEqual({ licenseId: license.id, machineId });
    expect((await machine.state()).licenses).toEqual([]);
  });

  it('with the issuer unreachable, the license stops licensing here at once and the seat is freed by the next run', async () => {
    const license = demo('Node-locked');
    // A network that can be cut: every call fails as unreachable while `cut` is set.
    const network = { cut: false };
    const real = makeClient(t.issuer.config);
    const unreachable = { ok: false as const, code: 'ISSUER_UNREACHABLE' as const, message: 'unreachable' };
    const cuttable = Object.fromEntries(
      Object.entries(real).map(([name, call]) => [name, (...args: unknown[]) => (network.cut ? Promise.resolve(unreachable) : (call as (...a: unknown[]) => unknown)(...args))]),
    ) as unknown as KeygenClient;
    const machine = machineNamed('a', { client: cuttable });
    value(await machine.manager.activate(license.key));
    network.cut = true;

    expect(codeOf(await machine.manager.deactivate())).toBe('DEACTIVATION_INCOMPLETE');
    const [marked] = (await machine.state()).licenses;
    expect(marked?.deactivating).toBe(clock);
    expect(value(await machine.secrets.get(`license:${license.id}`))).toBe(license.key);
    const status = await machine.manager.status();
    expect(status).toMatchObject({ licensed: false, code: 'NOT_ACTIVATED' });
    expect(status.warnings.map((warning) => warning.code)).toContain('DEACTIVATION_PENDING');

    // The network is back: the next run frees the seat and forgets the license.
    network.cut = false;
    expect(value(await machine.manager.deactivate())).toEqual({ licenseId: license.id, machineId: marked?.machineId });
    expect((await machine.state()).licenses).toEqual([]);
    expect(await serverMachines(license.id)).toEqual([]);
  });

  it('a license key whose record is gone (a crash between removing the record and its key) is cleaned up by the next deactivation or scheduled run', async () => {
    const kept = demo('Node-locked');
    const machine = machineNamed('a');
    value(await machine.manager.activate(kept.key));
    // Left behind: keys of licenses with no record and no activation in flight.
    value(await machine.secrets.set('license:00000000-0000-4000-8000-000000000001', 'ORPHAN-ONE'));
    value(await machine.secrets.set('license:00000000-0000-4000-8000-000000000002', 'ORPHAN-TWO'));
    expect(await licenseKeysOf(machine)).toHaveLength(3);
    await machine.manager.schedule();
    // The installed license keeps its key; the orphans are gone.
    expect(await licenseKeysOf(machine)).toEqual([`license:${kept.id}`]);

    value(await machine.secrets.set('license:00000000-0000-4000-8000-000000000003', 'ORPHAN-THREE'));
    value(await machine.manager.deactivate());
    expect(await licenseKeysOf(machine)).toEqual([]);
  });
});

describe('import', () => {
  /** A machine file for `fingerprint`, checked out with the admin token. */
  async function machineFile(licenseId: string, fingerprint: string, encrypt: boolean): Promise<string> {
    const created = await t.admin('POST', '/machines', {
      data: { type: 'machines', attributes: { fingerprint }, relationships: { license: { data: { type: 'licenses', id: licenseId } } } },
    });
    expect(created.status, created.text).toBe(201);
    const checkout = await t.admin('POST', `/machines/${created.json.data.id}/actions/check-out?encrypt=${encrypt}&include=license,license.entitlements`);
    expect(checkout.status, checkout.text).toBe(200);
    return checkout.json.data.attributes.certificate as string;
  }

  async function licenseFile(licenseId: string, encrypt: boolean): Promise<string> {
    const checkout = await t.admin('POST', `/licenses/${licenseId}/actions/check-out?encrypt=${encrypt}&include=entitlements,policy,product`);
    expect(checkout.status, checkout.text).toBe(200);
    return checkout.json.data.attributes.certificate as string;
  }

  it('an encrypted machine file needs its license key; with it the license is installed', async () => {
    const license = demo('Node-locked');
    const machine = machineNamed('a');
    const certificate = await machineFile(license.id, await fingerprintOf(machine), true);

    expect(codeOf(await machine.manager.importFile(certificate))).toBe('LICENSE_KEY_REQUIRED');
    expect((await machine.state()).licenses).toEqual([]);

    const installed = value(await machine.manager.importFile(certificate, { licenseKey: license.key }));
    expect(installed).toMatchObject({ id: license.id, kind: 'machine', source: 'import', active: true, licensed: true, code: 'VALID' });
    expect(value(await machine.secrets.get(`license:${license.id}`))).toBe(license.key);
    expect(machine.calls).toEqual([]);
    expect(await machine.manager.status({ online: false })).toMatchObject({ licensed: true, code: 'VALID' });
    // An imported machine file of an activated machine can be renewed and deactivated online.
    expect(value(await machine.manager.renew()).licensed).toBe(true);
  });

  it('refuses a wrong key, a tampered file and a machine file of another machine', async () => {
    const license = demo('Node-locked');
    const machine = machineNamed('a');
    const certificate = await machineFile(license.id, 'f'.repeat(64), true);
    expect(codeOf(await machine.manager.importFile(certificate, { licenseKey: license.key }))).toBe('LICENSE_FILE_DECRYPTION_FAILED');
    const plain = await machineFile(demo('Floating (3 seats)').id, 'e'.repeat(64), false);
    expect(codeOf(await machine.manager.importFile(plain))).toBe('FINGERPRINT_MISMATCH');
    const mine = await machineFile(demo('Floating (3 seats)').id, await fingerprintOf(machine), true);
    expect(codeOf(await machine.manager.importFile(mine, { licenseKey: license.key }))).toBe('LICENSE_FILE_DECRYPTION_FAILED');
    const tampered = mine.replace(/^(-----BEGIN MACHINE FILE-----\n)(.)/, (_, head: string, first: string) => head + (first === 'A' ? 'B' : 'A'));
    expect(codeOf(await machine.manager.importFile(tampered, { licenseKey: demo('Floating (3 seats)').key }))).toMatch(/^LICENSE_FILE_(NOT_GENUINE|MALFORMED)$/);
    expect(codeOf(await machine.manager.importFile('not a license file'))).toBe('LICENSE_FILE_MALFORMED');
    expect((await machine.state()).licenses).toEqual([]);
  });

  it('keeps several licenses side by side; the first stays active until another is chosen; re-importing one replaces it', async () => {
    const machine = machineNamed('a', { config: { offline: { licenseFiles: 'always' } } });
    const plainLicense = demo('Unencrypted check-out');
    const plain = await licenseFile(plainLicense.id, false);
    const first = value(await machine.manager.importFile(plain));
    expect(first).toMatchObject({ id: plainLicense.id, kind: 'license', licensed: true, active: true, pinned: true });
    expect(first.license?.keyHint).not.toBe(plainLicense.key);
    // The key the unencrypted file carries goes to the secret store; the file is kept sealed, so no key is on disk.
    expect(value(await machine.secrets.get(`license:${plainLicense.id}`))).toBe(plainLicense.key);
    expect(filesUnder(machine.store.folder)).not.toContain(plainLicense.key);

    clock += 60_000;
    const floating = demo('Floating (3 seats)');
    const second = value(await machine.manager.importFile(await licenseFile(floating.id, true), { licenseKey: floating.key }));
    // Never switched silently: the license chosen first stays the active one.
    expect(second).toMatchObject({ id: floating.id, active: false, pinned: false });
    expect(value(await machine.manager.get(plainLicense.id)).active).toBe(true);

    clock += 60_000;
    value(await machine.manager.importFile(await licenseFile(plainLicense.id, false)));
    const state = await machine.state();
    expect(state.licenses.map((record) => record.id).sort()).toEqual([plainLicense.id, floating.id].sort());
    expect((await machine.manager.status({ online: false })).license?.id).toBe(plainLicense.id);

    const chosen = value(await machine.manager.update(floating.id, { pinned: true, label: '  Office  ' }));
    expect(chosen).toMatchObject({ pinned: true, label: 'Office', active: true });
    expect((await machine.manager.status({ online: false })).license?.id).toBe(floating.id);
    value(await machine.manager.update(plainLicense.id, { pinned: true }));
    expect(value(await machine.manager.get(floating.id)).pinned).toBe(false);
    expect(codeOf(await machine.manager.update('00000000-0000-4000-8000-000000000000', { label: 'x' }))).toBe('LICENSE_NOT_INSTALLED');
    await expect(machine.manager.update(floating.id, { label: 'two\nlines' })).rejects.toThrow(TypeError);

    // None chosen again: the first installed answers, and the person is told to choose — in the app's terms too.
    value(await machine.manager.update(plainLicense.id, { pinned: false }));
    const report = await machine.manager.status({ online: false });
    expect(report.license?.id).toBe(plainLicense.id);
    const several = report.warnings.find((warning) => warning.code === 'SEVERAL_LICENSES');
    expect(several?.message).toContain('tessera licenses use ID');
    expect(several?.uiMessage).toMatch(/^2 licenses are installed and none was chosen, .*: choose one with "Use" under Installed licenses\.$/);
  });
});

describe('installed licenses', () => {
  it('a damaged state set aside is a warning until dismissed, told without a command in the app', async () => {
    const machine = machineNamed('a');
    value(await machine.store.update((current) => ({ ok: true, value: { state: { ...current, setAside: [{ name: 'state.json.corrupt-1', at: clock }] }, value: undefined } })));
    const [warning] = (await machine.manager.status({ online: false })).warnings;
    expect(warning).toMatchObject({ code: 'STATE_SET_ASIDE', at: new Date(clock).toISOString() });
    expect(warning?.message).toContain('as state.json.corrupt-1');
    expect(warning?.message).toContain('tessera licenses dismiss-notices');
    expect(warning?.uiMessage).toContain('as state.json.corrupt-1');
    expect(warning?.uiMessage).not.toContain('tessera');
    value(await machine.manager.dismissNotices());
    expect((await machine.manager.status({ online: false })).warnings).toEqual([]);
  });

  it('pages by install time with the record id as cursor, and removes a license with its key', async () => {
    // License files of licenses with a machine limit: this vendor lets them license a machine.
    const machine = machineNamed('a', { config: { offline: { licenseFiles: 'always' } } });
    const policies = ['Node-locked', 'Floating (3 seats)', 'Check-in required'];
    for (const policy of policies) {
      clock += 1000;
      const license = demo(policy);
      const checkout = await t.admin('POST', `/licenses/${license.id}/actions/check-out?encrypt=true`);
      value(await machine.manager.importFile(checkout.json.data.attributes.certificate as string, { licenseKey: license.key }));
    }
    const ids = policies.map((policy) => demo(policy).id);

    const first = value(await machine.manager.installed({ limit: 2 }));
    expect(first.data.map((entry) => entry.id)).toEqual(ids.slice(0, 2));
    expect(first.next).toBe(ids[1]);
    const second = value(await machine.manager.installed({ after: first.next ?? undefined, limit: 2 }));
    expect(second.data.map((entry) => entry.id)).toEqual(ids.slice(2));
    expect(second.next).toBeNull();
    expect(value(await machine.manager.installed({ limit: 1000 })).data).toHaveLength(3);
    expect(value(await machine.manager.installed({ after: 'unknown' })).data).toEqual([]);

    value(await machine.manager.remove(ids[0] as string));
    expect(codeOf(await machine.manager.get(ids[0] as string))).toBe('LICENSE_NOT_INSTALLED');
    expect(codeOf(await machine.manager.remove(ids[0] as string))).toBe('LICENSE_NOT_INSTALLED');
    expect(await licenseKeysOf(machine)).toEqual(ids.slice(1).map((id) => `license:${id}`).sort());
    expect(machine.calls).toEqual([]);
  });
});

describe('seats', () => {
  it('lists the seats with this machine marked, and deactivates several, reporting each', async () => {
    const license = demo('Floating (3 seats)');
    const machines = ['a', 'b', 'c'].map((name) => machineNamed(name));
    for (const machine of machines) value(await machine.manager.activate(license.key));
    const [a, b, c] = machines as [Machine, Machine, Machine];
    const idOf = async (machine: Machine) => (await machine.state()).licenses[0]?.machineId as string;

    const listed = value(await a.manager.seats({ licenseKey: license.key }));
    expect(listed.data).toHaveLength(3);
    expect(listed.next).toBeNull();
    expect(listed.data.filter((seat) => seat.current).map((seat) => seat.id)).toEqual([await idOf(a)]);
    expect(a.calls.at(-1)).toBe('licenseMachines');

    const paged = value(await a.manager.seats({ adminToken: t.issuer.adminToken, licenseId: license.id }, { number: 1, size: 2 }));
    expect(paged.data).toHaveLength(2);
    expect(paged.next).toBe('2');

    // A key that is not installed here is looked up on the server.
    const stranger = machineNamed('z');
    expect(value(await stranger.manager.seats({ licenseKey: license.key })).data.every((seat) => !seat.current)).toBe(true);
    expect(stranger.calls).toEqual(['validateKey', 'licenseMachines']);

    const progress: [number, number][] = [];
    const outcome = value(
      await a.manager.deactivateSeats({ adminToken: t.issuer.adminToken, licenseId: license.id }, [await idOf(b), 'no-such-machine', await idOf(c)], (done, total) =>
        progress.push([done, total]),
      ),
    );
    // A few at a time: the order in which they settle may vary.
    expect([...outcome.deactivated].sort()).toEqual([await idOf(b), await idOf(c)].sort());
    // A seat the server does not have is already gone: done, not failed.
    expect(outcome.alreadyGone).toEqual(['no-such-machine']);
    expect(outcome.failed).toEqual([]);
    expect(progress).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect((await serverMachines(license.id)).map((machine) => machine.fingerprint)).toEqual([await fingerprintOf(a)]);

    expect(codeOf(await a.manager.seats({ adminToken: '', licenseId: license.id }))).toBe('ADMIN_CREDENTIALS_REQUIRED');
  });

  it('the active license speaks for its own seats with the key kept in the keychain', async () => {
    const license = demo('Floating (3 seats)');
    const machine = machineNamed('a');
    expect(codeOf(await machine.manager.seats({ activeLicense: true }))).toBe('NOT_ACTIVATED');
    value(await machine.manager.activate(license.key));
    const other = machineNamed('b');
    value(await other.manager.activate(license.key));
    const seats = value(await machine.manager.seats({ activeLicense: true }));
    expect(seats.data.map((seat) => seat.current).sort()).toEqual([false, true]);
    const stranger = seats.data.find((seat) => !seat.current)?.id as string;
    expect(value(await machine.manager.deactivateSeats({ activeLicense: true }, [stranger]))).toEqual({ deactivated: [stranger], alreadyGone: [], failed: [], notAttempted: [], stopped: null });
    expect((await serverMachines(license.id)).map((entry) => entry.fingerprint)).toEqual([await fingerprintOf(machine)]);
  });

  it('deactivating this machine\'s own seat removes its local license', async () => {
    const license = demo('Floating (3 seats)');
    const machine = machineNamed('a');
    value(await machine.manager.activate(license.key));
    const own = (await machine.state()).licenses[0]?.machineId as string;
    const outcome = value(await machine.manager.deactivateSeats({ licenseKey: license.key }, [own]));
    expect(outcome).toEqual({ deactivated: [own], alreadyGone: [], failed: [], notAttempted: [], stopped: null });
    expect((await machine.state()).licenses).toEqual([]);
    // No license key is left; this machine's own key and the state's sealing key stay.
    expect(await licenseKeysOf(machine)).toEqual([]);
    expect(value(await machine.secrets.list())).toEqual([MACHINE_KEY_ACCOUNT, STATE_KEY_ACCOUNT]);
  });
});

describe('online answers that cannot be trusted', () => {
  it('an unverifiable answer is not licensed with its code, and the installation stays', async () => {
    const license = demo('Node-locked');
    const folder = mkdtempSync(join(tmpdir(), 'tessera-manager-'));
    folders.push(folder);
    const secrets = createMemoryStore();
    value(await machineNamed('a', { folder, secrets }).manager.activate(license.key));

    const real = makeClient(t.issuer.config);
    for (const code of ['RESPONSE_SIGNATURE_INVALID', 'RESPONSE_NONCE_MISMATCH', 'RESPONSE_SCOPE_MISMATCH'] as const) {
      const forged: KeygenClient = { ...real, validate: async () => ({ ok: false, code, message: code }) };
      const machine = machineNamed('a', { folder, secrets, client: forged });
      expect(await machine.manager.status()).toMatchObject({ licensed: false, code, source: 'online' });
      expect((await machine.state()).licenses).toHaveLength(1);
      expect(await machine.manager.status({ online: false })).toMatchObject({ licensed: true, code: 'VALID' });
    }
  });

  it('a refusal from the server overrides a valid file', async () => {
    const license = demo('Node-locked');
    const machine = machineNamed('a');
    value(await machine.manager.activate(license.key));
    expect((await t.admin('POST', `/licenses/${license.id}/actions/suspend`)).status).toBe(200);
    const report = await machine.manager.status();
    expect(report.licensed).toBe(false);
    expect(report.code).toBe('SUSPENDED');
    expect(report.source).toBe('online');
    // The signed refusal is kept: offline, the verdict says the same until the server says otherwise.
    expect(await machine.manager.status({ online: false })).toMatchObject({ licensed: false, code: 'SUSPENDED', source: 'offline' });
    expect((await t.admin('POST', `/licenses/${license.id}/actions/reinstate`)).status).toBe(200);
    expect(await machine.manager.status()).toMatchObject({ licensed: true, code: 'VALID', source: 'online' });
    expect(await machine.manager.status({ online: false })).toMatchObject({ licensed: true, code: 'VALID' });
  });
});

describe('openLicensing (the composition root)', () => {
  it('opens the core for a configuration file in the data folder named by TESSERA_HOME', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tessera-home-'));
    folders.push(home);
    const configPath = join(home, 'vendor.json');
    writeFileSync(configPath, JSON.stringify(t.issuer.config));
    const opened = await openLicensing({ configPath, env: { TESSERA_HOME: home, TESSERA_KEYCHAIN_SERVICE: TEST_SERVICE } });
    if (!opened.ok) throw new Error(`expected a runtime, got ${opened.code}`);
    const runtime = opened.value as OpenedLicensing;
    expect(runtime.dataFolder).toBe(home);
    expect(runtime.source).toEqual({ kind: 'file', path: configPath });
    expect(runtime.config).toMatchObject({ apiUrl: t.issuer.config.apiUrl, account: t.issuer.config.account });
    expect(await runtime.manager.status()).toMatchObject({ licensed: false, code: 'NOT_ACTIVATED' });
    expect(await runtime.manager.installed()).toEqual({ ok: true, value: { data: [], next: null } });

    const scheduler = runtime.startScheduler();
    expect(runtime.startScheduler()).toBe(scheduler);
    await runtime.close();
    await runtime.close();
    expect(() => runtime.startScheduler()).toThrow(/closed/);
  });

  it('reports a missing or invalid configuration', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tessera-home-'));
    folders.push(home);
    const missing = await openLicensing({ configPath: join(home, 'absent.json'), env: { TESSERA_HOME: home, TESSERA_KEYCHAIN_SERVICE: TEST_SERVICE } });
    expect(codeOf(missing)).toBe('CONFIG_NOT_FOUND');
    const invalidPath = join(home, 'invalid.json');
    writeFileSync(invalidPath, JSON.stringify({ ...t.issuer.config, publicKey: 'not a key' }));
    expect(codeOf(await openLicensing({ configPath: invalidPath, env: { TESSERA_HOME: home, TESSERA_KEYCHAIN_SERVICE: TEST_SERVICE } }))).toBe('PUBLIC_KEY_INVALID');
    writeFileSync(invalidPath, '{"apiUrl": 1}');
    expect(codeOf(await openLicensing({ configPath: invalidPath, env: { TESSERA_HOME: home, TESSERA_KEYCHAIN_SERVICE: TEST_SERVICE } }))).toBe('CONFIG_INVALID');
  });
});
