/**
 * Machines: activation (limits, overage, uniqueness strategies, fingerprint rules, components),
 * retrieve by id or fingerprint, update, deactivation, the list with its filters and pagination,
 * and a license's seat list; who may do what; shapes against keygen-protocol §1.4 / §2.2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type ApiResponse, type RequestOptions, type TestIssuer } from './support.js';

/** keygen-protocol §1.4: the machine attributes, in Keygen's order. */
const PROTOCOL_ATTRIBUTES = [
  'fingerprint',
  'cores',
  'ip',
  'hostname',
  'platform',
  'name',
  'requireHeartbeat',
  'heartbeatStatus',
  'heartbeatDuration',
  'maxProcesses',
  'lastCheckOut',
  'lastHeartbeat',
  'nextHeartbeat',
  'metadata',
  'created',
  'updated',
];
/**
 * Keygen's MachineSerializer adds `memory` and `disk` after `cores`; the issuer adds
 * `lastValidated` (when a validation last named the machine) after Keygen's own attributes.
 */
const MACHINE_ATTRIBUTES = ['fingerprint', 'cores', 'memory', 'disk', ...PROTOCOL_ATTRIBUTES.slice(2), 'lastValidated'];
const MACHINE_RELATIONSHIPS = ['account', 'product', 'group', 'license', 'owner', 'components', 'processes'];
const ACCESS_DENIED = {
  title: 'Access denied',
  detail: 'You do not have permission to complete the request (ensure the token bearer is allowed to access this resource)',
};

interface LicenseObject {
  id: string;
  attributes: { key: string };
}

let t: TestIssuer;
let productA: string;
let productB: string;
let nodeLocked: string;
let floating: string;
let productToken: string;

beforeAll(async () => {
  t = await startTestIssuer();
  productA = await createProduct(t, 'A');
  productB = await createProduct(t, 'B');
  nodeLocked = await createPolicy(t, productA, { name: 'Node-locked' });
  floating = await createPolicy(t, productA, { name: 'Floating', floating: true, maxMachines: 3 });
  const token = await t.admin('POST', `/products/${productA}/tokens`);
  productToken = token.json.data.attributes.token;
});
afterAll(() => t.close());

function machineDoc(licenseId: string, attributes: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return { data: { type: 'machines', attributes, relationships: { license: { data: { type: 'licenses', id: licenseId } } }, ...extra } };
}
const asLicense = (license: LicenseObject): RequestOptions => ({ auth: `License ${license.attributes.key}` });
const asAdmin = (): RequestOptions => ({ token: t.issuer.adminToken });

function activate(license: LicenseObject, attributes: Record<string, unknown>, as: RequestOptions = asLicense(license)): Promise<ApiResponse> {
  return t.request('POST', '/machines', { ...as, body: machineDoc(license.id, attributes) });
}

async function activated(license: LicenseObject, fingerprint: string, attributes: Record<string, unknown> = {}): Promise<{ id: string; attributes: Record<string, unknown> }> {
  const response = await activate(license, { fingerprint, ...attributes });
  expect(response.status, response.text).toBe(201);
  return response.json.data;
}

function expectUnprocessable(response: ApiResponse, error: { detail: string; code: string; pointer: string }): void {
  expect(response.status, response.text).toBe(422);
  const links = error.pointer.startsWith('/data/attributes/')
    ? { links: { about: `https://keygen.sh/docs/api/machines/#machines-object-attrs-${error.pointer.split('/')[3]}` } }
    : {};
  expect(firstError(response)).toEqual({ title: 'Unprocessable resource', detail: error.detail, code: error.code, source: { pointer: error.pointer }, ...links });
}

describe('POST /machines (activate)', () => {
  it('activates with the license key: 201, Location, the machine shaped like keygen-protocol §1.4', async () => {
    const license = await createLicense(t, nodeLocked);
    const before = Date.now();
    const response = await activate(license, {
      fingerprint: 'fp-shape',
      platform: 'darwin/arm64',
      name: 'Office Mac',
      hostname: 'office.local',
      ip: '192.0.2.10',
      cores: 8,
      memory: 17179869184,
      disk: 500107862016,
      metadata: { customer_id: 'c-1' },
    });
    expect(response.status, response.text).toBe(201);
    const data = response.json.data;
    expect(response.headers.get('location')).toBe(`${t.base}/machines/${data.id}`);
    expect(Object.keys(response.json)).toEqual(['data']);
    expect(Object.keys(data)).toEqual(['id', 'type', 'attributes', 'relationships', 'links']);
    expect(Object.keys(data.attributes)).toEqual(MACHINE_ATTRIBUTES);
    expect(Object.keys(data.attributes).filter((key) => PROTOCOL_ATTRIBUTES.includes(key))).toEqual(PROTOCOL_ATTRIBUTES);
    expect(Object.keys(data.relationships)).toEqual(MACHINE_RELATIONSHIPS);
    expect(data.type).toBe('machines');
    expect(data.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(data.attributes).toMatchObject({
      fingerprint: 'fp-shape',
      cores: 8,
      memory: 17179869184,
      disk: 500107862016,
      ip: '192.0.2.10',
      hostname: 'office.local',
      platform: 'darwin/arm64',
      name: 'Office Mac',
      requireHeartbeat: false,
      heartbeatStatus: 'NOT_STARTED',
      maxProcesses: null,
      lastCheckOut: null,
      lastHeartbeat: null,
      nextHeartbeat: null,
      metadata: { customerId: 'c-1' },
    });
    expect(Date.parse(data.attributes.created)).toBeGreaterThanOrEqual(before);
    expect(data.attributes.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(data.links).toEqual({ self: `${t.base}/machines/${data.id}` });
    expect(data.relationships.license).toEqual({ links: { related: `${t.base}/machines/${data.id}/license` }, data: { type: 'licenses', id: license.id } });
    expect(data.relationships.product.data).toEqual({ type: 'products', id: productA });
    expect((await t.admin('GET', `/licenses/${license.id}`)).json.data.relationships.machines.meta).toEqual({ count: 1 });
  });

  it('accepts a license token, a product token of the license’s product, and an admin', async () => {
    const license = await createLicense(t, floating);
    const token = (await t.admin('POST', `/licenses/${license.id}/tokens`)).json.data.attributes.token as string;
    expect((await activate(license, { fingerprint: 'by-token' }, { token })).status).toBe(201);
    expect((await activate(license, { fingerprint: 'by-product' }, { token: productToken })).status).toBe(201);
    expect((await activate(license, { fingerprint: 'by-admin' }, asAdmin())).status).toBe(201);
  });

  it('takes a client-chosen UUID, and refuses one already in use (ID_CONFLICT)', async () => {
    const license = await createLicense(t, floating);
    const id = '7d4b4c7e-9a3b-4c61-8f7e-3f5a8f0b1c22';
    const first = await t.request('POST', '/machines', { ...asLicense(license), body: machineDoc(license.id, { fingerprint: 'with-id' }, { id }) });
    expect(first.status, first.text).toBe(201);
    expect(first.json.data.id).toBe(id);
    const again = await t.request('POST', '/machines', { ...asLicense(license), body: machineDoc(license.id, { fingerprint: 'with-id-2' }, { id }) });
    expectUnprocessable(again, { detail: 'must not conflict with another machine', code: 'ID_CONFLICT', pointer: '/data/id' });
  });

  it('answers 400 for documents Keygen’s typed parameters reject', async () => {
    const license = await createLicense(t, floating);
    const cases: [unknown, string, string][] = [
      [machineDoc(license.id, { fingerprint: 'x', color: 'red' }), 'unpermitted parameter', '/data/attributes/color'],
      [machineDoc(license.id, { name: 'no fingerprint' }), 'is missing', '/data/attributes/fingerprint'],
      [machineDoc(license.id, { fingerprint: 12 }), 'type mismatch (received integer expected string)', '/data/attributes/fingerprint'],
      [machineDoc(license.id, { fingerprint: 'x', cores: 'eight' }), 'type mismatch (received string expected integer)', '/data/attributes/cores'],
      [{ data: { type: 'machines', attributes: { fingerprint: 'x' } } }, 'is missing', '/data/relationships'],
      [machineDoc('not-a-uuid', { fingerprint: 'x' }), 'type mismatch (received string expected UUID string)', '/data/relationships/license/data/id'],
    ];
    for (const [body, detail, pointer] of cases) {
      const response = await t.admin('POST', '/machines', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(firstError(response)).toEqual({ title: 'Bad request', detail, source: { pointer } });
    }
  });

  it('refuses blank, reserved, over-long and UUID-like fingerprints (422 with source.pointer)', async () => {
    const license = await createLicense(t, floating);
    const existing = await activated(license, 'fp-existing');
    const pointer = '/data/attributes/fingerprint';
    expectUnprocessable(await activate(license, { fingerprint: ' ' }), { detail: "can't be blank", code: 'FINGERPRINT_MISSING', pointer });
    expectUnprocessable(await activate(license, { fingerprint: 'actions' }), { detail: 'is reserved', code: 'FINGERPRINT_NOT_ALLOWED', pointer });
    expectUnprocessable(await activate(license, { fingerprint: 'f'.repeat(4097) }), {
      detail: 'is too long (maximum is 4096 characters)',
      code: 'FINGERPRINT_TOO_LONG',
      pointer,
    });
    expect((await activate(license, { fingerprint: 'f'.repeat(4096) })).status).toBe(201);
    expectUnprocessable(await activate(license, { fingerprint: existing.id.toUpperCase() }), {
      detail: "must not conflict with another machine's identifier (UUID)",
      code: 'FINGERPRINT_CONFLICT',
      pointer,
    });
    expectUnprocessable(await activate(license, { fingerprint: 'x', cores: 0 }), { detail: 'must be greater than or equal to 1', code: 'CORES_INVALID', pointer: '/data/attributes/cores' });
  });

  it('the license must exist: 422 LICENSE_NOT_FOUND for an admin, 403 for anyone else', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const response = await t.admin('POST', '/machines', machineDoc(missing, { fingerprint: 'orphan' }));
    expect(response.status).toBe(422);
    expect(firstError(response)).toEqual({
      title: 'Unprocessable resource',
      detail: 'must exist',
      code: 'LICENSE_NOT_FOUND',
      source: { pointer: '/data/relationships/license' },
      links: { about: 'https://keygen.sh/docs/api/machines/#machines-object-relationships-license' },
    });
    const product = await t.request('POST', '/machines', { token: productToken, body: machineDoc(missing, { fingerprint: 'orphan' }) });
    expect(product.status).toBe(403);
  });

  it('a license activates only itself; a product only its own licenses; no credentials → 401', async () => {
    const mine = await createLicense(t, floating);
    const other = await createLicense(t, floating);
    const otherProduct = await createLicense(t, await createPolicy(t, productB, { floating: true }));
    const asMine = await t.request('POST', '/machines', { ...asLicense(mine), body: machineDoc(other.id, { fingerprint: 'stolen' }) });
    expect(asMine.status).toBe(403);
    expect(firstError(asMine)).toEqual(ACCESS_DENIED);
    expect((await activate(otherProduct, { fingerprint: 'foreign' }, { token: productToken })).status).toBe(403);
    const anonymous = await t.request('POST', '/machines', { body: machineDoc(mine.id, { fingerprint: 'anon' }) });
    expect(anonymous.status).toBe(401);
    expect(firstError(anonymous).code).toBe('TOKEN_MISSING');
    expect(t.issuer.store.machines.allForLicense(other.id)).toEqual([]);
  });

  it('a suspended license cannot activate: LICENSE_SUSPENDED with its key, 403 with its token', async () => {
    const license = await createLicense(t, floating);
    const token = (await t.admin('POST', `/licenses/${license.id}/tokens`)).json.data.attributes.token as string;
    expect((await t.admin('PATCH', `/licenses/${license.id}`, doc('licenses', { suspended: true }))).status).toBe(200);
    const byKey = await activate(license, { fingerprint: 'suspended' });
    expect(byKey.status).toBe(403);
    expect(firstError(byKey)).toEqual({ title: 'Access denied', detail: 'License is suspended', code: 'LICENSE_SUSPENDED' });
    const byToken = await activate(license, { fingerprint: 'suspended' }, { token });
    expect(byToken.status).toBe(403);
    expect(firstError(byToken)).toEqual(ACCESS_DENIED);
    expect((await activate(license, { fingerprint: 'by-admin' }, asAdmin())).status).toBe(201);
  });

  it("a license whose owner is banned cannot activate: LICENSE_BANNED with its key, 403 with its token", async () => {
    const owner = (await t.admin('POST', '/users', doc('users', { email: 'banned-owner@example.com' }))).json.data.id as string;
    const license = await createLicense(t, floating, {}, { owner: { type: 'users', id: owner } });
    const token = (await t.admin('POST', `/licenses/${license.id}/tokens`)).json.data.attributes.token as string;
    expect((await activate(license, { fingerprint: 'before-ban' }, { token })).status).toBe(201);
    t.issuer.store.db.prepare('UPDATE users SET banned_at = ? WHERE id = ?').run(Date.now(), owner);
    expect(firstError(await activate(license, { fingerprint: 'banned' })).code).toBe('LICENSE_BANNED');
    const byToken = await activate(license, { fingerprint: 'banned' }, { token });
    expect(byToken.status).toBe(403);
    expect(firstError(byToken)).toEqual(ACCESS_DENIED);
  });

  it('stores nested components, and refuses repeated or blank ones with pointers into the relationship', async () => {
    const license = await createLicense(t, floating);
    const components = (items: { fingerprint: string; name: string }[]) => ({ components: { data: items.map((attributes) => ({ type: 'components', attributes })) } });
    const body = (fingerprint: string, items: { fingerprint: string; name: string }[]) => {
      const document = machineDoc(license.id, { fingerprint }) as { data: { relationships: Record<string, unknown> } };
      Object.assign(document.data.relationships, components(items));
      return document;
    };
    const ok = await t.admin('POST', '/machines', body('with-parts', [{ fingerprint: 'gpu-1', name: 'GPU' }, { fingerprint: 'disk-1', name: 'Disk' }]));
    expect(ok.status, ok.text).toBe(201);
    expect(t.issuer.store.machines.componentFingerprints(ok.json.data.id)).toEqual(['gpu-1', 'disk-1']);

    const repeated = await t.admin('POST', '/machines', body('repeated-parts', [{ fingerprint: 'gpu-2', name: 'GPU' }, { fingerprint: 'gpu-2', name: 'GPU again' }]));
    expect(repeated.status).toBe(422);
    expect(firstError(repeated)).toMatchObject({
      detail: 'is duplicated',
      code: 'COMPONENTS_FINGERPRINT_CONFLICT',
      source: { pointer: '/data/relationships/components/data/0/attributes/fingerprint' },
    });
    const unnamed = await t.admin('POST', '/machines', body('unnamed-part', [{ fingerprint: 'gpu-3', name: '' }]));
    expect(firstError(unnamed)).toMatchObject({ code: 'COMPONENTS_NAME_NOT_FOUND', source: { pointer: '/data/relationships/components/data/0/attributes/name' } });
    expect(t.issuer.store.machines.findByIdOrFingerprint(t.issuer.account, 'repeated-parts')).toBeNull();
  });
});

describe('machine limits', () => {
  const limitError = (max: number) => ({ detail: `machine count has exceeded maximum allowed for license (${max})`, code: 'MACHINE_LIMIT_EXCEEDED', pointer: '/data' });

  it('node-locked: one machine; a second is MACHINE_LIMIT_EXCEEDED (1) until the first is deactivated', async () => {
    const license = await createLicense(t, nodeLocked);
    const first = await activated(license, 'node-1');
    expectUnprocessable(await activate(license, { fingerprint: 'node-2' }), limitError(1));
    expect((await t.request('DELETE', `/machines/${first.id}`, asLicense(license))).status).toBe(204);
    expect((await activate(license, { fingerprint: 'node-2' })).status).toBe(201);
  });

  it('floating with 3 seats: three machines, the fourth exceeds; a license override changes the count', async () => {
    const license = await createLicense(t, floating);
    for (const fingerprint of ['seat-1', 'seat-2', 'seat-3']) await activated(license, fingerprint);
    expectUnprocessable(await activate(license, { fingerprint: 'seat-4' }), limitError(3));
    const overridden = await createLicense(t, floating, { maxMachines: 1 });
    await activated(overridden, 'only');
    expectUnprocessable(await activate(overridden, { fingerprint: 'second' }), limitError(1));
  });

  it('overage strategies: 2x, 1.25x and always', async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ maxMachines: 2, overageStrategy: 'ALLOW_2X_OVERAGE' }, 4],
      [{ maxMachines: 4, overageStrategy: 'ALLOW_1_25X_OVERAGE' }, 5],
      [{ maxMachines: 2, overageStrategy: 'ALLOW_1_5X_OVERAGE' }, 3],
    ];
    for (const [attributes, allowed] of cases) {
      const license = await createLicense(t, await createPolicy(t, productA, { floating: true, ...attributes }));
      for (let i = 1; i <= allowed; i++) await activated(license, `over-${i}`);
      expectUnprocessable(await activate(license, { fingerprint: 'over-last' }), limitError(attributes.maxMachines as number));
    }
    const always = await createLicense(t, await createPolicy(t, productA, { maxMachines: 1, overageStrategy: 'ALWAYS_ALLOW_OVERAGE' }));
    for (const fingerprint of ['a-1', 'a-2', 'a-3']) await activated(always, fingerprint);
  });

  it('cores, memory and disk totals: MACHINE_CORE_LIMIT_EXCEEDED and friends, on activation and on update', async () => {
    const policy = await createPolicy(t, productA, { floating: true, maxMachines: 10, maxCores: 8, maxMemory: 1000, maxDisk: 5000 });
    const license = await createLicense(t, policy);
    const first = await activated(license, 'cores-1', { cores: 6, memory: 600, disk: 1000 });
    expectUnprocessable(await activate(license, { fingerprint: 'cores-2', cores: 4 }), {
      detail: 'machine core count has exceeded maximum allowed for license (8)',
      code: 'MACHINE_CORE_LIMIT_EXCEEDED',
      pointer: '/data',
    });
    expectUnprocessable(await activate(license, { fingerprint: 'memory-2', memory: 401 }), {
      detail: 'machine memory has exceeded maximum allowed for license (1000)',
      code: 'MACHINE_MEMORY_LIMIT_EXCEEDED',
      pointer: '/data',
    });
    expectUnprocessable(await activate(license, { fingerprint: 'disk-2', disk: 4001 }), {
      detail: 'machine disk has exceeded maximum allowed for license (5000)',
      code: 'MACHINE_DISK_LIMIT_EXCEEDED',
      pointer: '/data',
    });
    await activated(license, 'cores-2', { cores: 2 });
    const grow = await t.admin('PATCH', `/machines/${first.id}`, doc('machines', { cores: 7 }));
    expect(grow.status).toBe(422);
    expect(firstError(grow).code).toBe('MACHINE_CORE_LIMIT_EXCEEDED');
    expect((await t.admin('PATCH', `/machines/${first.id}`, doc('machines', { cores: 5 }))).status).toBe(200);
  });
});

describe('fingerprint uniqueness strategies', () => {
  const taken = (suffix = '') => ({ detail: `has already been taken${suffix}`, code: 'FINGERPRINT_TAKEN', pointer: '/data/attributes/fingerprint' });

  it('UNIQUE_PER_LICENSE (default): the same fingerprint on another license is fine', async () => {
    const one = await createLicense(t, floating);
    const two = await createLicense(t, floating);
    await activated(one, 'shared-fp');
    expectUnprocessable(await activate(one, { fingerprint: 'shared-fp' }), taken());
    expect((await activate(two, { fingerprint: 'shared-fp' })).status).toBe(201);
  });

  it('UNIQUE_PER_POLICY, UNIQUE_PER_PRODUCT and UNIQUE_PER_ACCOUNT widen the scope', async () => {
    const perPolicy = await createPolicy(t, productA, { floating: true, machineUniquenessStrategy: 'UNIQUE_PER_POLICY' });
    const perProduct = await createPolicy(t, productA, { floating: true, machineUniquenessStrategy: 'UNIQUE_PER_PRODUCT' });
    const perAccount = await createPolicy(t, productA, { floating: true, machineUniquenessStrategy: 'UNIQUE_PER_ACCOUNT' });
    const elsewhere = await createLicense(t, await createPolicy(t, productB, { floating: true }));

    const policyOne = await createLicense(t, perPolicy);
    await activated(policyOne, 'policy-fp');
    expectUnprocessable(await activate(await createLicense(t, perPolicy), { fingerprint: 'policy-fp' }), taken(' for this policy'));
    expect((await activate(await createLicense(t, floating), { fingerprint: 'policy-fp' })).status).toBe(201);

    await activated(await createLicense(t, floating), 'product-fp');
    expectUnprocessable(await activate(await createLicense(t, perProduct), { fingerprint: 'product-fp' }), taken(' for this product'));
    const perProductB = await createPolicy(t, productB, { floating: true, machineUniquenessStrategy: 'UNIQUE_PER_PRODUCT' });
    expect((await activate(await createLicense(t, perProductB), { fingerprint: 'product-fp' })).status).toBe(201);

    await activated(elsewhere, 'account-fp');
    expect((await activate(await createLicense(t, perProduct), { fingerprint: 'account-fp' })).status).toBe(201);
    expectUnprocessable(await activate(await createLicense(t, perAccount), { fingerprint: 'account-fp' }), taken(' for this account'));
  });
});

describe('GET/PATCH/DELETE /machines/:id', () => {
  let license: LicenseObject;
  let other: LicenseObject;
  let machine: { id: string };
  let othersMachine: { id: string };

  beforeAll(async () => {
    license = await createLicense(t, floating);
    other = await createLicense(t, floating);
    machine = await activated(license, 'crud:fp/1');
    othersMachine = await activated(other, 'crud-other');
  });

  it('retrieves by id or by (URL-encoded) fingerprint', async () => {
    const byId = await t.request('GET', `/machines/${machine.id}`, asLicense(license));
    expect(byId.status).toBe(200);
    expect(Object.keys(byId.json.data.attributes)).toEqual(MACHINE_ATTRIBUTES);
    const byFingerprint = await t.admin('GET', `/machines/${encodeURIComponent('crud:fp/1')}`);
    expect(byFingerprint.status).toBe(200);
    expect(byFingerprint.json.data.id).toBe(machine.id);
  });

  it("keeps other licenses' and products' machines out of sight (404 NOT_FOUND)", async () => {
    const hidden = await t.request('GET', `/machines/${othersMachine.id}`, asLicense(license));
    expect(hidden.status).toBe(404);
    expect(firstError(hidden)).toEqual({ title: 'Not found', detail: `The requested machine '${othersMachine.id}' was not found`, code: 'NOT_FOUND' });
    expect((await t.request('GET', '/machines/crud-other', asLicense(license))).status).toBe(404);
    const foreign = await activated(await createLicense(t, await createPolicy(t, productB)), 'foreign-fp');
    expect((await t.request('GET', `/machines/${foreign.id}`, { token: productToken })).status).toBe(404);
    expect((await t.request('GET', `/machines/${machine.id}`, { token: productToken })).status).toBe(200);
  });

  it('updates descriptive attributes; admins and products also cores and metadata; the fingerprint never', async () => {
    const renamed = await t.request('PATCH', `/machines/${machine.id}`, {
      ...asLicense(license),
      body: doc('machines', { name: 'Renamed', hostname: 'renamed.local', ip: null, platform: 'linux' }),
    });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json.data.attributes).toMatchObject({ name: 'Renamed', hostname: 'renamed.local', ip: null, platform: 'linux', fingerprint: 'crud:fp/1' });
    const licenseCores = await t.request('PATCH', `/machines/${machine.id}`, { ...asLicense(license), body: doc('machines', { cores: 4 }) });
    expect(licenseCores.status).toBe(400);
    expect(firstError(licenseCores)).toEqual({ title: 'Bad request', detail: 'unpermitted parameter', source: { pointer: '/data/attributes/cores' } });
    const byAdmin = await t.admin('PATCH', `/machines/${machine.id}`, doc('machines', { cores: 4, metadata: { seat_tag: 'A' } }));
    expect(byAdmin.json.data.attributes).toMatchObject({ cores: 4, metadata: { seatTag: 'A' } });
    const fingerprint = await t.admin('PATCH', `/machines/${machine.id}`, doc('machines', { fingerprint: 'changed' }));
    expect(firstError(fingerprint)).toEqual({ title: 'Bad request', detail: 'unpermitted parameter', source: { pointer: '/data/attributes/fingerprint' } });
    expect((await t.request('PATCH', `/machines/${othersMachine.id}`, { ...asLicense(license), body: doc('machines', { name: 'x' }) })).status).toBe(404);
  });

  it('deactivates by id or fingerprint (204); a second delete is 404 NOT_FOUND', async () => {
    const target = await activated(license, 'to-delete');
    const first = await t.request('DELETE', '/machines/to-delete', asLicense(license));
    expect(first.status).toBe(204);
    expect(first.text).toBe('');
    const second = await t.request('DELETE', `/machines/${target.id}`, asLicense(license));
    expect(second.status).toBe(404);
    expect(firstError(second)).toMatchObject({ code: 'NOT_FOUND', detail: `The requested machine '${target.id}' was not found` });
    expect((await t.request('DELETE', `/machines/${othersMachine.id}`, asLicense(license))).status).toBe(404);
    expect(t.issuer.store.machines.findById(t.issuer.account, othersMachine.id)).not.toBeNull();
  });
});

describe('GET /machines and GET /licenses/:id/machines', () => {
  let licenseOne: LicenseObject;
  let licenseTwo: LicenseObject;
  let productBLicense: LicenseObject;
  let owner: string;
  let listPolicy: string;

  beforeAll(async () => {
    listPolicy = await createPolicy(t, productA, { name: 'List', floating: true, maxMachines: 50 });
    owner = (await t.admin('POST', '/users', doc('users', { email: 'machine-owner@example.com' }))).json.data.id;
    licenseOne = await createLicense(t, listPolicy, {}, { owner: { type: 'users', id: owner } });
    licenseTwo = await createLicense(t, listPolicy);
    productBLicense = await createLicense(t, await createPolicy(t, productB, { floating: true, maxMachines: 5 }));
    for (let i = 1; i <= 5; i++) await activated(licenseOne, `list-one-${i}`, { ip: i === 1 ? '198.51.100.7' : null });
    await activated(licenseTwo, 'list-two-1', { hostname: 'two.local' });
    await activated(productBLicense, 'list-b-1');
  });

  const ids = (response: ApiResponse): string[] => response.json.data.map((machine: { attributes: { fingerprint: string } }) => machine.attributes.fingerprint);

  it('filters by license, key, fingerprint, ip, hostname, product, policy, owner and user; newest first', async () => {
    expect(ids(await t.admin('GET', `/machines?license=${licenseOne.id}`))).toEqual(['list-one-5', 'list-one-4', 'list-one-3', 'list-one-2', 'list-one-1']);
    expect(ids(await t.admin('GET', `/machines?key=${encodeURIComponent(licenseTwo.attributes.key)}`))).toEqual(['list-two-1']);
    expect(ids(await t.admin('GET', '/machines?fingerprint=list-one-3'))).toEqual(['list-one-3']);
    expect(ids(await t.admin('GET', '/machines?ip=198.51.100.7'))).toEqual(['list-one-1']);
    expect(ids(await t.admin('GET', '/machines?hostname=two.local'))).toEqual(['list-two-1']);
    expect(ids(await t.admin('GET', `/machines?product=${productB}`))).toContain('list-b-1');
    expect(ids(await t.admin('GET', `/machines?product=${productB}`))).not.toContain('list-one-1');
    expect(ids(await t.admin('GET', `/machines?policy=${listPolicy}&limit=100`)).sort()).toEqual(
      ['list-one-1', 'list-one-2', 'list-one-3', 'list-one-4', 'list-one-5', 'list-two-1'].sort(),
    );
    expect(ids(await t.admin('GET', `/machines?owner=${owner}`))).toHaveLength(5);
    expect(ids(await t.admin('GET', '/machines?user=machine-owner%40example.com'))).toHaveLength(5);
    expect(ids(await t.admin('GET', '/machines?policy=not-a-uuid'))).toEqual([]);
    expect(ids(await t.admin('GET', '/machines?status=WHATEVER'))).toEqual([]);
  });

  it('scopes the list to the bearer: a license sees its own machines, a product its own', async () => {
    expect(ids(await t.request('GET', '/machines', asLicense(licenseTwo)))).toEqual(['list-two-1']);
    expect(ids(await t.request('GET', `/machines?license=${licenseOne.id}`, asLicense(licenseTwo)))).toEqual([]);
    expect(ids(await t.request('GET', '/machines?limit=100', { token: productToken }))).not.toContain('list-b-1');
  });

  it('pages with page[size]/page[number] and JSON:API links; limit cuts without links', async () => {
    const page = await t.admin('GET', `/machines?license=${licenseOne.id}&page[size]=2&page[number]=2`);
    expect(page.status).toBe(200);
    expect(ids(page)).toEqual(['list-one-3', 'list-one-2']);
    const link = (n: number) => `${t.base}/machines?license=${licenseOne.id}&page%5Bnumber%5D=${n}&page%5Bsize%5D=2`;
    expect(page.json.links).toEqual({ self: link(2), prev: link(1), next: link(3), first: link(1), last: link(3), meta: { pages: 3, count: 5 } });
    const limited = await t.admin('GET', `/machines?license=${licenseOne.id}&limit=2`);
    expect(ids(limited)).toEqual(['list-one-5', 'list-one-4']);
    expect(limited.json.links).toBeUndefined();
    const bad = await t.admin('GET', '/machines?page[size]=101');
    expect(bad.status).toBe(400);
    expect(firstError(bad).source).toEqual({ parameter: 'page' });
  });

  it("lists a license's machines (by id or key) for admins, its product and itself; others get 404", async () => {
    const response = await t.admin('GET', `/licenses/${licenseOne.id}/machines?limit=100`);
    expect(response.status).toBe(200);
    expect(ids(response)).toHaveLength(5);
    expect(Object.keys(response.json.data[0].attributes)).toEqual(MACHINE_ATTRIBUTES);
    expect(ids(await t.request('GET', `/licenses/${encodeURIComponent(licenseTwo.attributes.key)}/machines`, asLicense(licenseTwo)))).toEqual(['list-two-1']);
    const paged = await t.request('GET', `/licenses/${licenseOne.id}/machines?page[size]=4&page[number]=1`, { token: productToken });
    expect(paged.json.links.meta).toEqual({ pages: 2, count: 5 });
    expect((await t.request('GET', `/licenses/${licenseOne.id}/machines`, asLicense(licenseTwo))).status).toBe(404);
    expect((await t.request('GET', `/licenses/${productBLicense.id}/machines`, { token: productToken })).status).toBe(404);
  });
});
