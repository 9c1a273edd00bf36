/** Licenses: create, retrieve (id or key), update, delete; shapes against the reference; 422s. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LICENSE_ATTRIBUTES, LICENSE_KEYS, LICENSE_RELATIONSHIPS } from './reference-shapes.js';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type TestIssuer } from './support.js';

const DAY = 86_400_000;
let t: TestIssuer;
let productId: string;
let nodeLocked: string;
let floating: string;

beforeAll(async () => {
  t = await startTestIssuer();
  productId = await createProduct(t);
  nodeLocked = await createPolicy(t, productId, { name: 'Node-locked', duration: 30 * 86_400 });
  floating = await createPolicy(t, productId, { name: 'Floating', floating: true, maxMachines: 5, maxCores: 64, protected: true });
});
afterAll(() => t.close());

const policyLink = (id: string) => ({ policy: { type: 'policies', id } });

describe('POST /licenses', () => {
  it('creates a license shaped exactly like the reference example', async () => {
    const before = Date.now();
    const response = await t.admin('POST', '/licenses', doc('licenses', undefined, policyLink(nodeLocked)));
    expect(response.status).toBe(201);
    const data = response.json.data;
    expect(response.headers.get('location')).toBe(`${t.base}/licenses/${data.id}`);
    expect(Object.keys(response.json)).toEqual(['data']);
    expect(Object.keys(data)).toEqual(LICENSE_KEYS);
    expect(Object.keys(data.attributes)).toEqual(LICENSE_ATTRIBUTES);
    expect(Object.keys(data.relationships)).toEqual(LICENSE_RELATIONSHIPS);
    expect(data.type).toBe('licenses');
    expect(data.links).toEqual({ self: `${t.base}/licenses/${data.id}` });
    expect(data.attributes.key).toMatch(/^[0-9A-F]{6}(-[0-9A-F]{6}){4}-V3$/);
    const expiry = Date.parse(data.attributes.expiry);
    expect(expiry).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 30 * DAY);
    expect(data.attributes).toMatchObject({
      name: null,
      status: 'ACTIVE',
      uses: 0,
      protected: false,
      version: null,
      suspended: false,
      scheme: null,
      encrypted: false,
      floating: false,
      strict: false,
      maxMachines: 1,
      maxCores: null,
      requireHeartbeat: false,
      requireCheckIn: false,
      lastValidated: null,
      lastCheckOut: null,
      lastCheckIn: null,
      nextCheckIn: null,
      metadata: {},
    });
    expect(data.attributes.permissions).toContain('license.validate');
    expect(data.attributes.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(data.relationships).toEqual({
      account: { links: { related: t.base }, data: { type: 'accounts', id: t.issuer.account } },
      product: { links: { related: `${t.base}/licenses/${data.id}/product` }, data: { type: 'products', id: productId } },
      policy: { links: { related: `${t.base}/licenses/${data.id}/policy` }, data: { type: 'policies', id: nodeLocked } },
      group: { links: { related: `${t.base}/licenses/${data.id}/group` }, data: null },
      owner: { links: { related: `${t.base}/licenses/${data.id}/owner` }, data: null },
      users: { links: { related: `${t.base}/licenses/${data.id}/users` }, meta: { count: 0 } },
      machines: { links: { related: `${t.base}/licenses/${data.id}/machines` }, meta: { count: 0 } },
      tokens: { links: { related: `${t.base}/licenses/${data.id}/tokens` } },
      entitlements: { links: { related: `${t.base}/licenses/${data.id}/entitlements` } },
    });
  });

  it('takes every attribute, the owner (or its `user` alias) and the group', async () => {
    const user = await t.admin('POST', '/users', doc('users', { email: 'owner@example.com' }));
    const group = t.issuer.store.groups.create(t.issuer.account, { name: 'Team' }, Date.now());
    const id = '5f0e8a42-7e55-4c8b-9d73-8cfa3fd2a001';
    const response = await t.admin('POST', '/licenses', {
      data: {
        type: 'license',
        id,
        attributes: {
          name: 'Full',
          key: 'my-own-license-key',
          expiry: '2099-01-02T03:04:05.678Z',
          maxMachines: 10,
          max_cores: 8,
          maxUses: 100,
          suspended: false,
          protected: false,
          metadata: { customer_id: 'c-1', nested: { some_key: true } },
        },
        relationships: { policy: { data: { type: 'policies', id: floating } }, user: { data: { type: 'users', id: user.json.data.id } }, group: { data: { type: 'groups', id: group.id } } },
      },
    });
    expect(response.status, response.text).toBe(201);
    expect(response.json.data.id).toBe(id);
    expect(response.json.data.attributes).toMatchObject({
      name: 'Full',
      key: 'my-own-license-key',
      expiry: '2099-01-02T03:04:05.678Z',
      maxMachines: 10,
      maxCores: 8,
      maxUses: 100,
      floating: true,
      protected: false,
      metadata: { customerId: 'c-1', nested: { someKey: true } },
    });
    expect(response.json.data.relationships.owner.data).toEqual({ type: 'users', id: user.json.data.id });
    expect(response.json.data.relationships.group.data).toEqual({ type: 'groups', id: group.id });
  });

  it('inherits protected from the policy, and sets the first check-in for check-in policies', async () => {
    expect((await createLicense(t, floating)).attributes).toMatchObject({ protected: true, maxMachines: 5, maxCores: 64, expiry: null });
    const checkIn = await createPolicy(t, productId, { requireCheckIn: true, checkInInterval: 'month', checkInIntervalCount: 1 });
    const license = await createLicense(t, checkIn);
    expect(license.attributes.requireCheckIn).toBe(true);
    const last = new Date(license.attributes.lastCheckIn);
    const next = new Date(license.attributes.nextCheckIn);
    expect((next.getUTCMonth() - last.getUTCMonth() + 12) % 12).toBe(1);
  });

  it('answers 422 with Keygen codes and pointers', async () => {
    const taken = await createLicense(t, nodeLocked, { key: 'TAKEN-KEY-0001' });
    const cases: Array<[unknown, { detail: string; code: string; pointer: string }]> = [
      [doc('licenses', undefined, policyLink('0b4b1a9a-e25a-4f14-a95e-d9dd378d6065')), { detail: 'must exist', code: 'POLICY_NOT_FOUND', pointer: '/data/relationships/policy' }],
      [
        doc('licenses', undefined, { ...policyLink(nodeLocked), owner: { type: 'users', id: '0b4b1a9a-e25a-4f14-a95e-d9dd378d6065' } }),
        { detail: 'must exist', code: 'OWNER_NOT_FOUND', pointer: '/data/relationships/owner' },
      ],
      [doc('licenses', { key: 'short' }, policyLink(nodeLocked)), { detail: 'is too short (minimum is 8 characters)', code: 'KEY_TOO_SHORT', pointer: '/data/attributes/key' }],
      [doc('licenses', { key: 'TAKEN-KEY-0001' }, policyLink(nodeLocked)), { detail: 'has already been taken', code: 'KEY_TAKEN', pointer: '/data/attributes/key' }],
      [doc('licenses', { key: 'actions' }, policyLink(nodeLocked)), { detail: 'is reserved', code: 'KEY_NOT_ALLOWED', pointer: '/data/attributes/key' }],
      [doc('licenses', { key: taken.id }, policyLink(nodeLocked)), { detail: "must not conflict with another license's identifier (UUID)", code: 'KEY_CONFLICT', pointer: '/data/attributes/key' }],
      [doc('licenses', { maxMachines: 3 }, policyLink(nodeLocked)), { detail: 'must be equal to 1 for non-floating policy', code: 'MAX_MACHINES_INVALID', pointer: '/data/attributes/maxMachines' }],
      [doc('licenses', { maxMachines: 0 }, policyLink(floating)), { detail: 'must be greater than or equal to 1 for floating policy', code: 'MAX_MACHINES_INVALID', pointer: '/data/attributes/maxMachines' }],
      [
        doc('licenses', { metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])) }, policyLink(nodeLocked)),
        { detail: 'too many keys (exceeded limit of 64 keys)', code: 'METADATA_TOO_LONG', pointer: '/data/attributes/metadata' },
      ],
    ];
    for (const [body, expected] of cases) {
      const response = await t.admin('POST', '/licenses', body);
      expect(response.status, expected.code).toBe(422);
      expect(firstError(response), expected.code).toMatchObject({ title: 'Unprocessable resource', detail: expected.detail, code: expected.code, source: { pointer: expected.pointer } });
    }
    const conflict = await t.admin('POST', '/licenses', { data: { type: 'licenses', id: taken.id, relationships: { policy: { data: { type: 'policies', id: nodeLocked } } } } });
    expect(firstError(conflict)).toMatchObject({ code: 'ID_CONFLICT', source: { pointer: '/data/id' } });
    expect(firstError(await t.admin('POST', '/licenses', doc('licenses', { expiry: 'someday' }, policyLink(nodeLocked))))).toMatchObject({
      title: 'Bad request',
      detail: 'could not be coerced',
      source: { pointer: '/data/attributes/expiry' },
    });
  });
});

describe('GET /licenses/:id', () => {
  it('finds a license by id and by (URL-encoded) key', async () => {
    const license = await createLicense(t, nodeLocked, { key: 'key/with spaces+symbols' });
    expect((await t.admin('GET', `/licenses/${license.id}`)).json.data.id).toBe(license.id);
    expect((await t.admin('GET', `/licenses/${license.id.toUpperCase()}`)).json.data.id).toBe(license.id);
    expect((await t.admin('GET', `/licenses/${encodeURIComponent('key/with spaces+symbols')}`)).json.data.id).toBe(license.id);
    const missing = await t.admin('GET', '/licenses/NO-SUCH-KEY');
    expect(missing.status).toBe(404);
    expect(firstError(missing).detail).toBe("The requested license 'NO-SUCH-KEY' was not found");
  });

  it('counts machines and attached users in the relationships, and shows EXPIRING / EXPIRED / SUSPENDED', async () => {
    const license = await createLicense(t, floating, { expiry: new Date(Date.now() + DAY).toISOString() });
    const store = t.issuer.store;
    store.machines.create(license.id, { fingerprint: 'fp-1', cores: 4 }, Date.now());
    store.machines.create(license.id, { fingerprint: 'fp-2', cores: 4 }, Date.now());
    const user = store.users.create(t.issuer.account, { email: 'attached@example.com' }, Date.now());
    store.licenses.attachUser(store.licenses.findById(t.issuer.account, license.id)!, user.id, Date.now());
    const read = (await t.admin('GET', `/licenses/${license.id}`)).json.data;
    expect(read.relationships.machines.meta).toEqual({ count: 2 });
    expect(read.relationships.users.meta).toEqual({ count: 1 });
    expect(read.attributes.status).toBe('EXPIRING');
    const expired = await createLicense(t, floating, { expiry: new Date(Date.now() - DAY).toISOString() });
    expect(expired.attributes.status).toBe('EXPIRED');
    expect((await createLicense(t, floating, { suspended: true })).attributes.status).toBe('SUSPENDED');
  });
});

describe('PATCH /licenses/:id', () => {
  it('changes only what is given, removes overrides with null, and bumps updated', async () => {
    const license = await createLicense(t, floating, { name: 'Before', maxMachines: 10, metadata: { a: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const response = await t.admin('PATCH', `/licenses/${license.id}`, doc('licenses', { name: 'After', maxMachines: null, expiry: null, suspended: true, metadata: { b_c: 2 } }));
    expect(response.status).toBe(200);
    const attributes = response.json.data.attributes;
    expect(attributes).toMatchObject({ name: 'After', maxMachines: 5, expiry: null, suspended: true, metadata: { bC: 2 }, key: license.attributes.key });
    expect(Date.parse(attributes.updated)).toBeGreaterThan(Date.parse(license.attributes.updated));
    expect(attributes.created).toBe(license.attributes.created);
  });

  it('refuses the immutable key (400 unpermitted) and invalid overrides (422)', async () => {
    const license = await createLicense(t, nodeLocked);
    expect(firstError(await t.admin('PATCH', `/licenses/${license.id}`, doc('licenses', { key: 'NEW-KEY-00001' })))).toEqual({
      title: 'Bad request',
      detail: 'unpermitted parameter',
      source: { pointer: '/data/attributes/key' },
    });
    const invalid = await t.admin('PATCH', `/licenses/${license.id}`, doc('licenses', { maxMachines: 2 }));
    expect(invalid.status).toBe(422);
    expect(firstError(invalid).code).toBe('MAX_MACHINES_INVALID');
    expect((await t.admin('PATCH', '/licenses/0b4b1a9a-e25a-4f14-a95e-d9dd378d6065', doc('licenses', { name: 'x' }))).status).toBe(404);
  });
});

describe('DELETE /licenses/:id', () => {
  it('answers 204, deletes the machines and the license tokens, then 404', async () => {
    const license = await createLicense(t, floating);
    t.issuer.store.machines.create(license.id, { fingerprint: 'doomed' }, Date.now());
    const token = (await t.admin('POST', `/licenses/${license.id}/tokens`)).json.data.attributes.token as string;
    expect((await t.admin('DELETE', `/licenses/${encodeURIComponent(license.attributes.key)}`)).status).toBe(204);
    expect((await t.admin('GET', `/licenses/${license.id}`)).status).toBe(404);
    expect((await t.admin('DELETE', `/licenses/${license.id}`)).status).toBe(404);
    expect(t.issuer.store.machines.countForLicense(license.id).count).toBe(0);
    expect(firstError(await t.request('GET', '/me', { token })).code).toBe('TOKEN_INVALID');
  });
});
