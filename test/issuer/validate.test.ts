/**
 * License validation over HTTP: `POST /licenses/actions/validate-key`, `POST|GET
 * /licenses/:id/actions/validate`. One case per code the policy model can produce, the response
 * shape of the reference examples (meta echo of nonce and scope, `data: null` for an unknown
 * key), what a validation records on the license, who may validate what, and Keygen's 400s.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addKeygenDuration } from '../../issuer/domain/duration.js';
import type { License } from '../../issuer/domain/types.js';
import { LICENSE_ATTRIBUTES, LICENSE_KEYS, LICENSE_RELATIONSHIPS } from './reference-shapes.js';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type ApiResponse, type TestIssuer } from './support.js';

/** Keys of `meta` in the reference's "Validate by license ID" example (nonce and scope given). */
const VALIDATION_META_KEYS = ['ts', 'valid', 'detail', 'code', 'nonce', 'scope'];
/** The quick (GET) validation answers only the decision. */
const QUICK_META_KEYS = ['ts', 'valid', 'detail', 'code'];

const DAY = 86_400_000;
let now = Date.UTC(2025, 2, 3, 10, 0, 0, 0);
let t: TestIssuer;
let productId: string;
let otherProductId: string;
let basicPolicy: string;
let productToken: string;

beforeAll(async () => {
  t = await startTestIssuer({ clock: () => now });
  productId = await createProduct(t, 'Validated');
  otherProductId = await createProduct(t, 'Other');
  basicPolicy = await createPolicy(t, productId, { name: 'Basic' });
  const token = await t.admin('POST', `/products/${otherProductId}/tokens`);
  expect(token.status).toBe(201);
  productToken = token.json.data.attributes.token;
});
afterAll(() => t.close());

type LicenseObject = { id: string; attributes: { key: string } };

function validateKey(key: string, meta: Record<string, unknown> = {}, auth?: string): Promise<ApiResponse> {
  return t.request('POST', '/licenses/actions/validate-key', { body: { meta: { key, ...meta } }, ...(auth === undefined ? {} : { auth }) });
}

/** Validates `license` by key with `scope` and returns `[code, valid, detail]`. */
async function outcome(license: LicenseObject, scope?: Record<string, unknown>): Promise<[string, boolean, string]> {
  const response = await validateKey(license.attributes.key, scope === undefined ? {} : { scope });
  expect(response.status, response.text).toBe(200);
  return [response.json.meta.code, response.json.meta.valid, response.json.meta.detail];
}

async function licenseWith(policyAttributes: Record<string, unknown>, attributes: Record<string, unknown> = {}, relationships: Record<string, { type: string; id: string }> = {}): Promise<LicenseObject> {
  const policy = await createPolicy(t, productId, policyAttributes);
  return createLicense(t, policy, attributes, relationships);
}

function row(license: LicenseObject): License {
  const found = t.issuer.store.licenses.findById(t.issuer.account, license.id);
  if (found === null) throw new Error('license vanished');
  return found;
}

function addMachine(license: LicenseObject, fingerprint: string, extra: { cores?: number; memory?: number; disk?: number } = {}): string {
  return t.issuer.store.machines.create(license.id, { fingerprint, ...extra }, now).id;
}

function addComponent(machineId: string, fingerprint: string): void {
  t.issuer.store.db
    .prepare("INSERT INTO components (id, account_id, machine_id, fingerprint, name, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, 'GPU', '{}', ?, ?)")
    .run(randomUUID(), t.issuer.account, machineId, fingerprint, now, now);
}

function addProcess(machineId: string): void {
  t.issuer.store.db
    .prepare("INSERT INTO processes (id, account_id, machine_id, pid, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, '{}', ?, ?)")
    .run(randomUUID(), t.issuer.account, machineId, randomUUID(), now, now);
}

async function createUser(email: string): Promise<string> {
  const response = await t.admin('POST', '/users', doc('users', { email }));
  expect(response.status, response.text).toBe(201);
  return response.json.data.id;
}

describe('POST /licenses/actions/validate-key', () => {
  it('answers VALID shaped like the reference example, echoing the nonce and the scope', async () => {
    const license = await createLicense(t, basicPolicy);
    addMachine(license, 'a');
    const scope = { product: productId, fingerprints: ['a', 'b'] };
    const response = await validateKey(license.attributes.key, { nonce: 1574265297, scope }, undefined);
    expect(response.status).toBe(200);
    expect(Object.keys(response.json)).toEqual(['meta', 'data']);
    expect(Object.keys(response.json.meta)).toEqual(VALIDATION_META_KEYS);
    expect(response.json.meta).toEqual({ ts: new Date(now).toISOString(), valid: true, detail: 'is valid', code: 'VALID', nonce: 1574265297, scope });
    const data = response.json.data;
    expect(Object.keys(data)).toEqual(LICENSE_KEYS);
    expect(Object.keys(data.attributes)).toEqual(LICENSE_ATTRIBUTES);
    expect(Object.keys(data.relationships)).toEqual(LICENSE_RELATIONSHIPS);
    expect(data.id).toBe(license.id);
    expect(data.attributes.lastValidated).toBe(new Date(now).toISOString());
    expect(data.relationships.machines.meta).toEqual({ count: 1 });
  });

  it('leaves nonce and scope out of meta when they were not sent, and echoes a nonce of 0', async () => {
    const license = await createLicense(t, basicPolicy);
    const bare = await validateKey(license.attributes.key);
    expect(Object.keys(bare.json.meta)).toEqual(['ts', 'valid', 'detail', 'code']);
    const zero = await validateKey(license.attributes.key, { nonce: 0 });
    expect(zero.json.meta.nonce).toBe(0);
    expect(zero.json.meta).not.toHaveProperty('scope');
  });

  it('answers an unknown key with NOT_FOUND and data: null (200, anonymous)', async () => {
    const response = await validateKey('NO-SUCH-KEY', { nonce: 7, scope: { fingerprint: 'fp' } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      meta: { ts: new Date(now).toISOString(), valid: false, detail: 'does not exist', code: 'NOT_FOUND', nonce: 7, scope: { fingerprint: 'fp' } },
      data: null,
    });
  });

  it('records lastValidated without bumping updated', async () => {
    const license = await createLicense(t, basicPolicy);
    const created = row(license);
    now += 60_000;
    await validateKey(license.attributes.key);
    const after = row(license);
    expect(after.lastValidatedAt).toBe(now);
    expect(after.updatedAt).toBe(created.updatedAt);
    const fetched = await t.admin('GET', `/licenses/${license.id}`);
    expect(fetched.json.data.attributes.lastValidated).toBe(new Date(now).toISOString());
    expect(fetched.json.data.attributes.version).toBeNull();
  });

  it('records a validation that fails, too', async () => {
    const license = await createLicense(t, basicPolicy, { suspended: true });
    await validateKey(license.attributes.key);
    expect(row(license).lastValidatedAt).toBe(now);
  });

  it('starts a FROM_FIRST_VALIDATION clock on the first validation only', async () => {
    const duration = 365 * 86_400;
    const license = await licenseWith({ duration, expirationBasis: 'FROM_FIRST_VALIDATION' });
    expect(row(license).expiry).toBeNull();
    const quick = await t.admin('GET', `/licenses/${license.id}/actions/validate`);
    expect(quick.json.data.attributes.expiry).toBeNull();
    const first = await validateKey(license.attributes.key);
    const expected = addKeygenDuration(now, duration).toISOString();
    expect(first.json.meta.code).toBe('VALID');
    expect(first.json.data.attributes.expiry).toBe(expected);
    now += DAY;
    const second = await validateKey(license.attributes.key);
    expect(second.json.data.attributes.expiry).toBe(expected);
  });

  it('accepts snake_case and the legacy encryption flags', async () => {
    const license = await createLicense(t, basicPolicy);
    const response = await t.request('POST', '/licenses/actions/validate-key', {
      body: { meta: { key: license.attributes.key, legacy_encrypted: false, encrypted: false } },
    });
    expect(response.status).toBe(200);
    expect(response.json.meta.code).toBe('VALID');
  });
});

describe('validation codes', () => {
  it('SUSPENDED, and BANNED (owner banned) before it', async () => {
    const suspended = await createLicense(t, basicPolicy, { suspended: true });
    expect(await outcome(suspended)).toEqual(['SUSPENDED', false, 'is suspended']);
    const userId = await createUser('banned-owner@example.com');
    const owned = await createLicense(t, basicPolicy, { suspended: true }, { owner: { type: 'users', id: userId } });
    t.issuer.store.db.prepare('UPDATE users SET banned_at = ? WHERE id = ?').run(now, userId);
    expect(await outcome(owned)).toEqual(['BANNED', false, 'is banned']);
  });

  it('EXPIRED: invalid when restricting access, valid when maintaining it', async () => {
    const past = new Date(now - DAY).toISOString();
    expect(await outcome(await createLicense(t, basicPolicy, { expiry: past }))).toEqual(['EXPIRED', false, 'is expired']);
    expect(await outcome(await licenseWith({ expirationStrategy: 'MAINTAIN_ACCESS' }, { expiry: past }))).toEqual(['EXPIRED', true, 'is expired']);
  });

  it('OVERDUE once the check-in interval has passed', async () => {
    const license = await licenseWith({ requireCheckIn: true, checkInInterval: 'day', checkInIntervalCount: 1 });
    expect((await outcome(license))[0]).toBe('VALID');
    now += 2 * DAY;
    expect(await outcome(license)).toEqual(['OVERDUE', false, 'is overdue for check in']);
  });

  it('NO_MACHINE (strict node-locked) and NO_MACHINES (strict floating)', async () => {
    expect(await outcome(await licenseWith({ strict: true }))).toEqual(['NO_MACHINE', false, 'must have exactly 1 associated machine']);
    expect(await outcome(await licenseWith({ strict: true, floating: true, maxMachines: 3 }))).toEqual(['NO_MACHINES', false, 'must have at least 1 associated machine']);
  });

  it('a strict node-locked license with its machine is VALID for its fingerprint', async () => {
    const license = await licenseWith({ strict: true });
    addMachine(license, 'fp-node');
    expect(await outcome(license, { fingerprint: 'fp-node' })).toEqual(['VALID', true, 'is valid']);
  });

  it('FINGERPRINT_SCOPE_MISMATCH, _REQUIRED and _EMPTY; NO_MACHINE for a fingerprint on a license without machines', async () => {
    const license = await licenseWith({ requireFingerprintScope: true });
    expect(await outcome(license)).toEqual(['FINGERPRINT_SCOPE_REQUIRED', false, 'fingerprint scope is required']);
    expect((await outcome(license, { fingerprint: 'fp-1' }))[0]).toBe('NO_MACHINE');
    addMachine(license, 'fp-1');
    expect(await outcome(license, { fingerprint: 'fp-2' })).toEqual([
      'FINGERPRINT_SCOPE_MISMATCH',
      false,
      'fingerprint is not activated (does not match any associated machines)',
    ]);
    expect((await outcome(license, { fingerprints: [] }))[0]).toBe('FINGERPRINT_SCOPE_EMPTY');
    expect((await outcome(license, { fingerprints: ['fp-2', 'fp-1'] }))[0]).toBe('VALID');
  });

  it('NO_MACHINES for a fingerprint on a floating license without machines; MATCH_ALL fingerprints', async () => {
    const license = await licenseWith({ floating: true, maxMachines: 5, machineMatchingStrategy: 'MATCH_ALL' });
    expect((await outcome(license, { fingerprint: 'fp' }))[0]).toBe('NO_MACHINES');
    addMachine(license, 'fp-a');
    expect((await outcome(license, { fingerprints: ['fp-a', 'fp-b'] }))[0]).toBe('FINGERPRINT_SCOPE_MISMATCH');
    addMachine(license, 'fp-b');
    expect((await outcome(license, { fingerprints: ['fp-a', 'fp-b'] }))[0]).toBe('VALID');
  });

  it('PRODUCT_SCOPE_* and POLICY_SCOPE_*', async () => {
    const policy = await createPolicy(t, productId, { requireProductScope: true, requirePolicyScope: true });
    const license = await createLicense(t, policy);
    expect(await outcome(license)).toEqual(['PRODUCT_SCOPE_REQUIRED', false, 'product scope is required']);
    expect(await outcome(license, { product: otherProductId })).toEqual(['PRODUCT_SCOPE_MISMATCH', false, 'product scope does not match']);
    expect(await outcome(license, { product: productId })).toEqual(['POLICY_SCOPE_REQUIRED', false, 'policy scope is required']);
    expect(await outcome(license, { product: productId, policy: basicPolicy })).toEqual(['POLICY_SCOPE_MISMATCH', false, 'policy scope does not match']);
    expect((await outcome(license, { product: productId, policy }))[0]).toBe('VALID');
  });

  it('USER_SCOPE_* by id or email, for the owner and attached users', async () => {
    const ownerId = await createUser('scoped-owner@example.com');
    const licenseeId = await createUser('scoped-licensee@example.com');
    const license = await licenseWith({ requireUserScope: true }, {}, { owner: { type: 'users', id: ownerId } });
    t.issuer.store.licenses.attachUser(row(license), licenseeId, now);
    expect(await outcome(license)).toEqual(['USER_SCOPE_REQUIRED', false, 'user scope is required']);
    expect(await outcome(license, { user: 'stranger@example.com' })).toEqual(['USER_SCOPE_MISMATCH', false, 'user scope does not match']);
    expect((await outcome(license, { user: ownerId }))[0]).toBe('VALID');
    expect((await outcome(license, { user: 'scoped-licensee@example.com' }))[0]).toBe('VALID');
  });

  it('MACHINE_SCOPE_*', async () => {
    const license = await licenseWith({ requireMachineScope: true });
    expect(await outcome(license)).toEqual(['MACHINE_SCOPE_REQUIRED', false, 'machine scope is required']);
    const machineId = addMachine(license, 'fp-scoped');
    expect((await outcome(license, { machine: randomUUID() }))[0]).toBe('MACHINE_SCOPE_MISMATCH');
    expect((await outcome(license, { machine: machineId }))[0]).toBe('VALID');
  });

  it('ENTITLEMENTS_MISSING and ENTITLEMENTS_SCOPE_EMPTY; held codes pass', async () => {
    const license = await createLicense(t, basicPolicy);
    const entitlement = t.issuer.store.entitlements.create(t.issuer.account, { name: 'Pro', code: 'PRO' }, now);
    t.issuer.store.entitlements.attachToLicense(t.issuer.account, license.id, entitlement.id, now);
    expect(await outcome(license, { entitlements: ['PRO', 'ENTERPRISE'] })).toEqual(['ENTITLEMENTS_MISSING', false, 'is missing one or more required entitlements']);
    expect(await outcome(license, { entitlements: [] })).toEqual(['ENTITLEMENTS_SCOPE_EMPTY', false, 'entitlements scope is empty']);
    expect((await outcome(license, { entitlements: ['PRO'] }))[0]).toBe('VALID');
  });

  it('TOO_MANY_MACHINES, valid within an overage allowance', async () => {
    const strict = await licenseWith({ strict: true, floating: true, maxMachines: 2 });
    for (const fingerprint of ['m1', 'm2', 'm3']) addMachine(strict, fingerprint);
    expect(await outcome(strict)).toEqual(['TOO_MANY_MACHINES', false, 'has too many associated machines']);
    const lenient = await licenseWith({ strict: true, floating: true, maxMachines: 2, overageStrategy: 'ALWAYS_ALLOW_OVERAGE' });
    for (const fingerprint of ['m1', 'm2', 'm3']) addMachine(lenient, fingerprint);
    expect(await outcome(lenient)).toEqual(['TOO_MANY_MACHINES', true, 'has too many associated machines']);
  });

  it('a license override of maxMachines is the limit validation uses', async () => {
    const license = await licenseWith({ strict: true, floating: true, maxMachines: 5 }, { maxMachines: 1 });
    addMachine(license, 'o1');
    addMachine(license, 'o2');
    expect((await outcome(license))[0]).toBe('TOO_MANY_MACHINES');
  });

  it('TOO_MANY_CORES, TOO_MUCH_MEMORY and TOO_MUCH_DISK', async () => {
    const cores = await licenseWith({ strict: true, floating: true, maxMachines: 5, maxCores: 4 });
    addMachine(cores, 'c1', { cores: 8 });
    expect(await outcome(cores)).toEqual(['TOO_MANY_CORES', false, 'has too many associated machine cores']);
    const memory = await licenseWith({ strict: true, floating: true, maxMachines: 5, maxMemory: 1024 });
    addMachine(memory, 'r1', { memory: 4096 });
    expect((await outcome(memory))[0]).toBe('TOO_MUCH_MEMORY');
    const disk = await licenseWith({ strict: true, floating: true, maxMachines: 5, maxDisk: 1024 });
    addMachine(disk, 'd1', { disk: 2048 });
    expect(await outcome(disk)).toEqual(['TOO_MUCH_DISK', false, 'has too much associated machine disk']);
  });

  it('TOO_MANY_PROCESSES, per license and per scoped machine', async () => {
    const perLicense = await licenseWith({ strict: true, floating: true, maxMachines: 5, maxProcesses: 1, processLeasingStrategy: 'PER_LICENSE' });
    const machine = addMachine(perLicense, 'p1');
    addProcess(machine);
    expect((await outcome(perLicense))[0]).toBe('VALID');
    addProcess(machine);
    expect(await outcome(perLicense)).toEqual(['TOO_MANY_PROCESSES', false, 'has too many associated processes']);
    const perMachine = await licenseWith({ strict: true, floating: true, maxMachines: 5, maxProcesses: 1 });
    const busy = addMachine(perMachine, 'busy');
    addMachine(perMachine, 'idle');
    addProcess(busy);
    addProcess(busy);
    expect((await outcome(perMachine, { fingerprint: 'idle' }))[0]).toBe('VALID');
    expect((await outcome(perMachine, { fingerprint: 'busy' }))[0]).toBe('TOO_MANY_PROCESSES');
  });

  it('TOO_MANY_USERS counts the owner and attached users', async () => {
    const ownerId = await createUser('crowd-owner@example.com');
    const extraId = await createUser('crowd-extra@example.com');
    const license = await licenseWith({ maxUsers: 1 }, {}, { owner: { type: 'users', id: ownerId } });
    expect((await outcome(license))[0]).toBe('VALID');
    t.issuer.store.licenses.attachUser(row(license), extraId, now);
    expect(await outcome(license)).toEqual(['TOO_MANY_USERS', false, 'has too many associated users']);
  });

  it('HEARTBEAT_NOT_STARTED, then HEARTBEAT_DEAD once the window has passed without a ping', async () => {
    const license = await licenseWith({ requireHeartbeat: true, heartbeatDuration: 600, heartbeatCullStrategy: 'KEEP_DEAD' });
    addMachine(license, 'hb');
    expect(await outcome(license, { fingerprint: 'hb' })).toEqual(['HEARTBEAT_NOT_STARTED', false, 'machine heartbeat is required']);
    now += 11 * 60_000;
    expect(await outcome(license, { fingerprint: 'hb' })).toEqual(['HEARTBEAT_DEAD', false, 'machine heartbeat is dead']);
  });

  it('a machine pinging within its heartbeat window is VALID', async () => {
    const license = await licenseWith({ requireHeartbeat: true, heartbeatDuration: 600, heartbeatCullStrategy: 'KEEP_DEAD' });
    const machineId = addMachine(license, 'alive');
    t.issuer.store.db.prepare('UPDATE machines SET last_heartbeat_at = ? WHERE id = ?').run(now, machineId);
    expect((await outcome(license, { machine: machineId }))[0]).toBe('VALID');
  });

  it('COMPONENTS_SCOPE_*', async () => {
    const license = await licenseWith({ requireComponentsScope: true });
    const machineId = addMachine(license, 'with-parts');
    addComponent(machineId, 'gpu-1');
    expect((await outcome(license, { fingerprint: 'with-parts' }))[0]).toBe('COMPONENTS_SCOPE_REQUIRED');
    expect(await outcome(license, { components: ['gpu-1'] })).toEqual([
      'FINGERPRINT_SCOPE_REQUIRED',
      false,
      'fingerprint scope is required when using the components scope',
    ]);
    expect((await outcome(license, { fingerprint: 'with-parts', components: ['gpu-2'] }))[0]).toBe('COMPONENTS_SCOPE_MISMATCH');
    expect((await outcome(license, { fingerprint: 'with-parts', components: [] }))[0]).toBe('COMPONENTS_SCOPE_EMPTY');
    expect((await outcome(license, { fingerprint: 'with-parts', components: ['gpu-1'] }))[0]).toBe('VALID');
  });

  it('CHECKSUM_SCOPE_* and VERSION_SCOPE_* (the issuer hosts no releases)', async () => {
    const license = await licenseWith({ requireChecksumScope: true, requireVersionScope: true });
    expect((await outcome(license))[0]).toBe('CHECKSUM_SCOPE_REQUIRED');
    expect((await outcome(license, { checksum: 'abc' }))[0]).toBe('CHECKSUM_SCOPE_MISMATCH');
    expect((await outcome(await createLicense(t, basicPolicy), { version: '1.0.0' }))[0]).toBe('VERSION_SCOPE_MISMATCH');
    expect((await outcome(await licenseWith({ requireVersionScope: true })))[0]).toBe('VERSION_SCOPE_REQUIRED');
  });
});

describe('POST and GET /licenses/:id/actions/validate', () => {
  let license: LicenseObject;
  let otherLicense: LicenseObject;

  beforeAll(async () => {
    const policy = await createPolicy(t, productId, { requireFingerprintScope: true });
    license = await createLicense(t, policy);
    otherLicense = await createLicense(t, policy);
  });

  it('validates by id or key with the reference meta, and needs credentials', async () => {
    const response = await t.admin('POST', `/licenses/${license.id}/actions/validate`, { meta: { nonce: 1, scope: { fingerprint: 'fp' } } });
    expect(response.status).toBe(200);
    expect(Object.keys(response.json.meta)).toEqual(VALIDATION_META_KEYS);
    expect(response.json.meta).toMatchObject({ valid: false, code: 'NO_MACHINE', nonce: 1, scope: { fingerprint: 'fp' } });
    expect(response.json.data.id).toBe(license.id);
    const byKey = await t.admin('POST', `/licenses/${encodeURIComponent(license.attributes.key)}/actions/validate`);
    expect(byKey.json.meta.code).toBe('FINGERPRINT_SCOPE_REQUIRED');
    const anonymous = await t.request('POST', `/licenses/${license.id}/actions/validate`);
    expect(anonymous.status).toBe(401);
    expect(firstError(anonymous).code).toBe('TOKEN_MISSING');
  });

  it('GET is the quick validation: no scopes, meta without nonce or scope', async () => {
    const response = await t.admin('GET', `/licenses/${license.id}/actions/validate`);
    expect(response.status).toBe(200);
    expect(Object.keys(response.json.meta)).toEqual(QUICK_META_KEYS);
    expect(response.json.meta).toMatchObject({ valid: true, code: 'VALID', detail: 'is valid' });
  });

  it('a license validates itself; another license is a 404 to it', async () => {
    const auth = `License ${license.attributes.key}`;
    const self = await t.request('POST', `/licenses/${license.id}/actions/validate`, { auth, body: { meta: { scope: { fingerprint: 'x' } } } });
    expect(self.status).toBe(200);
    expect(self.json.meta.code).toBe('NO_MACHINE');
    const other = await t.request('POST', `/licenses/${otherLicense.id}/actions/validate`, { auth });
    expect(other.status).toBe(404);
    expect(firstError(other)).toEqual({ title: 'Not found', detail: `The requested license '${otherLicense.id}' was not found`, code: 'NOT_FOUND' });
  });

  it("another product's token gets a 404 by id and a 403 by key", async () => {
    const byId = await t.request('POST', `/licenses/${license.id}/actions/validate`, { token: productToken });
    expect(byId.status).toBe(404);
    const byKey = await validateKey(license.attributes.key, {}, `Bearer ${productToken}`);
    expect(byKey.status).toBe(403);
    expect(firstError(byKey)).toEqual({
      title: 'Access denied',
      detail: 'You do not have permission to complete the request (ensure the token bearer is allowed to access this resource)',
    });
  });

  it('validate-key with credentials: a license may validate its own key, not another; unknown keys are NOT_FOUND', async () => {
    const auth = `License ${license.attributes.key}`;
    expect((await validateKey(license.attributes.key, {}, auth)).status).toBe(200);
    expect((await validateKey(otherLicense.attributes.key, {}, auth)).status).toBe(403);
    const unknown = await validateKey('UNKNOWN-KEY', {}, auth);
    expect(unknown.status).toBe(200);
    expect(unknown.json.meta.code).toBe('NOT_FOUND');
    const invalid = await validateKey(license.attributes.key, {}, 'Bearer admin-00000000000000000000000000000000v3');
    expect(invalid.status).toBe(401);
    expect(firstError(invalid).code).toBe('TOKEN_INVALID');
  });
});

describe('bad requests (Keygen typed params)', () => {
  const post = (body: unknown) => t.request('POST', '/licenses/actions/validate-key', { body });
  const expectBad = async (body: unknown, detail: string, pointer: string) => {
    const response = await post(body);
    expect(response.status, response.text).toBe(400);
    expect(firstError(response)).toEqual({ title: 'Bad request', detail, source: { pointer } });
  };

  it('meta and meta.key are required; the key may not be blank', async () => {
    await expectBad({}, 'is missing', '/meta');
    await expectBad({ meta: {} }, 'is missing', '/meta/key');
    await expectBad({ meta: { key: '' } }, 'cannot be blank', '/meta/key');
    await expectBad({ meta: { key: 42 } }, 'type mismatch (received integer expected string)', '/meta/key');
    const empty = await t.request('POST', '/licenses/actions/validate-key');
    expect(empty.status).toBe(400);
    expect(firstError(empty).source).toEqual({ pointer: '/meta' });
  });

  it('unknown keys are unpermitted, in meta, in scope (environment is EE) and at the top', async () => {
    await expectBad({ meta: { key: 'K', foo: 1 } }, 'unpermitted parameter', '/meta/foo');
    await expectBad({ meta: { key: 'K', scope: { environment: null } } }, 'unpermitted parameter', '/meta/scope/environment');
    await expectBad({ meta: { key: 'K' }, data: {} }, 'unpermitted parameter', '/data');
  });

  it('scope and nonce types', async () => {
    await expectBad({ meta: { key: 'K', scope: null } }, 'cannot be null', '/meta/scope');
    await expectBad({ meta: { key: 'K', scope: { fingerprint: 123 } } }, 'type mismatch (received integer expected string)', '/meta/scope/fingerprint');
    await expectBad({ meta: { key: 'K', scope: { fingerprints: 'fp' } } }, 'type mismatch (received string expected array)', '/meta/scope/fingerprints');
    await expectBad({ meta: { key: 'K', scope: { entitlements: ['A', 1] } } }, 'type mismatch (received integer expected string)', '/meta/scope/entitlements/1');
    await expectBad({ meta: { key: 'K', scope: { product: null } } }, 'cannot be null', '/meta/scope/product');
    await expectBad({ meta: { key: 'K', nonce: 'abc' } }, 'type mismatch (received string expected integer)', '/meta/nonce');
    await expectBad({ meta: { key: 'K', nonce: 1.5 } }, 'type mismatch (received float expected integer)', '/meta/nonce');
  });

  it('the user scope may be null (Keygen allows it) and then matches no user', async () => {
    const license = await createLicense(t, basicPolicy);
    expect((await outcome(license, { user: null }))[0]).toBe('USER_SCOPE_MISMATCH');
  });

  it('validate by id checks the same document', async () => {
    const license = await createLicense(t, basicPolicy);
    const response = await t.admin('POST', `/licenses/${license.id}/actions/validate`, { meta: { key: license.attributes.key } });
    expect(response.status).toBe(400);
    expect(firstError(response)).toEqual({ title: 'Bad request', detail: 'unpermitted parameter', source: { pointer: '/meta/key' } });
  });
});
