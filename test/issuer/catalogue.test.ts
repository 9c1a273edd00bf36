/** Products, policies, entitlements, users, tokens and `/me`: happy paths, shapes, and errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENTITLEMENT_ATTRIBUTES,
  ENTITLEMENT_KEYS,
  POLICY_ATTRIBUTES,
  POLICY_RELATIONSHIPS,
  PRODUCT_ATTRIBUTES,
  TOKEN_ATTRIBUTES,
  TOKEN_KEYS,
  TOKEN_RELATIONSHIPS,
  USER_ATTRIBUTES,
  USER_KEYS,
  USER_RELATIONSHIPS,
} from './reference-shapes.js';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type TestIssuer } from './support.js';

let t: TestIssuer;
let productId: string;

beforeAll(async () => {
  t = await startTestIssuer();
  productId = await createProduct(t, 'Catalogue');
});
afterAll(() => t.close());

const product = (id: string) => ({ product: { type: 'products', id } });

describe('products', () => {
  it('create → 201 with the serializer shape; retrieve; list', async () => {
    const response = await t.admin('POST', '/products', doc('products', { name: 'App', url: 'https://example.com', platforms: ['linux'], metadata: { build_id: 7 } }));
    expect(response.status).toBe(201);
    const data = response.json.data;
    expect(Object.keys(data)).toEqual(['id', 'type', 'attributes', 'relationships', 'links']);
    expect(Object.keys(data.attributes)).toEqual(PRODUCT_ATTRIBUTES);
    expect(data.attributes).toMatchObject({ name: 'App', distributionStrategy: 'LICENSED', url: 'https://example.com', platforms: ['linux'], metadata: { buildId: 7 } });
    expect((await t.admin('GET', `/products/${data.id}`)).json.data).toEqual(data);
    const list = await t.admin('GET', '/products');
    expect(list.json.data[0].id).toBe(data.id);
  });

  it('422 for a blank name or an unknown distribution strategy; 400 without a name', async () => {
    expect(firstError(await t.admin('POST', '/products', doc('products', { name: ' ' })))).toMatchObject({ code: 'NAME_MISSING', detail: "can't be blank" });
    expect(firstError(await t.admin('POST', '/products', doc('products', { name: 'x', distributionStrategy: 'FREE' })))).toMatchObject({
      code: 'DISTRIBUTION_STRATEGY_NOT_ALLOWED',
    });
    expect(firstError(await t.admin('POST', '/products', doc('products', {})))).toMatchObject({ detail: 'is missing', source: { pointer: '/data/attributes/name' } });
  });
});

describe('policies', () => {
  it("create → 201 with every attribute in Keygen's order and Keygen's defaults", async () => {
    const response = await t.admin('POST', '/policies', doc('policies', { name: 'Defaults' }, product(productId)));
    expect(response.status).toBe(201);
    const data = response.json.data;
    expect(Object.keys(data.attributes)).toEqual(POLICY_ATTRIBUTES);
    expect(Object.keys(data.relationships)).toEqual(POLICY_RELATIONSHIPS);
    expect(data.relationships.product.data).toEqual({ type: 'products', id: productId });
    expect(data.attributes).toMatchObject({
      duration: null,
      floating: false,
      maxMachines: 1,
      machineUniquenessStrategy: 'UNIQUE_PER_LICENSE',
      machineMatchingStrategy: 'MATCH_ANY',
      expirationStrategy: 'RESTRICT_ACCESS',
      expirationBasis: 'FROM_CREATION',
      authenticationStrategy: 'TOKEN',
      heartbeatCullStrategy: 'DEACTIVATE_DEAD',
      heartbeatResurrectionStrategy: 'NO_REVIVE',
      heartbeatBasis: 'FROM_FIRST_PING',
      overageStrategy: 'NO_OVERAGE',
      protected: false,
      metadata: {},
    });
  });

  it('takes every field listed in issue 3 and round-trips them', async () => {
    const attributes = {
      name: 'Everything',
      duration: 31_536_000,
      strict: true,
      floating: true,
      scheme: 'ED25519_SIGN',
      requireCheckIn: true,
      checkInInterval: 'week',
      checkInIntervalCount: 2,
      requireHeartbeat: true,
      heartbeatDuration: 900,
      protected: true,
      maxMachines: 3,
      maxCores: 16,
      maxMemory: 1_073_741_824,
      maxDisk: 2_147_483_647,
      maxProcesses: 4,
      maxUsers: 2,
      maxUses: 50,
      machineMatchingStrategy: 'MATCH_MOST',
      machineUniquenessStrategy: 'UNIQUE_PER_POLICY',
      expirationStrategy: 'REVOKE_ACCESS',
      authenticationStrategy: 'LICENSE',
      requireFingerprintScope: true,
      requireComponentsScope: true,
      requireProductScope: true,
      metadata: { tier: 'gold' },
    };
    const created = await t.admin('POST', '/policies', doc('policies', attributes, product(productId)));
    expect(created.status, created.text).toBe(201);
    expect(created.json.data.attributes).toMatchObject({ ...attributes, heartbeatBasis: 'FROM_CREATION' });
    expect((await t.admin('GET', `/policies/${created.json.data.id}`)).json.data.attributes).toMatchObject(attributes);
  });

  it('update changes attributes and refuses create-only ones', async () => {
    const id = await createPolicy(t, productId, { name: 'Before' });
    const updated = await t.admin('PATCH', `/policies/${id}`, doc('policies', { name: 'After', duration: 86_400, requireCheckIn: true, checkInInterval: 'day', checkInIntervalCount: 1 }));
    expect(updated.status).toBe(200);
    expect(updated.json.data.attributes).toMatchObject({ name: 'After', duration: 86_400, requireCheckIn: true });
    expect(firstError(await t.admin('PATCH', `/policies/${id}`, doc('policies', { scheme: 'ED25519_SIGN' })))).toMatchObject({ detail: 'unpermitted parameter' });
  });

  it('422 for Keygen policy validations', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ name: '' }, 'NAME_MISSING', "can't be blank"],
      [{ duration: 3600 }, 'DURATION_INVALID', 'must be greater than or equal to 86400 (1 day)'],
      [{ heartbeatDuration: 30 }, 'HEARTBEAT_DURATION_INVALID', 'must be greater than or equal to 60 (1 minute)'],
      [{ maxMachines: 2 }, 'MAX_MACHINES_INVALID', 'must be equal to 1 for non-floating policy'],
      [{ floating: true, maxMachines: 0 }, 'MAX_MACHINES_INVALID', 'must be greater than or equal to 1 for floating policy'],
      [{ requireCheckIn: true, checkInInterval: 'hour', checkInIntervalCount: 1 }, 'CHECK_IN_INTERVAL_NOT_ALLOWED', 'must be one of: day, week, month, year'],
      [{ requireCheckIn: true, checkInInterval: 'day', checkInIntervalCount: 400 }, 'CHECK_IN_INTERVAL_COUNT_NOT_ALLOWED', 'must be a number between 1 and 365 inclusive'],
      [{ expirationStrategy: 'SOMETIMES' }, 'EXPIRATION_STRATEGY_NOT_ALLOWED', 'unsupported expiration strategy'],
      [{ heartbeatResurrectionStrategy: 'ALWAYS_REVIVE' }, 'HEARTBEAT_CULL_STRATEGY_NOT_ALLOWED', 'incompatible heartbeat cull strategy (must be KEEP_DEAD when resurrection strategy is ALWAYS_REVIVE)'],
    ];
    for (const [attributes, code, detail] of cases) {
      const response = await t.admin('POST', '/policies', doc('policies', { name: 'Bad', ...attributes }, product(productId)));
      expect(response.status, code).toBe(422);
      expect(firstError(response), code).toMatchObject({ title: 'Unprocessable resource', code, detail });
    }
    const missingProduct = await t.admin('POST', '/policies', doc('policies', { name: 'x' }, product('0b4b1a9a-e25a-4f14-a95e-d9dd378d6065')));
    expect(firstError(missingProduct)).toMatchObject({ code: 'PRODUCT_NOT_FOUND', detail: 'must exist', source: { pointer: '/data/relationships/product' } });
    expect(firstError(await t.admin('POST', '/policies', doc('policies', { name: 'x', maxMachines: { n: 1 } }, product(productId))))).toEqual({
      title: 'Bad request',
      detail: 'type mismatch (received object expected integer)',
      source: { pointer: '/data/attributes/maxMachines' },
    });
  });

  it('lists, filtered by ?product=', async () => {
    const other = await createProduct(t, 'Other');
    const mine = await createPolicy(t, other, { name: 'Mine' });
    const listed = await t.admin('GET', `/policies?product=${other}`);
    expect(listed.json.data.map((p: { id: string }) => p.id)).toEqual([mine]);
  });
});

describe('entitlements', () => {
  it('create → 201 shaped like the reference; list; codes are unique', async () => {
    const response = await t.admin('POST', '/entitlements', doc('entitlements', { name: 'Example Feature', code: 'EXAMPLE_FEATURE' }));
    expect(response.status).toBe(201);
    expect(Object.keys(response.json.data)).toEqual(ENTITLEMENT_KEYS);
    expect(Object.keys(response.json.data.attributes)).toEqual(ENTITLEMENT_ATTRIBUTES);
    expect(response.json.data.links.self).toBe(`${t.base}/entitlements/${response.json.data.id}`);
    expect((await t.admin('GET', '/entitlements')).json.data.map((e: { id: string }) => e.id)).toContain(response.json.data.id);
    expect(firstError(await t.admin('POST', '/entitlements', doc('entitlements', { name: 'Again', code: 'EXAMPLE_FEATURE' })))).toMatchObject({ code: 'CODE_TAKEN', detail: 'has already been taken' });
  });
});

describe('users', () => {
  it('create → 201 shaped like the reference (plus links.self); retrieve by id or email; list', async () => {
    const response = await t.admin('POST', '/users', doc('users', { email: 'John.Doe@Example.com', firstName: 'John', lastName: 'Doe', password: 'hunter22' }));
    expect(response.status).toBe(201);
    const data = response.json.data;
    expect(Object.keys(data)).toEqual([...USER_KEYS, 'links']);
    expect(Object.keys(data.attributes)).toEqual(USER_ATTRIBUTES);
    expect(Object.keys(data.relationships)).toEqual(USER_RELATIONSHIPS);
    expect(data.attributes).toMatchObject({ fullName: 'John Doe', email: 'john.doe@example.com', status: 'ACTIVE', role: 'user' });
    expect(response.text).not.toContain('hunter22');
    expect((await t.admin('GET', `/users/${data.id}`)).json.data.id).toBe(data.id);
    expect((await t.admin('GET', '/users/john.doe@example.com')).json.data.id).toBe(data.id);
    expect((await t.admin('GET', '/users')).json.data.map((u: { id: string }) => u.id)).toContain(data.id);
  });

  it('422 for a bad or taken email', async () => {
    expect(firstError(await t.admin('POST', '/users', doc('users', { email: 'nope' })))).toMatchObject({ code: 'EMAIL_INVALID' });
    await t.admin('POST', '/users', doc('users', { email: 'once@example.com' }));
    expect(firstError(await t.admin('POST', '/users', doc('users', { email: 'ONCE@example.com' })))).toMatchObject({ code: 'EMAIL_TAKEN' });
  });
});

describe('tokens and /me', () => {
  it('a license token is shaped like the reference example and printed once', async () => {
    const policy = await createPolicy(t, productId, { floating: true, maxMachines: 2 });
    const license = await createLicense(t, policy);
    const response = await t.admin('POST', `/licenses/${license.id}/tokens`, doc('tokens', { maxActivations: 2 }));
    expect(response.status).toBe(200);
    const data = response.json.data;
    expect(Object.keys(data)).toEqual([...TOKEN_KEYS, 'links']);
    expect(Object.keys(data.attributes)).toEqual(TOKEN_ATTRIBUTES);
    expect(Object.keys(data.relationships)).toEqual(TOKEN_RELATIONSHIPS);
    expect(data.attributes).toMatchObject({ kind: 'activation-token', expiry: null, maxActivations: 2, activations: 0, maxDeactivations: null, deactivations: 0 });
    expect(data.relationships.bearer).toEqual({ links: { related: `${t.base}/licenses/${license.id}` }, data: { type: 'licenses', id: license.id } });
    const stored = t.issuer.store.db.prepare('SELECT digest FROM tokens WHERE id = ?').get(data.id) as { digest: string };
    expect(stored.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(t.issuer.store.db.prepare('SELECT * FROM tokens').all())).not.toContain(data.attributes.token);
  });

  it('/me answers the admin user', async () => {
    const me = await t.admin('GET', '/me');
    expect(me.json.data).toMatchObject({ type: 'users', attributes: { role: 'admin' } });
  });
});
