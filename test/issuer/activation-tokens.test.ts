/**
 * License ("activation") tokens count the machines they activate and deactivate, and refuse
 * once `maxActivations` / `maxDeactivations` is reached, as keygen-api's `MachinesController`
 * and `Token` validations do: 422 `ACTIVATIONS_LIMIT_EXCEEDED` / `DEACTIVATIONS_LIMIT_EXCEEDED`,
 * "exceeds maximum allowed (N)". Admin and product tokens and license-key auth are not counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLicense, createPolicy, createProduct, firstError, startTestIssuer, type ApiResponse, type RequestOptions, type TestIssuer } from './support.js';

/** The reference's "Generate a license token" example, attribute keys in order. */
const TOKEN_ATTRIBUTES = ['kind', 'token', 'expiry', 'permissions', 'maxActivations', 'activations', 'maxDeactivations', 'deactivations', 'created', 'updated'];

interface LicenseObject {
  id: string;
  attributes: { key: string };
}

interface IssuedToken {
  id: string;
  secret: string;
}

let t: TestIssuer;
let now = Date.parse('2024-03-01T12:00:00.000Z');
let policy: string;
let productToken: string;

beforeAll(async () => {
  t = await startTestIssuer({ clock: () => now });
  const product = await createProduct(t, 'Counted');
  // Floating with room for many machines: only the token's limits may refuse here.
  policy = await createPolicy(t, product, { floating: true, maxMachines: 20 });
  const token = await t.admin('POST', `/products/${product}/tokens`);
  expect(token.status).toBe(201);
  productToken = token.json.data.attributes.token;
});
afterAll(() => t.close());

function machineDoc(licenseId: string, fingerprint: string): unknown {
  return { data: { type: 'machines', attributes: { fingerprint }, relationships: { license: { data: { type: 'licenses', id: licenseId } } } } };
}

async function issueToken(license: LicenseObject, attributes: Record<string, unknown> = {}): Promise<IssuedToken> {
  const response = await t.admin('POST', `/licenses/${license.id}/tokens`, { data: { type: 'tokens', attributes } });
  expect(response.status, response.text).toBe(200);
  return { id: response.json.data.id, secret: response.json.data.attributes.token };
}

const bearer = (token: IssuedToken): RequestOptions => ({ token: token.secret });
const byKey = (license: LicenseObject): RequestOptions => ({ auth: `License ${license.attributes.key}` });
const byAdmin = (): RequestOptions => ({ token: t.issuer.adminToken });

function activate(license: LicenseObject, fingerprint: string, as: RequestOptions): Promise<ApiResponse> {
  return t.request('POST', '/machines', { ...as, body: machineDoc(license.id, fingerprint) });
}

async function activated(license: LicenseObject, fingerprint: string, as: RequestOptions): Promise<string> {
  const response = await activate(license, fingerprint, as);
  expect(response.status, response.text).toBe(201);
  return response.json.data.id as string;
}

function deactivate(machineId: string, as: RequestOptions): Promise<ApiResponse> {
  return t.request('DELETE', `/machines/${machineId}`, as);
}

/** The token's counters as stored (the issuer has no `GET /tokens/:id`; the token object is shown once). */
function counts(token: IssuedToken): { activations: number; deactivations: number; maxActivations: number | null; maxDeactivations: number | null } {
  const stored = t.issuer.store.tokens.findById(t.issuer.account, token.id);
  expect(stored).not.toBeNull();
  const { activations, deactivations, maxActivations, maxDeactivations } = stored!;
  return { activations, deactivations, maxActivations, maxDeactivations };
}

function machineCount(license: LicenseObject): number {
  return t.issuer.store.machines.allForLicense(license.id).length;
}

function expectLimitExceeded(response: ApiResponse, counter: 'activations' | 'deactivations', limit: number): void {
  expect(response.status, response.text).toBe(422);
  expect(response.json.errors).toHaveLength(1);
  expect(firstError(response)).toEqual({
    title: 'Unprocessable resource',
    detail: `exceeds maximum allowed (${limit})`,
    code: counter === 'activations' ? 'ACTIVATIONS_LIMIT_EXCEEDED' : 'DEACTIVATIONS_LIMIT_EXCEEDED',
    source: { pointer: `/data/attributes/${counter}` },
    links: { about: `https://keygen.sh/docs/api/tokens/#tokens-object-attrs-${counter}` },
  });
}

describe('activations by a license token', () => {
  it('maxActivations 2: two machines are activated and counted, the third is refused with ACTIVATIONS_LIMIT_EXCEEDED', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const created = await t.admin('POST', `/licenses/${license.id}/tokens`, { data: { type: 'tokens', attributes: { maxActivations: 2 } } });
    expect(created.status).toBe(200);
    expect(Object.keys(created.json.data.attributes)).toEqual(TOKEN_ATTRIBUTES);
    expect(created.json.data.attributes).toMatchObject({ kind: 'activation-token', maxActivations: 2, activations: 0, maxDeactivations: null, deactivations: 0 });
    const token: IssuedToken = { id: created.json.data.id, secret: created.json.data.attributes.token };

    await activated(license, 'limit-1', bearer(token));
    expect(counts(token).activations).toBe(1);
    await activated(license, 'limit-2', bearer(token));
    expect(counts(token)).toEqual({ activations: 2, deactivations: 0, maxActivations: 2, maxDeactivations: null });

    const refused = await activate(license, 'limit-3', bearer(token));
    expectLimitExceeded(refused, 'activations', 2);
    expect(counts(token).activations).toBe(2);
    expect(machineCount(license)).toBe(2);
    expect(t.issuer.store.machines.allForLicense(license.id).map((machine) => machine.fingerprint).sort()).toEqual(['limit-1', 'limit-2']);
  });

  it('stamps the token as updated when it counts, and leaves it alone when it refuses', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(license, { maxActivations: 1 });
    const issuedAt = now;
    now += 60_000;
    await activated(license, 'stamp-1', bearer(token));
    expect(t.issuer.store.tokens.findById(t.issuer.account, token.id)?.updatedAt).toBe(issuedAt + 60_000);
    now += 60_000;
    expectLimitExceeded(await activate(license, 'stamp-2', bearer(token)), 'activations', 1);
    expect(t.issuer.store.tokens.findById(t.issuer.account, token.id)?.updatedAt).toBe(issuedAt + 60_000);
  });

  it('maxActivations 0 refuses the very first activation', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(license, { maxActivations: 0 });
    expectLimitExceeded(await activate(license, 'zero', bearer(token)), 'activations', 0);
    expect(counts(token).activations).toBe(0);
    expect(machineCount(license)).toBe(0);
  });

  it('without maxActivations every activation is counted and none is refused', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(license);
    for (const fingerprint of ['open-1', 'open-2', 'open-3', 'open-4']) await activated(license, fingerprint, bearer(token));
    expect(counts(token)).toMatchObject({ activations: 4, maxActivations: null });
  });

  it('an invalid machine is not counted, and its own error wins over the token limit (Keygen checks the machine first)', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(license, { maxActivations: 1 });
    await activated(license, 'taken', byKey(license));

    const duplicate = await activate(license, 'taken', bearer(token));
    expect(duplicate.status).toBe(422);
    expect(firstError(duplicate)).toMatchObject({ code: 'FINGERPRINT_TAKEN', source: { pointer: '/data/attributes/fingerprint' } });
    expect(counts(token).activations).toBe(0);

    await activated(license, 'fresh', bearer(token));
    expect(counts(token).activations).toBe(1);
    // At its limit, the token still gets the machine's own failure for an invalid machine.
    const again = await activate(license, 'taken', bearer(token));
    expect(firstError(again).code).toBe('FINGERPRINT_TAKEN');
    expect(counts(token).activations).toBe(1);
  });

  it('a machine refused by the policy machine limit is not counted', async () => {
    const product = await createProduct(t, 'Node-locked');
    const nodeLocked = await createPolicy(t, product, { name: 'Node-locked' });
    const license: LicenseObject = await createLicense(t, nodeLocked);
    const token = await issueToken(license, { maxActivations: 5 });
    await activated(license, 'only-seat', bearer(token));
    const over = await activate(license, 'second-seat', bearer(token));
    expect(over.status).toBe(422);
    expect(firstError(over).code).not.toBe('ACTIVATIONS_LIMIT_EXCEEDED');
    expect(counts(token).activations).toBe(1);
  });

  it("a 403 for another license's machine, or a 400 for a bad document, is not counted", async () => {
    const mine: LicenseObject = await createLicense(t, policy);
    const other: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(mine, { maxActivations: 3 });
    const stolen = await activate(other, 'stolen', bearer(token));
    expect(stolen.status).toBe(403);
    const malformed = await t.request('POST', '/machines', { ...bearer(token), body: { data: { type: 'machines', attributes: {} } } });
    expect(malformed.status).toBe(400);
    expect(counts(token).activations).toBe(0);
    expect(machineCount(other)).toBe(0);
  });
});

describe('deactivations by a license token', () => {
  it('maxDeactivations 1: the first deactivation is counted, the second is refused with DEACTIVATIONS_LIMIT_EXCEEDED and the machine stays', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(license, { maxDeactivations: 1 });
    const first = await activated(license, 'de-1', bearer(token));
    const second = await activated(license, 'de-2', bearer(token));

    const removed = await deactivate(first, bearer(token));
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect(counts(token)).toEqual({ activations: 2, deactivations: 1, maxActivations: null, maxDeactivations: 1 });

    const refused = await deactivate(second, bearer(token));
    expectLimitExceeded(refused, 'deactivations', 1);
    expect(counts(token).deactivations).toBe(1);
    expect((await t.admin('GET', `/machines/${second}`)).status).toBe(200);
    expect(machineCount(license)).toBe(1);
  });

  it('maxDeactivations 0 refuses every deactivation by that token', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(license, { maxDeactivations: 0 });
    const machine = await activated(license, 'never-leaves', bearer(token));
    expectLimitExceeded(await deactivate(machine, bearer(token)), 'deactivations', 0);
    expect(counts(token).deactivations).toBe(0);
    expect(machineCount(license)).toBe(1);
  });

  it("another license's machine is a 404 for the token and is not counted", async () => {
    const mine: LicenseObject = await createLicense(t, policy);
    const other: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(mine, { maxDeactivations: 2 });
    const theirs = await activated(other, 'theirs', byKey(other));
    const response = await deactivate(theirs, bearer(token));
    expect(response.status).toBe(404);
    expect(firstError(response).code).toBe('NOT_FOUND');
    expect(counts(token).deactivations).toBe(0);
    expect(machineCount(other)).toBe(1);
  });

  it('a missing machine is a 404 and is not counted', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(license, { maxDeactivations: 1 });
    const response = await deactivate('00000000-0000-4000-8000-000000000000', bearer(token));
    expect(response.status).toBe(404);
    expect(counts(token).deactivations).toBe(0);
  });
});

describe('bearers that are not counted', () => {
  it('license-key auth activates and deactivates past a spent token, and never touches its counts', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(license, { maxActivations: 1, maxDeactivations: 1 });
    await activated(license, 'tok-1', bearer(token));
    expectLimitExceeded(await activate(license, 'tok-2', bearer(token)), 'activations', 1);

    const keyed = await activated(license, 'key-1', byKey(license));
    await activated(license, 'key-2', byKey(license));
    expect((await deactivate(keyed, byKey(license))).status).toBe(204);
    expect(counts(token)).toEqual({ activations: 1, deactivations: 0, maxActivations: 1, maxDeactivations: 1 });
    expect(machineCount(license)).toBe(2);
  });

  it('admin and product tokens are not counted against the license token', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(license, { maxActivations: 0, maxDeactivations: 0 });
    const byProduct = await activated(license, 'product-made', { token: productToken });
    const byAdminMachine = await activated(license, 'admin-made', byAdmin());
    expect((await deactivate(byProduct, { token: productToken })).status).toBe(204);
    expect((await deactivate(byAdminMachine, byAdmin())).status).toBe(204);
    expect(counts(token)).toEqual({ activations: 0, deactivations: 0, maxActivations: 0, maxDeactivations: 0 });
  });

  it('each license token keeps its own counts', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const one = await issueToken(license, { maxActivations: 1 });
    const two = await issueToken(license, { maxActivations: 1 });
    await activated(license, 'one', bearer(one));
    await activated(license, 'two', bearer(two));
    expect(counts(one).activations).toBe(1);
    expect(counts(two).activations).toBe(1);
    expectLimitExceeded(await activate(license, 'three', bearer(one)), 'activations', 1);
  });
});

describe('counts are a history, not the machine count', () => {
  it('deleting machines (by an admin or by the token) does not give activations back', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(license, { maxActivations: 3 });
    const first = await activated(license, 'hist-1', bearer(token));
    const second = await activated(license, 'hist-2', bearer(token));

    expect((await deactivate(first, byAdmin())).status).toBe(204);
    expect(counts(token)).toMatchObject({ activations: 2, deactivations: 0 });
    expect(machineCount(license)).toBe(1);

    expect((await deactivate(second, bearer(token))).status).toBe(204);
    expect(counts(token)).toMatchObject({ activations: 2, deactivations: 1 });
    expect(machineCount(license)).toBe(0);

    await activated(license, 'hist-3', bearer(token));
    expect(counts(token).activations).toBe(3);
    // One machine on the license, yet the token has used all three of its activations.
    expect(machineCount(license)).toBe(1);
    expectLimitExceeded(await activate(license, 'hist-4', bearer(token)), 'activations', 3);
    expect(machineCount(license)).toBe(1);
  });

  it('re-activating the same fingerprint after deactivating it counts again', async () => {
    const license: LicenseObject = await createLicense(t, policy);
    const token = await issueToken(license, { maxActivations: 2, maxDeactivations: 2 });
    const machine = await activated(license, 'same-box', bearer(token));
    expect((await deactivate(machine, bearer(token))).status).toBe(204);
    await activated(license, 'same-box', bearer(token));
    expect(counts(token)).toMatchObject({ activations: 2, deactivations: 1 });
    expectLimitExceeded(await activate(license, 'other-box', bearer(token)), 'activations', 2);
  });
});
