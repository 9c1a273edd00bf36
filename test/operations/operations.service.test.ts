/**
 * The core side of the contract: every operation's input is parsed with the contract's schema
 * before the license manager hears of it, seat access maps to the manager's credentials, and
 * settings and diagnostics never carry a secret.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_ACCOUNT } from '../../src/admin/admin-session.js';
import type { Result } from '../../src/contract/codes.js';
import { fail } from '../../src/contract/messages.js';
import { OPERATION_SCHEMAS } from '../../src/contract/operation-schemas.js';
import { createBridge, OPERATION_NAMES, OPERATIONS, type OperationName } from '../../src/contract/operations.js';
import type { InstalledLicense, LicenseManager, StatusReport } from '../../src/licensing/manager.types.js';
import type { LicensingRuntime } from '../../src/licensing/runtime.types.js';
import { createOperationsService } from '../../src/operations/operations.service.js';
import { createMemoryStore } from '../../src/vault/memory.store.js';

const KEY = 'C1B6DE-39A6E3-DE1529-8559A0-4AF593-V3';
const scratch = mkdtempSync(join(tmpdir(), 'tessera-operations-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const FINGERPRINT = '4f1c7e0b9a2d3c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6';
const REPORT: StatusReport = {
  licensed: true,
  code: 'VALID',
  message: 'The license is valid.',
  summary: 'The license is valid.',
  source: 'offline',
  license: {
    id: 'lic-1',
    name: 'Acme Pro',
    keyHint: 'C1B6DE…V3',
    status: 'ACTIVE',
    expiry: null,
    policy: { id: 'pol-1', name: null },
    product: null,
    entitlements: ['CORE'],
    machine: { id: 'm-1', name: 'box', fingerprint: FINGERPRINT },
  },
  fileExpiry: '2031-01-01T00:00:00.000Z',
  lastCheckIn: null,
  nextCheckIn: null,
  basis: null,
  warnings: [],
};

function harness(
  env: Record<string, string> = {},
  source: LicensingRuntime['source'] = { kind: 'file', path: '/etc/tessera/tessera.config.json' },
  dataFolder = '/home/ada/.local/share/tessera',
) {
  const calls: { method: string; args: unknown[] }[] = [];
  const record =
    <T>(method: string, answer: T) =>
    async (...args: unknown[]): Promise<T> => {
      calls.push({ method, args });
      return answer;
    };
  const ok = <T>(value: T): Result<T> => ({ ok: true, value });
  const manager = {
    activate: record('activate', ok(REPORT)),
    status: record('status', REPORT),
    checkIn: record('checkIn', ok(REPORT)),
    renew: record('renew', ok(REPORT)),
    deactivate: record('deactivate', ok({ licenseId: 'lic-1', machineId: 'm-1' })),
    heartbeat: record('heartbeat', ok({ sent: false })),
    importFile: record('importFile', fail('LICENSE_FILE_NOT_GENUINE')),
    installed: record('installed', ok({ data: [], next: null })),
    dismissNotices: record('dismissNotices', ok(undefined)),
    get: record('get', fail('LICENSE_NOT_INSTALLED')),
    update: record('update', fail('LICENSE_NOT_INSTALLED')),
    remove: record('remove', ok(undefined)),
    seats: record('seats', ok({ data: [], next: null })),
    deactivateSeats: record('deactivateSeats', ok({ deactivated: ['m-2'], alreadyGone: [], failed: [], notAttempted: [], stopped: null })),
    seatAccess: record('seatAccess', fail('NOT_ACTIVATED')),
    seatsDeactivated: record('seatsDeactivated', undefined),
  } satisfies LicenseManager;
  const runtime: LicensingRuntime = {
    manager,
    config: { apiUrl: 'https://licensing.example', account: 'acme', product: null, publicKey: 'a'.repeat(64) },
    source,
    dataFolder: env.DATA_FOLDER ?? dataFolder,
    secrets: createMemoryStore(),
    secretStorage: { mode: 'keychain', filePath: '/home/ada/.local/share/tessera/secrets/secrets.json' },
    close: async () => undefined,
  };
  const service = createOperationsService({ runtime, shell: 'console', version: '9.9.9', env, fingerprint: async () => FINGERPRINT, now: () => Date.parse('2030-05-01T00:00:00Z') });
  return { service, calls, runtime };
}

describe('input checked at the boundary', () => {
  it('refuses unknown keys, wrong types and missing fields with INVALID_INPUT, never calling the core', async () => {
    const { service, calls } = harness();
    for (const [name, input] of [
      ['license:activate', {}],
      ['license:activate', { licenseKey: 42 }],
      ['license:activate', { licenseKey: KEY, admin: true }],
      ['license:check-in', { force: true }],
      ['files:import', { certificate: 'not armored' }],
      ['seats:deactivate', { access: { kind: 'active-license' }, ids: [] }],
      ['seats:list', { access: { kind: 'admin', adminToken: 'x' } }],
      ['licenses:list', { limit: 0 }],
      ['license:status', 'yes'],
    ] as const) {
      const result = await service.run(name as OperationName, input);
      expect(result, `${name} ${JSON.stringify(input)}`).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    }
    expect(calls).toEqual([]);
  });

  it('does not echo the input (it may be a license key) in the refusal', async () => {
    const { service } = harness();
    const result = await service.run('license:activate', { licenseKey: `${KEY} with spaces` });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('C1B6DE');
  });

  it('refuses names outside the contract and the window\'s own file chooser', async () => {
    const { service, calls } = harness();
    expect(await service.run('license:format' as OperationName, {})).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(await service.run('toString' as OperationName, {})).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(await service.run('files:choose', {})).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(calls).toEqual([]);
  });
});

describe('operations reach the core', () => {
  it('maps each verb to the manager with its input', async () => {
    const { service, calls } = harness({ DATA_FOLDER: scratch });
    expect(await service.run('license:activate', { licenseKey: KEY })).toEqual({ ok: true, value: REPORT });
    expect(await service.run('license:status', { online: false })).toEqual({ ok: true, value: REPORT });
    expect(await service.run('files:import', { certificate: '-----BEGIN LICENSE FILE-----\nx\n', licenseKey: KEY })).toMatchObject({ ok: false, code: 'LICENSE_FILE_NOT_GENUINE' });
    expect(await service.run('licenses:remove', { id: 'lic-1' })).toEqual({ ok: true, value: null });
    await service.run('seats:list', { access: { kind: 'active-license' }, page: 2, size: 100 });
    await service.run('seats:deactivate', { access: { kind: 'admin', adminToken: 'admin-token-1', licenseId: 'lic-1' }, ids: ['m-2'] });
    expect(calls).toEqual([
      { method: 'activate', args: [KEY] },
      { method: 'status', args: [{ online: false }] },
      { method: 'importFile', args: ['-----BEGIN LICENSE FILE-----\nx\n', { licenseKey: KEY }] },
      { method: 'remove', args: ['lic-1'] },
      { method: 'seats', args: [{ activeLicense: true }, { number: 2, size: 100 }] },
      { method: 'deactivateSeats', args: [{ adminToken: 'admin-token-1', licenseId: 'lic-1' }, ['m-2']] },
    ]);
  });

  it('licenses:use makes the license the active one (pinned, as "tessera licenses use ID" does) and answers it as listed', async () => {
    const { service, calls, runtime } = harness();
    expect(await service.run('licenses:use', { id: 'lic-9' })).toMatchObject({ ok: false, code: 'LICENSE_NOT_INSTALLED' });
    const chosen: InstalledLicense = {
      id: 'lic-1',
      kind: 'machine',
      source: 'activation',
      label: null,
      pinned: true,
      active: true,
      licensed: true,
      code: 'VALID',
      license: REPORT.license,
      fileExpiry: REPORT.fileExpiry,
      installedAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-05-01T00:00:00.000Z',
    };
    Object.assign(runtime.manager, {
      update: async (...args: unknown[]) => {
        calls.push({ method: 'update', args });
        return { ok: true, value: chosen };
      },
    });
    expect(await service.run('licenses:use', { id: 'lic-1' })).toEqual({ ok: true, value: chosen });
    expect(calls).toEqual([
      { method: 'update', args: ['lic-9', { pinned: true }] },
      { method: 'update', args: ['lic-1', { pinned: true }] },
    ]);
  });

  it('licenses:use takes an id and nothing else: no label, no unpinning through it', async () => {
    const { service, calls } = harness();
    for (const input of [{}, { id: '' }, { id: 'lic 1' }, { id: 'lic-1', pinned: false }, { id: 'lic-1', label: 'x' }]) {
      expect(await service.run('licenses:use', input), JSON.stringify(input)).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    }
    expect(calls).toEqual([]);
  });

  it('licenses:dismiss-notices forgets the set-aside notices, and passes a refusal on', async () => {
    const { service, calls, runtime } = harness();
    expect(await service.run('licenses:dismiss-notices', {})).toEqual({ ok: true, value: null });
    expect(await service.run('licenses:dismiss-notices', { all: true })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    Object.assign(runtime.manager, { dismissNotices: async () => fail('DATA_FOLDER_READ_ONLY') });
    expect(await service.run('licenses:dismiss-notices', {})).toMatchObject({ ok: false, code: 'DATA_FOLDER_READ_ONLY' });
    expect(calls).toEqual([{ method: 'dismissNotices', args: [] }]);
  });

  it('choosing the active license and dismissing notices change the state: licensing:write, like activating', () => {
    expect(OPERATIONS['licenses:use']).toMatchObject({ domain: 'licenses', verb: 'use', args: ['id'], scope: 'licensing:write', servedBy: 'core' });
    expect(OPERATIONS['licenses:dismiss-notices']).toMatchObject({ domain: 'licenses', verb: 'dismissNotices', args: [], scope: 'licensing:write', servedBy: 'core' });
  });

  it('the signed-in administrator\'s token is read from the secret store, never sent by the UI; a deactivation is audited by its id', async () => {
    const { service, calls, runtime } = harness({ DATA_FOLDER: scratch });
    const refused = await service.run('seats:list', { access: { kind: 'admin-session', licenseId: 'lic-1' } });
    expect(refused).toMatchObject({ ok: false, code: 'ADMIN_SIGN_IN_REQUIRED' });
    await runtime.secrets.set(ADMIN_TOKEN_ACCOUNT, 'admin-token-2');
    mkdirSync(join(scratch, 'admin'), { recursive: true });
    writeFileSync(join(scratch, 'admin', 'session.json'), JSON.stringify({ tokenId: 'token-id-2', bearer: { kind: 'admin', id: 'u-1', name: null }, signedInAt: '2030-01-01T00:00:00.000Z' }));
    await service.run('seats:list', { access: { kind: 'admin-session', licenseId: 'lic-1' }, page: 1 });
    await service.run('seats:deactivate', { access: { kind: 'admin-session', licenseId: 'lic-1' }, ids: ['m-2'] });
    expect(calls.slice(-2)).toEqual([
      { method: 'seats', args: [{ adminToken: 'admin-token-2', licenseId: 'lic-1' }, { number: 1 }] },
      { method: 'deactivateSeats', args: [{ adminToken: 'admin-token-2', licenseId: 'lic-1' }, ['m-2']] },
    ]);
    const audit = await service.run('audit:list', {});
    if (!audit.ok) throw new Error(audit.code);
    expect(audit.value.entries[0]).toMatchObject({ action: 'deactivate', license: 'lic-1', machines: ['m-2'], result: 'ok', credential: 'admin-token', tokenId: 'token-id-2' });
    expect(JSON.stringify(audit.value)).not.toContain('admin-token-2');
  });

  it('every operation of the contract has a schema, a scope and a bridge verb that sends its input', async () => {
    const sent: { name: string; input: unknown }[] = [];
    const bridge = createBridge(async (name, input) => {
      sent.push({ name, input });
      return { ok: true, value: null } as never;
    });
    for (const name of OPERATION_NAMES) {
      expect(OPERATION_SCHEMAS[name], name).toBeDefined();
      const { domain, verb } = OPERATIONS[name];
      const verbs = bridge[domain] as unknown as Record<string, () => Promise<unknown>>;
      expect(typeof verbs[verb], name).toBe('function');
    }
    await bridge.license.activate(KEY);
    await bridge.files.import('-----BEGIN X-----');
    await bridge.seats.deactivate({ kind: 'active-license' }, ['a', 'b']);
    await bridge.license.status();
    await bridge.licenses.use('lic-1');
    await bridge.licenses.dismissNotices();
    expect(sent).toEqual([
      { name: 'license:activate', input: { licenseKey: KEY } },
      { name: 'files:import', input: { certificate: '-----BEGIN X-----' } },
      { name: 'seats:deactivate', input: { access: { kind: 'active-license' }, ids: ['a', 'b'] } },
      { name: 'license:status', input: {} },
      { name: 'licenses:use', input: { id: 'lic-1' } },
      { name: 'licenses:dismiss-notices', input: {} },
    ]);
    expect(Object.isFrozen(bridge.license)).toBe(true);
  });
});

describe('settings and diagnostics', () => {
  it('show where Tessera talks to, with proxy credentials removed', async () => {
    const { service } = harness({ HTTPS_PROXY: 'http://ada:hunter2@proxy.corp:3128', NO_PROXY: 'localhost' });
    const result = await service.run('settings:get', {});
    expect(result).toEqual({
      ok: true,
      value: {
        apiUrl: 'https://licensing.example',
        account: 'acme',
        product: null,
        vendor: { kind: 'file', path: '/etc/tessera/tessera.config.json' },
        proxy: { https: 'http://proxy.corp:3128', http: null, noProxy: 'localhost' },
        dataFolder: '/home/ada/.local/share/tessera',
        secrets: { mode: 'keychain', file: '/home/ada/.local/share/tessera/secrets/secrets.json' },
        version: '9.9.9',
        shell: 'console',
      },
    });
  });

  it('say when the configuration is the one shipped with the app, and which override changed its apiUrl', async () => {
    const shipped = { kind: 'shipped', path: '/opt/Tessera/resources/tessera.config.json', apiUrlFrom: { path: '/etc/relay.json', namedBy: 'TESSERA_CONFIG' } } as const;
    const settings = await harness({}, shipped).service.run('settings:get', {});
    expect(settings).toMatchObject({ ok: true, value: { vendor: { kind: 'file', path: shipped.path, shipped: true, apiUrlFrom: '/etc/relay.json' } } });
    const diagnostics = await harness({}, shipped).service.run('settings:diagnostics', {});
    expect(diagnostics).toMatchObject({
      ok: true,
      value: { text: expect.stringContaining('Vendor configuration: /opt/Tessera/resources/tessera.config.json (shipped with the app; apiUrl from /etc/relay.json)\n') as unknown },
    });
    const alone = await harness({}, { ...shipped, apiUrlFrom: null }).service.run('settings:get', {});
    expect(alone).toMatchObject({ ok: true, value: { vendor: { kind: 'file', path: shipped.path, shipped: true } } });
    if (alone.ok) expect('apiUrlFrom' in alone.value.vendor).toBe(false);
  });

  it('diagnostics name the state and never a secret: no key hint, no proxy password, a shortened fingerprint', async () => {
    const { service } = harness({ https_proxy: 'http://ada:hunter2@proxy.corp:3128' });
    const result = await service.run('settings:diagnostics', {});
    if (!result.ok) throw new Error(result.code);
    const { text } = result.value;
    expect(text).toContain('Tessera 9.9.9 (console)');
    expect(text).toContain('Secrets: OS keychain\n');
    expect(text).toContain('Status: licensed (VALID, offline)');
    expect(text).toContain('Machine fingerprint: 4f1c7e0b…c5d6');
    expect(text).toContain('Proxy: https http://proxy.corp:3128');
    for (const secret of ['hunter2', 'ada:', 'C1B6DE', FINGERPRINT]) expect(text).not.toContain(secret);
  });

  it('settings:doctor runs the checks of tessera doctor on this runtime, never showing a proxy password', async () => {
    const dataFolder = mkdtempSync(join(tmpdir(), 'tessera-ops-doctor-'));
    try {
      // The proxy is the first hop, and nothing listens on 127.0.0.1:9: the checks stop at TCP without leaving this machine.
      const { service } = harness({ HTTPS_PROXY: 'http://ada:hunter2@127.0.0.1:9' }, undefined, dataFolder);
      const result = await service.run('settings:doctor', {});
      if (!result.ok) throw new Error(result.code);
      expect(result.value.checks.map((check) => [check.id, check.verdict])).toEqual([
        ['config', 'ok'],
        ['keychain', 'ok'],
        ['data-folder', 'ok'],
        ['state', 'ok'],
        ['proxy', 'ok'],
        ['dns', 'ok'],
        ['tcp', 'fail'],
        ['tls', 'warn'],
        ['clock', 'warn'],
      ]);
      expect(result.value.ok).toBe(false);
      expect(JSON.stringify(result.value)).not.toContain('hunter2');
      expect(await service.run('settings:doctor', { extra: true })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    } finally {
      rmSync(dataFolder, { recursive: true, force: true });
    }
  });
});
