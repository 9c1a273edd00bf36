/**
 * The authentication and permission matrix: every credential form Keygen accepts, Keygen's
 * 401/403 codes, and what admin, product and license bearers may see and do. A license acts only
 * on itself; a record outside a bearer's scope is a 404, as Keygen's `authorized_scope` makes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type TestIssuer } from './support.js';

let t: TestIssuer;
let productA: string;
let productB: string;
let policyA: string;
let policyB: string;
let licenseA: { id: string; attributes: { key: string } };
let licenseA2: { id: string; attributes: { key: string } };
let licenseB: { id: string; attributes: { key: string } };
let productToken: string;

const ACCESS_DENIED = {
  title: 'Access denied',
  detail: 'You do not have permission to complete the request (ensure the token bearer is allowed to access this resource)',
};

beforeAll(async () => {
  t = await startTestIssuer();
  productA = await createProduct(t, 'A');
  productB = await createProduct(t, 'B');
  policyA = await createPolicy(t, productA, { floating: true, maxMachines: 5 });
  policyB = await createPolicy(t, productB);
  licenseA = await createLicense(t, policyA);
  licenseA2 = await createLicense(t, policyA);
  licenseB = await createLicense(t, policyB);
  const token = await t.admin('POST', `/products/${productA}/tokens`);
  expect(token.status).toBe(201);
  expect(token.json.data.attributes.kind).toBe('product-token');
  productToken = token.json.data.attributes.token;
});
afterAll(() => t.close());

const license = (key: string) => ({ auth: `License ${key}` });

describe('credentials', () => {
  it('none → 401 TOKEN_MISSING with WWW-Authenticate', async () => {
    const response = await t.request('GET', '/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="keygen"');
    expect(firstError(response)).toEqual({
      title: 'Unauthorized',
      detail: 'You must be authenticated to complete the request',
      code: 'TOKEN_MISSING',
      links: { about: 'https://keygen.sh/docs/api/authentication/' },
    });
    expect(firstError(await t.request('GET', '/me', { auth: 'Bearer ' })).code).toBe('TOKEN_MISSING');
  });

  it('an unknown token → 401 TOKEN_INVALID; a UUID → TOKEN_FORMAT_INVALID; an expired one → TOKEN_EXPIRED', async () => {
    const invalid = await t.request('GET', '/me', { token: 'admin-00000000000000000000000000000000v3' });
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get('www-authenticate')).toBe('Bearer realm="keygen"');
    expect(firstError(invalid)).toMatchObject({ code: 'TOKEN_INVALID', detail: 'You must be authenticated to complete the request' });
    const uuid = await t.request('GET', '/me', { token: licenseA.id });
    expect(firstError(uuid)).toMatchObject({ code: 'TOKEN_FORMAT_INVALID' });
    const { secret } = t.issuer.store.tokens.create(t.issuer.account, { kind: 'activation-token', bearerType: 'licenses', bearerId: licenseA.id, expiry: Date.now() - 1000 }, Date.now());
    const expired = await t.request('GET', '/me', { token: secret });
    expect(expired.status).toBe(401);
    expect(firstError(expired)).toEqual({ title: 'Unauthorized', detail: 'Token is expired', code: 'TOKEN_EXPIRED' });
  });

  it('an unknown license key → 401 LICENSE_INVALID', async () => {
    const response = await t.request('GET', '/me', license('NOPE-NOPE-NOPE'));
    expect(response.status).toBe(401);
    expect(firstError(response)).toMatchObject({ code: 'LICENSE_INVALID', links: { about: 'https://keygen.sh/docs/api/authentication/#license-authentication' } });
  });

  it('License, Basic license:/token:/bare, Token scheme and ?auth= all authenticate', async () => {
    const key = licenseA.attributes.key;
    const basic = (text: string) => ({ auth: `Basic ${Buffer.from(text).toString('base64')}` });
    for (const options of [license(key), basic(`license:${key}`)]) {
      const me = await t.request('GET', '/me', options);
      expect(me.status).toBe(200);
      expect(me.json.data).toMatchObject({ type: 'licenses', id: licenseA.id });
      expect(me.headers.get('keygen-bearer')).toBe(licenseA.id);
    }
    for (const options of [basic(`token:${t.issuer.adminToken}`), basic(t.issuer.adminToken), { auth: `Token ${t.issuer.adminToken}` }]) {
      expect((await t.request('GET', '/me', options)).json.data.type).toBe('users');
    }
    expect((await t.request('GET', `/me?auth=license:${encodeURIComponent(key)}`)).json.data.id).toBe(licenseA.id);
    expect((await t.request('GET', `/me?token=${t.issuer.adminToken}`)).json.data.attributes.role).toBe('admin');
  });

  it('a suspended license → 403 LICENSE_SUSPENDED; a banned owner → 403 LICENSE_BANNED', async () => {
    const suspended = await createLicense(t, policyA, { suspended: true });
    expect(firstError(await t.request('GET', '/me', license(suspended.attributes.key)))).toEqual({ title: 'Access denied', detail: 'License is suspended', code: 'LICENSE_SUSPENDED' });
    const user = await t.admin('POST', '/users', doc('users', { email: 'banned@example.com' }));
    const owned = await createLicense(t, policyA, {}, { owner: { type: 'users', id: user.json.data.id } });
    t.issuer.store.db.prepare('UPDATE users SET banned_at = ? WHERE id = ?').run(Date.now(), user.json.data.id);
    const banned = await t.request('GET', '/me', license(owned.attributes.key));
    expect(banned.status).toBe(403);
    expect(firstError(banned)).toMatchObject({ code: 'LICENSE_BANNED', detail: 'License is banned' });
  });

  it('an expired license → 403 LICENSE_EXPIRED only when the policy revokes access', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const revoking = await createPolicy(t, productA, { expirationStrategy: 'REVOKE_ACCESS' });
    const revoked = await createLicense(t, revoking, { expiry: past });
    expect(firstError(await t.request('GET', '/me', license(revoked.attributes.key)))).toEqual({ title: 'Access denied', detail: 'License is expired', code: 'LICENSE_EXPIRED' });
    const restricted = await createLicense(t, policyA, { expiry: past });
    expect((await t.request('GET', '/me', license(restricted.attributes.key))).status).toBe(200);
  });

  it('the policy authentication strategy gates license keys (LICENSE_NOT_ALLOWED) and license tokens (TOKEN_NOT_ALLOWED)', async () => {
    const tokenOnly = await createPolicy(t, productA, { authenticationStrategy: 'TOKEN' });
    const keyless = await createLicense(t, tokenOnly);
    expect(firstError(await t.request('GET', '/me', license(keyless.attributes.key)))).toEqual({
      title: 'Access denied',
      detail: 'License key authentication is not allowed by policy',
      code: 'LICENSE_NOT_ALLOWED',
    });
    const licenseOnly = await createPolicy(t, productA, { authenticationStrategy: 'LICENSE' });
    const tokenless = await createLicense(t, licenseOnly);
    const token = await t.admin('POST', `/licenses/${tokenless.id}/tokens`);
    expect(firstError(await t.request('GET', '/me', { token: token.json.data.attributes.token }))).toMatchObject({ code: 'TOKEN_NOT_ALLOWED' });
  });
});

describe('license bearer', () => {
  const as = (method: string, path: string, body?: unknown) => t.request(method, path, { ...license(licenseA.attributes.key), body });

  it('reads itself, by id or by key', async () => {
    expect((await as('GET', `/licenses/${licenseA.id}`)).status).toBe(200);
    expect((await as('GET', `/licenses/${encodeURIComponent(licenseA.attributes.key)}`)).json.data.id).toBe(licenseA.id);
  });

  it('cannot see another license, even of its own product → 404', async () => {
    for (const other of [licenseA2, licenseB]) {
      const response = await as('GET', `/licenses/${other.id}`);
      expect(response.status).toBe(404);
      expect(firstError(response).code).toBe('NOT_FOUND');
      expect((await as('PATCH', `/licenses/${other.id}`, doc('licenses', { name: 'x' }))).status).toBe(404);
      expect((await as('DELETE', `/licenses/${other.id}`)).status).toBe(404);
    }
  });

  it('lists only itself', async () => {
    const response = await as('GET', '/licenses');
    expect(response.json.data.map((item: { id: string }) => item.id)).toEqual([licenseA.id]);
  });

  it('may not update, delete or create licenses, nor read products, policies or users → 403 without a code', async () => {
    for (const [method, path, body] of [
      ['PATCH', `/licenses/${licenseA.id}`, doc('licenses', { name: 'mine' })],
      ['DELETE', `/licenses/${licenseA.id}`, undefined],
      ['POST', '/licenses', doc('licenses', undefined, { policy: { type: 'policies', id: policyA } })],
      ['GET', '/products', undefined],
      ['GET', `/policies/${policyA}`, undefined],
      ['GET', '/users', undefined],
      ['POST', '/entitlements', doc('entitlements', { name: 'x', code: 'X' })],
      ['POST', `/licenses/${licenseA.id}/tokens`, undefined],
    ] as const) {
      const response = await as(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(firstError(response), `${method} ${path}`).toEqual(ACCESS_DENIED);
    }
  });

  it('lists its own entitlements only', async () => {
    const mine = await t.admin('POST', '/entitlements', doc('entitlements', { name: 'Mine', code: 'MINE' }));
    await t.admin('POST', '/entitlements', doc('entitlements', { name: 'Other', code: 'OTHER' }));
    t.issuer.store.entitlements.attachToLicense(t.issuer.account, licenseA.id, mine.json.data.id, Date.now());
    const response = await as('GET', '/entitlements');
    expect(response.json.data.map((item: { attributes: { code: string } }) => item.attributes.code)).toEqual(['MINE']);
    expect((await as('GET', `/entitlements/${mine.json.data.id}`)).status).toBe(200);
  });

  it('a license token authenticates as the license and names itself in Keygen-Token', async () => {
    const token = await t.admin('POST', `/licenses/${licenseA.id}/tokens`, doc('tokens', { maxActivations: 2 }));
    expect(token.status).toBe(200);
    expect(token.json.data.attributes.token).toMatch(/^activ-[0-9a-f]{32}v3$/);
    const me = await t.request('GET', '/me', { token: token.json.data.attributes.token });
    expect(me.json.data.id).toBe(licenseA.id);
    expect(me.headers.get('keygen-token')).toBe(token.json.data.id);
  });
});

describe('product bearer', () => {
  const as = (method: string, path: string, body?: unknown) => t.request(method, path, { token: productToken, body });

  it('is itself at /me and sees only its own product', async () => {
    expect((await as('GET', '/me')).json.data).toMatchObject({ type: 'products', id: productA });
    expect((await as('GET', '/products')).json.data.map((p: { id: string }) => p.id)).toEqual([productA]);
    expect((await as('GET', `/products/${productB}`)).status).toBe(404);
  });

  it("sees and manages its own product's policies and licenses; others are 404", async () => {
    expect((await as('GET', `/policies/${policyB}`)).status).toBe(404);
    expect((await as('GET', `/licenses/${licenseB.id}`)).status).toBe(404);
    const listed = (await as('GET', '/licenses')).json.data.map((item: { relationships: { product: { data: { id: string } } } }) => item.relationships.product.data.id);
    expect(new Set(listed)).toEqual(new Set([productA]));
    const created = await as('POST', '/licenses', doc('licenses', undefined, { policy: { type: 'policies', id: policyA } }));
    expect(created.status).toBe(201);
    expect((await as('PATCH', `/licenses/${created.json.data.id}`, doc('licenses', { name: 'renamed' }))).json.data.attributes.name).toBe('renamed');
    expect((await as('DELETE', `/licenses/${created.json.data.id}`)).status).toBe(204);
  });

  it("may not create licenses or policies for another product, products, or admins → 403", async () => {
    expect(firstError(await as('POST', '/licenses', doc('licenses', undefined, { policy: { type: 'policies', id: policyB } })))).toEqual(ACCESS_DENIED);
    expect((await as('POST', '/policies', doc('policies', { name: 'x' }, { product: { type: 'products', id: productB } }))).status).toBe(403);
    expect((await as('POST', '/products', doc('products', { name: 'x' }))).status).toBe(403);
    expect((await as('POST', '/users', doc('users', { email: 'boss@example.com', role: 'admin' }))).status).toBe(403);
    expect((await as('POST', `/products/${productA}/tokens`)).status).toBe(403);
  });

  it('creates users and sees those who hold its licenses', async () => {
    const user = await as('POST', '/users', doc('users', { email: 'holder@example.com' }));
    expect(user.status).toBe(201);
    expect((await as('GET', `/users/${user.json.data.id}`)).status).toBe(404);
    await createLicense(t, policyA, {}, { owner: { type: 'users', id: user.json.data.id } });
    expect((await as('GET', `/users/${user.json.data.id}`)).status).toBe(200);
    expect((await as('GET', '/users')).json.data.map((u: { id: string }) => u.id)).toContain(user.json.data.id);
  });
});
