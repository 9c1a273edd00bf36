/**
 * The administrator views' core against the local issuer over real sockets: the product's
 * licenses with search (name, key, id, owner email), a license's capacity and every seat with
 * "last seen", exports that complete or say exactly where they stopped (and audit either way),
 * bulk jobs polled and cancelled, and the audit log naming the token by its id only.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seatOf } from '../../src/admin/seat-row.js';
import { createAdminService, type AdminService } from '../../src/admin/admin.service.js';
import { durationText, unseenFor, type BulkProgress } from '../../src/contract/admin.js';
import { fail } from '../../src/contract/messages.js';
import { createKeygenClient } from '../../src/keygen/client.js';
import { createNodeTransport, type Transport } from '../../src/keygen/transport.js';
import type { LicenseManager, SeatCredentials } from '../../src/licensing/manager.types.js';
import { createMemoryStore } from '../../src/vault/memory.store.js';
import { doc, startTestIssuer, type TestIssuer } from '../issuer/support.js';

let t: TestIssuer;
let floating: { id: string; key: string };
const folders: string[] = [];
const forgotten: string[][] = [];

/** The license manager's part the admin views use: credentials for a license, and forgetting seats freed. */
const manager = {
  async seatAccess(credentials: SeatCredentials) {
    if ('adminToken' in credentials) return { ok: true, value: { credentials: { kind: 'token', token: credentials.adminToken }, licenseId: credentials.licenseId, fingerprint: null } } as const;
    if ('licenseKey' in credentials) return { ok: true, value: { credentials: { kind: 'license-key', key: credentials.licenseKey }, licenseId: floating.id, fingerprint: 'fp-this-machine' } } as const;
    return fail('NOT_ACTIVATED');
  },
  async seatsDeactivated(ids: readonly string[]) {
    forgotten.push([...ids]);
  },
} as unknown as LicenseManager;

function service(transport?: Transport): AdminService {
  const dataFolder = mkdtempSync(join(tmpdir(), 'tessera-admin-'));
  folders.push(dataFolder);
  const client = createKeygenClient({ config: t.issuer.config, env: {}, ...(transport === undefined ? {} : { transport }) });
  return createAdminService({ runtime: { manager, config: t.issuer.config, dataFolder, secrets: createMemoryStore() }, env: {}, client });
}

async function machines(licenseId: string, count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const created = await t.admin('POST', '/machines', doc('machines', { fingerprint: `${prefix}-${index}`, name: `${prefix}-${index}` }, { license: { type: 'licenses', id: licenseId } }));
    expect(created.status, created.text).toBe(201);
    ids.push(created.json.data.id as string);
  }
  return ids;
}

/** Another license of the floating license's policy, with room for 1,000 machines. */
async function roomyLicense(): Promise<{ id: string }> {
  const policy = (await t.admin('GET', `/licenses/${floating.id}`)).json.data.relationships.policy.data.id;
  const license = (await t.admin('POST', '/licenses', doc('licenses', {}, { policy: { type: 'policies', id: policy } }))).json.data;
  await t.admin('PATCH', `/licenses/${license.id}`, { data: { type: 'licenses', attributes: { maxMachines: 1000 } } });
  return license;
}

/** Polls a bulk job every 20 ms until it has finished; its last progress. */
async function finished(admin: AdminService, progress: BulkProgress): Promise<BulkProgress> {
  while (progress.state !== 'finished') {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const polled = admin.bulkStatus(progress.jobId);
    if (!polled.ok) throw new Error(polled.code);
    progress = polled.value;
  }
  return progress;
}

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  floating = t.issuer.licenses.find((license) => license.policy.startsWith('Heartbeat')) as { id: string; key: string };
});
afterAll(async () => {
  await t.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('licenses of the product', () => {
  it('lists every demo license with policy names, masked keys and seats "x of N"; searches by name, key, id and owner email', async () => {
    const admin = service();
    expect((await admin.signIn(t.issuer.adminToken)).ok).toBe(true);
    const page = await admin.licensesPage({ kind: 'session' }, { number: 1, size: 100 });
    if (!page.ok) throw new Error(page.code);
    expect(page.value.data).toHaveLength(t.issuer.licenses.length);
    const row = page.value.data.find((license) => license.id === floating.id);
    expect(row).toMatchObject({ policy: { name: 'Heartbeat required' }, max: 3, status: 'ACTIVE' });
    expect(row?.keyHint).toMatch(/…/);
    expect(JSON.stringify(page.value)).not.toContain(floating.key);

    const byName = await admin.licensesPage({ kind: 'session' }, { number: 1, size: 100 }, 'heartbeat');
    expect(byName.ok && byName.value.data.map((license) => license.id)).toEqual([floating.id]);
    const byKey = await admin.licensesPage({ kind: 'session' }, { number: 1, size: 100 }, floating.key);
    expect(byKey.ok && byKey.value.data.map((license) => license.id)).toEqual([floating.id]);
    const byId = await admin.licensesPage({ kind: 'session' }, { number: 1, size: 100 }, floating.id.slice(0, 8).toUpperCase());
    expect(byId.ok && byId.value.data.map((license) => license.id)).toEqual([floating.id]);

    const user = await t.admin('POST', '/users', doc('users', { email: 'owner@example.test', firstName: 'Olive' }));
    expect(user.status).toBe(201);
    expect((await t.admin('PUT', `/licenses/${floating.id}/owner`, { data: { type: 'users', id: user.json.data.id } })).status).toBe(200);
    const byOwner = await admin.licensesPage({ kind: 'session' }, { number: 1, size: 100 }, 'OWNER@example.test');
    expect(byOwner.ok && byOwner.value.data.map((license) => license.id)).toEqual([floating.id]);
  });

  it('without a sign-in: ADMIN_SIGN_IN_REQUIRED', async () => {
    expect(await service().licensesPage({ kind: 'session' }, { number: 1, size: 10 })).toMatchObject({ ok: false, code: 'ADMIN_SIGN_IN_REQUIRED' });
  });
});

describe('seats', () => {
  it('capacity "x of N", every seat with its last sign of life, an unknown license named as such', async () => {
    const admin = service();
    const license = (await t.admin('POST', '/licenses', doc('licenses', { name: 'Many seats' }, { policy: { type: 'policies', id: (await t.admin('GET', `/licenses/${floating.id}`)).json.data.relationships.policy.data.id } }))).json.data;
    const ids = await machines(license.id, 3, 'cap');
    const access = { kind: 'admin', adminToken: t.issuer.adminToken, licenseId: license.id } as const;
    expect(await admin.capacity(access)).toEqual({ ok: true, value: { licenseId: license.id, name: 'Many seats', used: 3, max: 3 } });
    const grant = await admin.grant(access);
    if (!grant.ok) throw new Error(grant.code);
    const every = await admin.everySeat(grant.value);
    expect(every.ok && every.items.map((seat) => seat.id).sort()).toEqual([...ids].sort());
    expect(every.ok && every.items.every((seat) => seat.lastSeen === seat.created)).toBe(true);
    const unknown = await admin.capacity({ kind: 'admin', adminToken: t.issuer.adminToken, licenseId: '5b0c3f4e-0000-4000-8000-000000000000' });
    expect(unknown).toMatchObject({ ok: false, code: 'ADMIN_LICENSE_NOT_FOUND' });
  });

  it('last seen is the latest of activation, heartbeat, check-out and validation; "unseen for N days" follows it', () => {
    const seat = seatOf(
      { id: 'm', type: 'machines', attributes: { fingerprint: 'fp', created: '2031-01-01T00:00:00Z', lastHeartbeat: null, lastCheckOut: '2031-02-01T00:00:00Z', lastValidated: '2031-01-15T00:00:00Z' } },
      'fp',
    );
    expect(seat).toMatchObject({ lastSeen: '2031-02-01T00:00:00.000Z', current: true });
    const now = Date.parse('2031-03-03T00:00:00Z');
    expect(unseenFor(seat, 30, now)).toBe(true);
    expect(unseenFor(seat, 31, now)).toBe(false);
    expect(unseenFor({ lastSeen: null }, 1, now)).toBe(true);
  });

  it('says durations in minutes and seconds, rounded, never negative (the bulk run\'s time left, in the CLI and the app)', () => {
    expect(durationText(42.4)).toBe('42 s');
    expect(durationText(59.6)).toBe('1 min 0 s');
    expect(durationText(443)).toBe('7 min 23 s');
    expect(durationText(-5)).toBe('0 s');
  });
});

describe('exports', () => {
  it('every page of 250 seats, filtered to the unseen ones, audited with the token id', async () => {
    const admin = service();
    const license = await roomyLicense();
    await machines(license.id, 250, 'export');
    const access = { kind: 'admin', adminToken: t.issuer.adminToken, licenseId: license.id } as const;
    const all = await admin.exportSeats(access, 'csv');
    if (!all.ok) throw new Error(all.code);
    expect(all.value.rows).toBe(250);
    expect(all.value.text.trim().split('\r\n')).toHaveLength(251);
    const none = await admin.exportSeats(access, 'json', 1);
    expect(none.ok && JSON.parse(none.value.text).count).toBe(0);
    const audit = await admin.audit.read();
    expect(audit.ok && audit.value.map((entry) => [entry.action, entry.result, entry.license])).toEqual([
      ['export', 'ok', license.id],
      ['export', 'ok', license.id],
    ]);
    expect(audit.ok && audit.value[0]?.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect(readFileSync(admin.audit.path, 'utf8')).not.toContain(t.issuer.adminToken);
  });

  it('a page that fails mid-export: EXPORT_INCOMPLETE saying where, nothing delivered, the failure audited', async () => {
    const real = createNodeTransport({ env: {} });
    // The third page's connection drops: the client's retries do not help.
    const flaky: Transport = { send: (request) => (request.url.search.includes('page[number]=3') ? Promise.resolve({ ok: false, reason: 'unreachable' }) : real.send(request)) };
    const admin = service(flaky);
    const license = await roomyLicense();
    await machines(license.id, 450, 'flaky');
    const delivered: string[] = [];
    const result = await admin.exportSeats({ kind: 'admin', adminToken: t.issuer.adminToken, licenseId: license.id }, 'csv', undefined, async (file) => (delivered.push(file.fileName), { ok: true, value: undefined }));
    expect(result).toMatchObject({ ok: false, code: 'EXPORT_INCOMPLETE' });
    expect((result as { detail?: string }).detail).toMatch(/^stopped at page 3 of 5, after \d+ of 450 seats \(ISSUER_UNREACHABLE/);
    expect(delivered).toEqual([]);
    const audit = await admin.audit.read();
    expect(audit.ok && audit.value[0]).toMatchObject({ action: 'export', result: 'failed', detail: expect.stringContaining('EXPORT_INCOMPLETE') as string });
  });
});

describe('bulk jobs', () => {
  it('runs in the background, is polled to the end, frees the seats and forgets them locally; a second job waits its turn', async () => {
    const admin = service();
    const license = await roomyLicense();
    const ids = await machines(license.id, 40, 'job');
    const access = { kind: 'admin', adminToken: t.issuer.adminToken, licenseId: license.id } as const;
    const started = await admin.startBulk(access, [...ids, ids[0] as string]);
    if (!started.ok) throw new Error(started.code);
    expect(started.value).toMatchObject({ state: 'running', total: 40 });
    expect(await admin.startBulk(access, ids)).toMatchObject({ ok: false, code: 'BULK_JOB_RUNNING' });
    const progress = await finished(admin, started.value);
    expect(progress.outcome).toMatchObject({ stopped: null, failed: [], notAttempted: [] });
    expect(progress.outcome?.deactivated).toHaveLength(40);
    expect(forgotten.at(-1)).toHaveLength(40);
    expect((await t.admin('GET', `/licenses/${license.id}/machines`)).json.data).toEqual([]);
    expect(admin.bulkStatus('00000000-0000-4000-8000-000000000000')).toMatchObject({ ok: false, code: 'BULK_JOB_NOT_FOUND' });
    const audit = await admin.audit.read();
    expect(audit.ok && audit.value[0]).toMatchObject({ action: 'deactivate', license: license.id, result: 'ok', credential: 'admin-token', detail: '40 deactivated, 0 already gone, 0 failed, 0 not attempted' });
  });

  it('a cancelled job lists what it did not attempt', async () => {
    const admin = service();
    const license = await roomyLicense();
    const ids = await machines(license.id, 200, 'cancel');
    const started = await admin.startBulk({ kind: 'admin', adminToken: t.issuer.adminToken, licenseId: license.id }, ids);
    if (!started.ok) throw new Error(started.code);
    expect(admin.cancelBulk(started.value.jobId)).toMatchObject({ ok: true, value: { state: 'cancelling' } });
    const progress = await finished(admin, started.value);
    expect(progress.outcome?.stopped).toBe('cancelled');
    const done = (progress.outcome?.deactivated.length ?? 0) + (progress.outcome?.notAttempted.length ?? 0);
    expect(done).toBe(200);
    expect(progress.outcome?.notAttempted.length).toBeGreaterThan(0);
    const left = await t.admin('GET', `/licenses/${license.id}/machines?page[size]=100&page[number]=1`);
    expect(left.json.links.meta.count).toBe(progress.outcome?.notAttempted.length);
  });
});
