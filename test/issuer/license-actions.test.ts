/**
 * License actions other than validation: suspend, reinstate, renew, revoke, check-in and the
 * usage counter. Response shapes against the reference examples, Keygen's 422 wording, and
 * who may act: admins and the license's product; a license only checks in and increments
 * itself; other records are 404s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addKeygenDuration } from '../../issuer/domain/duration.js';
import { LICENSE_ATTRIBUTES, LICENSE_KEYS, LICENSE_RELATIONSHIPS } from './reference-shapes.js';
import { createLicense, createPolicy, createProduct, firstError, startTestIssuer, type ApiResponse, type TestIssuer } from './support.js';

const DAY = 86_400_000;
const YEAR_SECONDS = 365 * 86_400;
const ACCESS_DENIED = {
  title: 'Access denied',
  detail: 'You do not have permission to complete the request (ensure the token bearer is allowed to access this resource)',
};

let now = Date.UTC(2025, 0, 31, 8, 30, 0, 0);
let t: TestIssuer;
let productId: string;
let basicPolicy: string;
let ownToken: string;
let otherToken: string;

type LicenseObject = { id: string; attributes: { key: string; expiry: string | null } };

beforeAll(async () => {
  t = await startTestIssuer({ clock: () => now });
  productId = await createProduct(t, 'Actions');
  const otherProduct = await createProduct(t, 'Elsewhere');
  basicPolicy = await createPolicy(t, productId, { name: 'Basic' });
  ownToken = (await t.admin('POST', `/products/${productId}/tokens`)).json.data.attributes.token;
  otherToken = (await t.admin('POST', `/products/${otherProduct}/tokens`)).json.data.attributes.token;
});
afterAll(() => t.close());

const action = (license: LicenseObject, name: string) => `/licenses/${license.id}/actions/${name}`;
const asLicense = (license: LicenseObject) => `License ${license.attributes.key}`;

/** The response is `{data: license}` shaped like the reference examples. */
function expectLicenseDocument(response: ApiResponse, license: LicenseObject): void {
  expect(response.status, response.text).toBe(200);
  expect(Object.keys(response.json)).toEqual(['data']);
  expect(Object.keys(response.json.data)).toEqual(LICENSE_KEYS);
  expect(Object.keys(response.json.data.attributes)).toEqual(LICENSE_ATTRIBUTES);
  expect(Object.keys(response.json.data.relationships)).toEqual(LICENSE_RELATIONSHIPS);
  expect(response.json.data.id).toBe(license.id);
}

function expectEntityError(response: ApiResponse, detail: string, pointer?: string): void {
  expect(response.status, response.text).toBe(422);
  expect(firstError(response)).toEqual({ title: 'Unprocessable entity', detail, ...(pointer === undefined ? {} : { source: { pointer } }) });
}

async function validationCode(license: LicenseObject): Promise<string> {
  const response = await t.request('POST', '/licenses/actions/validate-key', { body: { meta: { key: license.attributes.key } } });
  return response.json.meta.code;
}

describe('suspend and reinstate', () => {
  it('suspends, refuses to suspend twice, reinstates, refuses to reinstate twice', async () => {
    const license = await createLicense(t, basicPolicy);
    const suspended = await t.admin('POST', action(license, 'suspend'));
    expectLicenseDocument(suspended, license);
    expect(suspended.json.data.attributes).toMatchObject({ suspended: true, status: 'SUSPENDED' });
    expect(await validationCode(license)).toBe('SUSPENDED');
    expectEntityError(await t.admin('POST', action(license, 'suspend')), 'is already suspended', '/data/attributes/suspended');
    const reinstated = await t.admin('POST', action(license, 'reinstate'));
    expectLicenseDocument(reinstated, license);
    expect(reinstated.json.data.attributes.suspended).toBe(false);
    expect(await validationCode(license)).toBe('VALID');
    expectEntityError(await t.admin('POST', action(license, 'reinstate')), 'is not suspended', '/data/attributes/suspended');
  });

  it('bumps updated', async () => {
    const license = await createLicense(t, basicPolicy);
    now += 1000;
    const response = await t.admin('POST', action(license, 'suspend'));
    expect(response.json.data.attributes.updated).toBe(new Date(now).toISOString());
  });

  it("the license's product may, another product gets a 404, the license itself a 403, nobody a 401", async () => {
    const license = await createLicense(t, basicPolicy);
    expect((await t.request('POST', action(license, 'suspend'), { token: otherToken })).status).toBe(404);
    const self = await t.request('POST', action(license, 'suspend'), { auth: asLicense(license) });
    expect(self.status).toBe(403);
    expect(firstError(self)).toEqual(ACCESS_DENIED);
    const anonymous = await t.request('POST', action(license, 'suspend'));
    expect(anonymous.status).toBe(401);
    expect(firstError(anonymous).code).toBe('TOKEN_MISSING');
    expect((await t.request('POST', action(license, 'suspend'), { token: ownToken })).status).toBe(200);
    expect((await t.request('POST', action(license, 'reinstate'), { token: otherToken })).status).toBe(404);
    expect((await t.request('POST', action(license, 'reinstate'), { token: ownToken })).status).toBe(200);
    expect((await t.request('POST', action(license, 'reinstate'), { auth: asLicense(license) })).status).toBe(403);
  });

  it('finds the license by key, and answers 404 for an unknown one', async () => {
    const license = await createLicense(t, basicPolicy);
    expect((await t.admin('POST', `/licenses/${encodeURIComponent(license.attributes.key)}/actions/suspend`)).status).toBe(200);
    const missing = await t.admin('POST', '/licenses/NOPE/actions/suspend');
    expect(missing.status).toBe(404);
    expect(firstError(missing)).toEqual({ title: 'Not found', detail: "The requested license 'NOPE' was not found", code: 'NOT_FOUND' });
  });
});

describe('renew', () => {
  it('FROM_EXPIRY adds the policy duration (in calendar units) to the current expiry', async () => {
    const policy = await createPolicy(t, productId, { duration: YEAR_SECONDS });
    const license: LicenseObject = await createLicense(t, policy);
    const expiry = Date.parse(license.attributes.expiry ?? '');
    const response = await t.admin('POST', action(license, 'renew'));
    expectLicenseDocument(response, license);
    expect(response.json.data.attributes.expiry).toBe(addKeygenDuration(expiry, YEAR_SECONDS).toISOString());
  });

  it('FROM_NOW adds it to now', async () => {
    const policy = await createPolicy(t, productId, { duration: YEAR_SECONDS, renewalBasis: 'FROM_NOW' });
    const license = await createLicense(t, policy, { expiry: new Date(now + 100 * DAY).toISOString() });
    const response = await t.admin('POST', action(license, 'renew'));
    expect(response.json.data.attributes.expiry).toBe(addKeygenDuration(now, YEAR_SECONDS).toISOString());
  });

  it('FROM_NOW_IF_EXPIRED adds it to now only for an expired license', async () => {
    const policy = await createPolicy(t, productId, { duration: 30 * 86_400, renewalBasis: 'FROM_NOW_IF_EXPIRED' });
    const expired = await createLicense(t, policy, { expiry: new Date(now - 10 * DAY).toISOString() });
    const renewedExpired = await t.admin('POST', action(expired, 'renew'));
    expect(renewedExpired.json.data.attributes.expiry).toBe(new Date(now + 30 * DAY).toISOString());
    const current = await createLicense(t, policy, { expiry: new Date(now + 10 * DAY).toISOString() });
    const renewedCurrent = await t.admin('POST', action(current, 'renew'));
    expect(renewedCurrent.json.data.attributes.expiry).toBe(new Date(now + 40 * DAY).toISOString());
  });

  it('a renewed expired license validates again', async () => {
    const policy = await createPolicy(t, productId, { duration: 30 * 86_400, renewalBasis: 'FROM_NOW' });
    const license = await createLicense(t, policy, { expiry: new Date(now - DAY).toISOString() });
    expect(await validationCode(license)).toBe('EXPIRED');
    await t.admin('POST', action(license, 'renew'));
    expect(await validationCode(license)).toBe('VALID');
  });

  it('refuses (422) when the policy has no duration', async () => {
    const license = await createLicense(t, basicPolicy);
    expectEntityError(await t.admin('POST', action(license, 'renew')), 'cannot be renewed because the policy does not have a duration');
  });

  it('is for admins and the product, not the license itself', async () => {
    const policy = await createPolicy(t, productId, { duration: YEAR_SECONDS });
    const license = await createLicense(t, policy);
    expect((await t.request('POST', action(license, 'renew'), { auth: asLicense(license) })).status).toBe(403);
    expect((await t.request('POST', action(license, 'renew'), { token: otherToken })).status).toBe(404);
    expect((await t.request('POST', action(license, 'renew'), { token: ownToken })).status).toBe(200);
  });
});

describe('revoke', () => {
  it('deletes the license and its tokens (204), then 404', async () => {
    const license = await createLicense(t, basicPolicy);
    t.issuer.store.machines.create(license.id, { fingerprint: 'revoked-machine' }, now);
    const token = await t.admin('POST', `/licenses/${license.id}/tokens`);
    expect(token.status).toBe(200);
    const secret: string = token.json.data.attributes.token;
    expect((await t.request('GET', '/me', { token: secret })).status).toBe(200);
    const response = await t.admin('DELETE', action(license, 'revoke'));
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect((await t.admin('GET', `/licenses/${license.id}`)).status).toBe(404);
    expect(t.issuer.store.machines.allForLicense(license.id)).toEqual([]);
    const stale = await t.request('GET', '/me', { token: secret });
    expect(stale.status).toBe(401);
    expect(firstError(stale).code).toBe('TOKEN_INVALID');
    expect((await t.request('POST', '/licenses/actions/validate-key', { body: { meta: { key: license.attributes.key } } })).json.meta.code).toBe('NOT_FOUND');
  });

  it('is DELETE only, and not for the license itself', async () => {
    const license = await createLicense(t, basicPolicy);
    expect((await t.admin('POST', action(license, 'revoke'))).status).toBe(404);
    expect((await t.request('DELETE', action(license, 'revoke'), { auth: asLicense(license) })).status).toBe(403);
    expect((await t.request('DELETE', action(license, 'revoke'), { token: otherToken })).status).toBe(404);
    expect((await t.request('DELETE', action(license, 'revoke'), { token: ownToken })).status).toBe(204);
  });
});

describe('check-in', () => {
  let checkInPolicy: string;

  beforeAll(async () => {
    checkInPolicy = await createPolicy(t, productId, { requireCheckIn: true, checkInInterval: 'week', checkInIntervalCount: 2 });
  });

  it('sets lastCheckIn and nextCheckIn; the license may check itself in', async () => {
    const license = await createLicense(t, checkInPolicy);
    now += 3 * DAY;
    const response = await t.request('POST', action(license, 'check-in'), { auth: asLicense(license) });
    expectLicenseDocument(response, license);
    expect(response.json.data.attributes).toMatchObject({
      requireCheckIn: true,
      lastCheckIn: new Date(now).toISOString(),
      nextCheckIn: new Date(now + 14 * DAY).toISOString(),
    });
  });

  it('an overdue license is OVERDUE until it checks in', async () => {
    const license = await createLicense(t, checkInPolicy);
    now += 15 * DAY;
    expect(await validationCode(license)).toBe('OVERDUE');
    expect((await t.admin('POST', action(license, 'check-in'))).status).toBe(200);
    expect(await validationCode(license)).toBe('VALID');
  });

  it('refuses (422) when the policy does not require check-ins', async () => {
    const license = await createLicense(t, basicPolicy);
    expectEntityError(await t.admin('POST', action(license, 'check-in')), 'cannot be checked in because the policy does not require it');
  });

  it('another license is a 404, another product too; the own product may', async () => {
    const license = await createLicense(t, checkInPolicy);
    const other = await createLicense(t, checkInPolicy);
    expect((await t.request('POST', action(other, 'check-in'), { auth: asLicense(license) })).status).toBe(404);
    expect((await t.request('POST', action(license, 'check-in'), { token: otherToken })).status).toBe(404);
    expect((await t.request('POST', action(license, 'check-in'), { token: ownToken })).status).toBe(200);
    expect((await t.request('POST', action(license, 'check-in'))).status).toBe(401);
  });
});

describe('usage', () => {
  let limited: string;

  beforeAll(async () => {
    limited = await createPolicy(t, productId, { maxUses: 5 });
  });

  it('increments by 1 by default and by meta.increment; the license may increment itself', async () => {
    const license = await createLicense(t, limited);
    const one = await t.admin('POST', action(license, 'increment-usage'));
    expectLicenseDocument(one, license);
    expect(one.json.data.attributes.uses).toBe(1);
    const more = await t.request('POST', action(license, 'increment-usage'), { auth: asLicense(license), body: { meta: { increment: 3 } } });
    expect(more.status).toBe(200);
    expect(more.json.data.attributes.uses).toBe(4);
  });

  it('refuses to go over maxUses (422 USES_LIMIT_EXCEEDED) and keeps the count', async () => {
    const license = await createLicense(t, limited);
    expect((await t.admin('POST', action(license, 'increment-usage'), { meta: { increment: 5 } })).json.data.attributes.uses).toBe(5);
    const over = await t.admin('POST', action(license, 'increment-usage'));
    expect(over.status).toBe(422);
    expect(firstError(over)).toEqual({
      title: 'Unprocessable resource',
      detail: 'usage exceeds maximum allowed by current policy (5)',
      code: 'USES_LIMIT_EXCEEDED',
      source: { pointer: '/data/attributes/uses' },
      links: { about: 'https://keygen.sh/docs/api/licenses/#licenses-object-attrs-uses' },
    });
    expect((await t.admin('GET', `/licenses/${license.id}`)).json.data.attributes.uses).toBe(5);
  });

  it("honours the license's maxUses override, and no limit at all", async () => {
    const overridden = await createLicense(t, limited, { maxUses: 1 });
    expect((await t.admin('POST', action(overridden, 'increment-usage'))).status).toBe(200);
    expect(firstError(await t.admin('POST', action(overridden, 'increment-usage'))).detail).toBe('usage exceeds maximum allowed by current policy (1)');
    const unlimited = await createLicense(t, basicPolicy);
    expect((await t.admin('POST', action(unlimited, 'increment-usage'), { meta: { increment: 1000 } })).json.data.attributes.uses).toBe(1000);
  });

  it('answers 400 for integers too large and for non-integers', async () => {
    const license = await createLicense(t, basicPolicy);
    const huge = await t.admin('POST', action(license, 'increment-usage'), '{"meta":{"increment":46116860184273879031}}');
    expect(huge.status).toBe(400);
    expect(firstError(huge)).toEqual({ title: 'Bad request', detail: 'integer is too large', source: { pointer: '/meta/increment' } });
    const big = await t.admin('POST', action(license, 'increment-usage'), { meta: { increment: 2 ** 31 } });
    expect(firstError(big)).toEqual({ title: 'Bad request', detail: 'integer is too large', source: { pointer: '/meta/increment' } });
    const text = await t.admin('POST', action(license, 'increment-usage'), { meta: { increment: 'two' } });
    expect(firstError(text)).toEqual({ title: 'Bad request', detail: 'type mismatch (received string expected integer)', source: { pointer: '/meta/increment' } });
    const unknown = await t.admin('POST', action(license, 'increment-usage'), { meta: { decrement: 1 } });
    expect(firstError(unknown)).toEqual({ title: 'Bad request', detail: 'unpermitted parameter', source: { pointer: '/meta/decrement' } });
    expect((await t.admin('GET', `/licenses/${license.id}`)).json.data.attributes.uses).toBe(0);
  });

  it('starts a FROM_FIRST_USE clock on the first increment', async () => {
    const policy = await createPolicy(t, productId, { duration: YEAR_SECONDS, expirationBasis: 'FROM_FIRST_USE' });
    const license = await createLicense(t, policy);
    expect(license.attributes.expiry).toBeNull();
    const response = await t.admin('POST', action(license, 'increment-usage'));
    expect(response.json.data.attributes.expiry).toBe(addKeygenDuration(now, YEAR_SECONDS).toISOString());
  });

  it('decrements by 1 or meta.decrement, never below 0 (422 USES_INVALID)', async () => {
    const license = await createLicense(t, basicPolicy);
    await t.admin('POST', action(license, 'increment-usage'), { meta: { increment: 75 } });
    const one = await t.admin('POST', action(license, 'decrement-usage'));
    expectLicenseDocument(one, license);
    expect(one.json.data.attributes.uses).toBe(74);
    expect((await t.admin('POST', action(license, 'decrement-usage'), { meta: { decrement: 50 } })).json.data.attributes.uses).toBe(24);
    const under = await t.admin('POST', action(license, 'decrement-usage'), { meta: { decrement: 25 } });
    expect(under.status).toBe(422);
    expect(firstError(under)).toMatchObject({
      title: 'Unprocessable resource',
      detail: 'must be greater than or equal to 0',
      code: 'USES_INVALID',
      source: { pointer: '/data/attributes/uses' },
    });
    expect((await t.admin('GET', `/licenses/${license.id}`)).json.data.attributes.uses).toBe(24);
  });

  it('resets to 0', async () => {
    const license = await createLicense(t, basicPolicy);
    await t.admin('POST', action(license, 'increment-usage'), { meta: { increment: 9 } });
    const reset = await t.admin('POST', action(license, 'reset-usage'));
    expectLicenseDocument(reset, license);
    expect(reset.json.data.attributes.uses).toBe(0);
  });

  it('decrement and reset are for admins and the product; the license gets a 403, other products a 404', async () => {
    const license = await createLicense(t, basicPolicy);
    await t.admin('POST', action(license, 'increment-usage'), { meta: { increment: 3 } });
    for (const name of ['decrement-usage', 'reset-usage']) {
      const self = await t.request('POST', action(license, name), { auth: asLicense(license) });
      expect(self.status, name).toBe(403);
      expect(firstError(self)).toEqual(ACCESS_DENIED);
      expect((await t.request('POST', action(license, name), { token: otherToken })).status, name).toBe(404);
      expect((await t.request('POST', action(license, name), { token: ownToken })).status, name).toBe(200);
      expect((await t.request('POST', action(license, name))).status, name).toBe(401);
    }
    const other = await createLicense(t, basicPolicy);
    expect((await t.request('POST', action(other, 'increment-usage'), { auth: asLicense(license) })).status).toBe(404);
  });
});
