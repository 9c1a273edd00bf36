/**
 * A license with many machines: its usage (count, cores, memory, disk) is kept per license by
 * triggers, so activation reads one row instead of every machine; culling narrows its search
 * to machines old enough to be dead; an upgraded database starts with the right usage; and a
 * validation that names a machine by fingerprint records when that machine was last validated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../issuer/db/database.js';
import { createStore } from '../../issuer/db/store.js';
import { ensureAccount } from '../../issuer/seed.js';
import { createLicense, createPolicy, createProduct, doc, startTestIssuer, type TestIssuer } from './support.js';

let t: TestIssuer;
let productId: string;
let policyId: string;

beforeAll(async () => {
  t = await startTestIssuer();
  productId = await createProduct(t);
  policyId = await createPolicy(t, productId, { floating: true, maxMachines: null });
});
afterAll(async () => {
  await t.close();
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function activate(licenseId: string, fingerprint: string, attributes: Record<string, unknown> = {}): Promise<string> {
  const created = await t.admin('POST', '/machines', doc('machines', { fingerprint, ...attributes }, { license: { type: 'licenses', id: licenseId } }));
  expect(created.status, created.text).toBe(201);
  return created.json.data.id as string;
}

describe('machine usage per license', () => {
  it('follows activations, updates, deactivations and policy transfers', async () => {
    const license = await createLicense(t, policyId);
    const usage = () => t.issuer.store.machines.usageForLicense(license.id);
    expect(usage()).toEqual({ count: 0, cores: 0, memory: 0, disk: 0 });
    const a = await activate(license.id, 'usage-a', { cores: 4, memory: 1024, disk: 10 });
    await activate(license.id, 'usage-b', { cores: 2 });
    expect(usage()).toEqual({ count: 2, cores: 6, memory: 1024, disk: 10 });
    expect((await t.admin('PATCH', `/machines/${a}`, { data: { type: 'machines', attributes: { cores: 8, memory: null } } })).status).toBe(200);
    expect(usage()).toEqual({ count: 2, cores: 10, memory: 0, disk: 10 });
    expect((await t.admin('DELETE', `/machines/${a}`)).status).toBe(204);
    expect(usage()).toEqual({ count: 1, cores: 2, memory: 0, disk: 0 });
    // The license's machine count that its object reports comes from the same row.
    expect((await t.admin('GET', `/licenses/${license.id}`)).json.data.relationships.machines.meta).toEqual({ count: 1 });

    const other = await createPolicy(t, productId, { floating: true, maxMachines: 5 });
    expect((await t.admin('PUT', `/licenses/${license.id}/policy`, { data: { type: 'policies', id: other } })).status).toBe(200);
    expect(usage()).toEqual({ count: 1, cores: 2, memory: 0, disk: 0 });
  });

  it('refuses the activation past the machine limit from the kept count', async () => {
    const limited = await createPolicy(t, productId, { floating: true, maxMachines: 2 });
    const license = await createLicense(t, limited);
    await activate(license.id, 'limit-a');
    await activate(license.id, 'limit-b');
    const refused = await t.admin('POST', '/machines', doc('machines', { fingerprint: 'limit-c' }, { license: { type: 'licenses', id: license.id } }));
    expect(refused.status).toBe(422);
    expect(refused.json.errors[0].code).toBe('MACHINE_LIMIT_EXCEEDED');
  });

  it('is zero again once a license and its machines are deleted', async () => {
    const license = await createLicense(t, policyId);
    await activate(license.id, 'gone-a');
    expect((await t.admin('DELETE', `/licenses/${license.id}`)).status).toBe(204);
    expect(t.issuer.store.machines.usageForLicense(license.id)).toEqual({ count: 0, cores: 0, memory: 0, disk: 0 });
  });

  it('is computed for the machines a database had before the upgrade', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-usage-'));
    dirs.push(dir);
    const file = join(dir, 'issuer.db');
    const store = createStore(openDatabase(file));
    const { account } = ensureAccount(store, 1);
    const product = store.products.create(account.id, { name: 'Old' }, 1);
    const policy = store.policies.create(account.id, product.id, { name: 'Old', floating: true }, 1);
    const license = store.licenses.create(account.id, { policyId: policy.id, productId: product.id, key: 'OLD-KEY' }, 1);
    for (const [index, cores] of [1, 2, 3].entries()) store.machines.create(license.id, { fingerprint: `old-${index}`, cores }, 1);
    // Back to the schema before usage was kept (version 3), machines and all.
    store.db.exec(`DROP TRIGGER machines_usage_insert; DROP TRIGGER machines_usage_delete; DROP TRIGGER machines_usage_update;
      DROP TABLE license_machine_usage; DROP INDEX machines_license_created; DROP INDEX machines_license_last_sign;
      ALTER TABLE machines DROP COLUMN last_validated_at; PRAGMA user_version = 3;`);
    store.db.close();
    const upgraded = createStore(openDatabase(file));
    expect(upgraded.machines.usageForLicense(license.id)).toEqual({ count: 3, cores: 6, memory: 0, disk: 0 });
    upgraded.db.close();
  });
});

describe('culling a license with many machines', () => {
  it('searches only machines whose last sign of life is old enough to be dead (an index range, not a scan)', () => {
    const plan = (t.issuer.store.db.prepare(
      `EXPLAIN QUERY PLAN SELECT m.* FROM policies p CROSS JOIN machines m
       WHERE p.id = (SELECT policy_id FROM licenses WHERE id = @value) AND m.license_id = @value AND m.policy_id = p.id
         AND COALESCE(m.last_heartbeat_at, m.created_at) < @now`,
    ).all({ value: 'x', now: 1 }) as { detail: string }[]).map((row) => row.detail);
    expect(plan.join('\n')).toMatch(/machines_license_last_sign \(license_id=\? AND <expr><\?\)/);
  });

  it('still culls a dead machine among live ones', async () => {
    const heartbeat = await createPolicy(t, productId, { floating: true, maxMachines: null, requireHeartbeat: true, heartbeatDuration: 60 });
    const license = await createLicense(t, heartbeat);
    const dead = await activate(license.id, 'cull-dead');
    const alive = await activate(license.id, 'cull-alive');
    // The dead one started its heartbeat long ago; the live one just now.
    const store = t.issuer.store;
    const deadRow = store.machines.findById(t.issuer.account, dead);
    if (deadRow === null) throw new Error('machine vanished');
    store.machines.update(deadRow, { lastHeartbeatAt: Date.now() - 3_600_000 }, Date.now());
    const listed = await t.admin('GET', `/licenses/${license.id}/machines`);
    expect(listed.json.data.map((machine: { id: string }) => machine.id)).toEqual([alive]);
  });
});

describe('when a machine was last validated', () => {
  it('is recorded for the machines a validation names by fingerprint, and served as lastValidated', async () => {
    const license = await createLicense(t, policyId);
    const named = await activate(license.id, 'validated-fp');
    const other = await activate(license.id, 'not-validated-fp');
    const before = Date.now();
    const validated = await t.admin('POST', `/licenses/${license.id}/actions/validate`, { meta: { scope: { fingerprint: 'validated-fp' } } });
    expect(validated.status).toBe(200);
    const seen = await t.admin('GET', `/machines/${named}`);
    expect(Date.parse(seen.json.data.attributes.lastValidated)).toBeGreaterThanOrEqual(before);
    expect((await t.admin('GET', `/machines/${other}`)).json.data.attributes.lastValidated).toBeNull();
  });
});
