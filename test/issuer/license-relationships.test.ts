/**
 * License relationships over sockets: users and entitlements (list, show, attach, detach),
 * policy / owner / group changes and the related-resource reads, with Keygen's 4xx codes and
 * the reference's JSON shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPolicyDefaults } from '../../issuer/domain/policy-defaults.js';
import { ENTITLEMENT_ATTRIBUTES, ENTITLEMENT_KEYS, LICENSE_ATTRIBUTES, POLICY_ATTRIBUTES, PRODUCT_ATTRIBUTES, USER_ATTRIBUTES, USER_KEYS } from './reference-shapes.js';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type ApiResponse, type TestIssuer } from './support.js';

/** Reference "Attach users" / "Attach license entitlements" → Example response / 201, `data[0]`. */
const JOIN_KEYS = ['id', 'type', 'attributes', 'relationships', 'links'];
const JOIN_ATTRIBUTES = ['created', 'updated'];
const LICENSE_USER_RELATIONSHIPS = ['account', 'license', 'user'];
const LICENSE_ENTITLEMENT_RELATIONSHIPS = ['account', 'entitlement', 'license'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MISSING = 'd22692b1-0b4b-4cb7-9e3e-449e0fdf9cd8';
const DAY = 86_400;

interface LicenseObject {
  id: string;
  attributes: { key: string };
}

let t: TestIssuer;
let productA: string;
let productB: string;
let policyA: string;
let policyB: string;
let productToken: string;
let emailCounter = 0;

beforeAll(async () => {
  t = await startTestIssuer();
  productA = await createProduct(t, 'A');
  productB = await createProduct(t, 'B');
  policyA = await createPolicy(t, productA, { name: 'A', maxUsers: 3 });
  policyB = await createPolicy(t, productB, { name: 'B' });
  const token = await t.admin('POST', `/products/${productA}/tokens`);
  expect(token.status).toBe(201);
  productToken = token.json.data.attributes.token;
});
afterAll(() => t.close());

const links = (ids: readonly string[], type: string) => ({ data: ids.map((id) => ({ type, id })) });
const users = (...ids: string[]) => links(ids, 'users');
const entitlements = (...ids: string[]) => links(ids, 'entitlements');
const asLicense = (license: LicenseObject) => ({ auth: `License ${license.attributes.key}` });
const product = () => ({ token: productToken });

async function createUser(): Promise<string> {
  emailCounter += 1;
  const response = await t.admin('POST', '/users', doc('users', { email: `user${emailCounter}@example.com`, firstName: 'Jo', lastName: `Doe${emailCounter}` }));
  expect(response.status, response.text).toBe(201);
  return response.json.data.id as string;
}

async function createEntitlement(code: string): Promise<string> {
  const response = await t.admin('POST', '/entitlements', doc('entitlements', { name: code, code }));
  expect(response.status, response.text).toBe(201);
  return response.json.data.id as string;
}

function expectUnprocessable(response: ApiResponse, expected: { code: string; detail: string; pointer: string; topic?: string }): void {
  const topic = expected.topic ?? 'licenses';
  const [, , section, name] = expected.pointer.split('/');
  expect(response.status, response.text).toBe(422);
  expect(firstError(response)).toEqual({
    title: 'Unprocessable resource',
    detail: expected.detail,
    code: expected.code,
    source: { pointer: expected.pointer },
    links: { about: `https://keygen.sh/docs/api/${topic}/#${topic}-object-${section}-${name}` },
  });
}

const ACCESS_DENIED = {
  title: 'Access denied',
  detail: 'You do not have permission to complete the request (ensure the token bearer is allowed to access this resource)',
};

describe('POST /licenses/:id/users (attach)', () => {
  it('attaches users and answers 201 with license-user objects shaped like the reference', async () => {
    const license = await createLicense(t, policyA);
    const [u1, u2] = [await createUser(), await createUser()];
    const response = await t.admin('POST', `/licenses/${license.id}/users`, { data: [{ type: 'users', id: u1 }, { type: 'user', id: u2.toUpperCase() }] });
    expect(response.status, response.text).toBe(201);
    expect(Object.keys(response.json)).toEqual(['data']);
    const [first, second] = response.json.data;
    expect(response.json.data).toHaveLength(2);
    expect(Object.keys(first)).toEqual(JOIN_KEYS);
    expect(Object.keys(first.attributes)).toEqual(JOIN_ATTRIBUTES);
    expect(Object.keys(first.relationships)).toEqual(LICENSE_USER_RELATIONSHIPS);
    expect(first.id).toMatch(UUID);
    expect(first.id).not.toBe(second.id);
    expect(first.type).toBe('license-users');
    expect(first.attributes.created).toBe(first.attributes.updated);
    expect(first.relationships).toEqual({
      account: { links: { related: t.base }, data: { type: 'accounts', id: t.issuer.account } },
      license: { links: { related: `${t.base}/licenses/${license.id}` }, data: { type: 'licenses', id: license.id } },
      user: { links: { related: `${t.base}/users/${u1}` }, data: { type: 'users', id: u1 } },
    });
    expect(first.links).toEqual({ related: `${t.base}/licenses/${license.id}/users/${u1}` });
    expect(second.relationships.user.data.id).toBe(u2);
    const read = await t.admin('GET', `/licenses/${license.id}`);
    expect(read.json.data.relationships.users.meta).toEqual({ count: 2 });
  });

  it('refuses an attached user (USER_TAKEN), the owner (USER_CONFLICT), an unknown user (USER_NOT_FOUND), all-or-nothing', async () => {
    const owner = await createUser();
    const license = await createLicense(t, policyA, {}, { owner: { type: 'users', id: owner } });
    const user = await createUser();
    expect((await t.admin('POST', `/licenses/${license.id}/users`, users(user))).status).toBe(201);
    expectUnprocessable(await t.admin('POST', `/licenses/${license.id}/users`, users(user)), {
      code: 'USER_TAKEN', detail: 'already exists', pointer: '/data/relationships/user',
    });
    expectUnprocessable(await t.admin('POST', `/licenses/${license.id}/users`, users(owner)), {
      code: 'USER_CONFLICT', detail: 'already exists (user is attached through owner)', pointer: '/data/relationships/user',
    });
    const fresh = await createUser();
    expectUnprocessable(await t.admin('POST', `/licenses/${license.id}/users`, users(fresh, MISSING)), {
      code: 'USER_NOT_FOUND', detail: 'must exist', pointer: '/data/relationships/user',
    });
    expectUnprocessable(await t.admin('POST', `/licenses/${license.id}/users`, users(fresh, fresh)), {
      code: 'USER_TAKEN', detail: 'already exists', pointer: '/data/relationships/user',
    });
    const list = await t.admin('GET', `/licenses/${license.id}/users`);
    expect(list.json.data.map((u: { id: string }) => u.id).sort()).toEqual([owner, user].sort());
  });

  it('counts the owner and attached users against maxUsers (USER_LIMIT_EXCEEDED); overrides and overage raise the cap', async () => {
    const owner = await createUser();
    const license = await createLicense(t, policyA, {}, { owner: { type: 'users', id: owner } });
    const [u1, u2, u3] = [await createUser(), await createUser(), await createUser()];
    expect((await t.admin('POST', `/licenses/${license.id}/users`, users(u1))).status).toBe(201);
    expectUnprocessable(await t.admin('POST', `/licenses/${license.id}/users`, users(u2, u3)), {
      code: 'USER_LIMIT_EXCEEDED', detail: 'user count has exceeded maximum allowed for license (3)', pointer: '/data/relationships/users',
    });
    expect((await t.admin('GET', `/licenses/${license.id}/users`)).json.data).toHaveLength(2);
    expect((await t.admin('PATCH', `/licenses/${license.id}`, doc('licenses', { maxUsers: 4 }))).status).toBe(200);
    expect((await t.admin('POST', `/licenses/${license.id}/users`, users(u2, u3))).status).toBe(201);

    const lenient = await createPolicy(t, productA, { maxUsers: 1, overageStrategy: 'ALLOW_2X_OVERAGE' });
    const generous = await createLicense(t, lenient);
    expect((await t.admin('POST', `/licenses/${generous.id}/users`, users(u1, u2))).status).toBe(201);
    expectUnprocessable(await t.admin('POST', `/licenses/${generous.id}/users`, users(u3)), {
      code: 'USER_LIMIT_EXCEEDED', detail: 'user count has exceeded maximum allowed for license (1)', pointer: '/data/relationships/users',
    });
  });

  it('answers 400 for bad documents, with typed-params wording and pointers', async () => {
    const license = await createLicense(t, policyA);
    const cases: [unknown, string, string][] = [
      [{ data: [] }, 'length must be greater than or equal to 1', '/data'],
      [users(...Array.from({ length: 101 }, () => MISSING)), 'length must be less than or equal to 100', '/data'],
      [{ data: { type: 'users', id: MISSING } }, 'type mismatch (received object expected array)', '/data'],
      [{ data: [{ type: 'licenses', id: MISSING }] }, 'must be one of: user, users (received licenses)', '/data/0/type'],
      [{ data: [{ type: 'users', id: 'not-a-uuid' }] }, 'type mismatch (received string expected UUID string)', '/data/0/id'],
      [{ data: [{ type: 'users', id: MISSING, extra: 1 }] }, 'unpermitted parameter', '/data/0/extra'],
    ];
    for (const [body, detail, pointer] of cases) {
      const response = await t.admin('POST', `/licenses/${license.id}/users`, body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(firstError(response)).toEqual({ title: 'Bad request', detail, source: { pointer } });
    }
  });

  it("lets the license's product attach; other products get 404, the license itself 403, no token 401", async () => {
    const license = await createLicense(t, policyA);
    const other = await createLicense(t, policyB);
    const user = await createUser();
    expect((await t.request('POST', `/licenses/${license.id}/users`, { ...product(), body: users(user) })).status).toBe(201);
    const foreign = await t.request('POST', `/licenses/${other.id}/users`, { ...product(), body: users(user) });
    expect(foreign.status).toBe(404);
    expect(firstError(foreign)).toEqual({ title: 'Not found', detail: `The requested license '${other.id}' was not found`, code: 'NOT_FOUND' });
    const self = await t.request('POST', `/licenses/${license.id}/users`, { ...asLicense(license), body: users(await createUser()) });
    expect(self.status).toBe(403);
    expect(firstError(self)).toEqual(ACCESS_DENIED);
    expect((await t.request('POST', `/licenses/${license.id}/users`, { body: users(user) })).status).toBe(401);
    expect((await t.admin('POST', `/licenses/${MISSING}/users`, users(user))).status).toBe(404);
  });
});

describe('DELETE /licenses/:id/users (detach)', () => {
  it('detaches users (204) and takes them off the machines they own under the license', async () => {
    const license = await createLicense(t, policyA);
    const [u1, u2] = [await createUser(), await createUser()];
    expect((await t.admin('POST', `/licenses/${license.id}/users`, users(u1, u2))).status).toBe(201);
    const machine = t.issuer.store.machines.create(license.id, { fingerprint: 'fp-detach' }, Date.now());
    t.issuer.store.db.prepare('UPDATE machines SET owner_id = ? WHERE id = ?').run(u1, machine.id);
    const response = await t.admin('DELETE', `/licenses/${license.id}/users`, users(u1));
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(t.issuer.store.machines.findById(t.issuer.account, machine.id)?.ownerId).toBeNull();
    const list = await t.admin('GET', `/licenses/${license.id}/users`);
    expect(list.json.data.map((u: { id: string }) => u.id)).toEqual([u2]);
  });

  it('refuses the owner (403 with pointer) and users that are not attached (422 Unprocessable entity), detaching nothing', async () => {
    const owner = await createUser();
    const license = await createLicense(t, policyA, {}, { owner: { type: 'users', id: owner } });
    const user = await createUser();
    expect((await t.admin('POST', `/licenses/${license.id}/users`, users(user))).status).toBe(201);
    const ownerResponse = await t.admin('DELETE', `/licenses/${license.id}/users`, users(user, owner));
    expect(ownerResponse.status).toBe(403);
    expect(firstError(ownerResponse)).toEqual({ title: 'Access denied', detail: `cannot detach user '${owner}' (user is attached through owner)`, source: { pointer: '/data/1' } });
    const missing = await t.admin('DELETE', `/licenses/${license.id}/users`, users(user, MISSING));
    expect(missing.status).toBe(422);
    expect(firstError(missing)).toEqual({ title: 'Unprocessable entity', detail: `cannot detach user '${MISSING}' (user is not attached)`, source: { pointer: '/data/1' } });
    expect((await t.admin('GET', `/licenses/${license.id}/users`)).json.data).toHaveLength(2);
    expect(firstError(await t.admin('DELETE', `/licenses/${license.id}/users`, { data: [] })).detail).toBe('length must be greater than or equal to 1');
  });

  it("forbids the license itself (403) and hides other products' licenses (404)", async () => {
    const license = await createLicense(t, policyA);
    const other = await createLicense(t, policyB);
    const user = await createUser();
    await t.admin('POST', `/licenses/${license.id}/users`, users(user));
    await t.admin('POST', `/licenses/${other.id}/users`, users(user));
    expect((await t.request('DELETE', `/licenses/${license.id}/users`, { ...asLicense(license), body: users(user) })).status).toBe(403);
    expect((await t.request('DELETE', `/licenses/${other.id}/users`, { ...product(), body: users(user) })).status).toBe(404);
    expect((await t.request('DELETE', `/licenses/${other.id}/users`, { ...asLicense(license), body: users(user) })).status).toBe(404);
    expect((await t.request('DELETE', `/licenses/${license.id}/users`, { ...product(), body: users(user) })).status).toBe(204);
  });
});

describe('GET /licenses/:id/users', () => {
  let license: LicenseObject;
  let owner: string;
  let attached: string[];

  beforeAll(async () => {
    owner = await createUser();
    license = await createLicense(t, policyA, {}, { owner: { type: 'users', id: owner } });
    attached = [await createUser(), await createUser()];
    expect((await t.admin('POST', `/licenses/${license.id}/users`, users(...attached))).status).toBe(201);
  });

  it('lists the owner and the attached users, newest first, as user objects', async () => {
    const response = await t.admin('GET', `/licenses/${license.attributes.key}/users`);
    expect(response.status).toBe(200);
    expect(Object.keys(response.json)).toEqual(['data']);
    expect(response.json.data.map((u: { id: string }) => u.id)).toEqual([...attached].reverse().concat(owner));
    const [first] = response.json.data;
    expect(Object.keys(first)).toEqual([...USER_KEYS, 'links']);
    expect(Object.keys(first.attributes)).toEqual(USER_ATTRIBUTES);
    expect(first.type).toBe('users');
    expect(first.attributes).toMatchObject({ firstName: 'Jo', status: 'ACTIVE', role: 'user' });
  });

  it("pages with limit and page[…], with Keygen's links", async () => {
    const limited = await t.admin('GET', `/licenses/${license.id}/users?limit=1`);
    expect(limited.json.data).toHaveLength(1);
    expect(limited.json.links).toBeUndefined();
    const paged = await t.admin('GET', `/licenses/${license.id}/users?page[size]=1&page[number]=2`);
    expect(paged.json.data.map((u: { id: string }) => u.id)).toEqual([attached[0]]);
    expect(paged.json.links.meta).toEqual({ pages: 3, count: 3 });
    expect(paged.json.links.next).toContain('page%5Bnumber%5D=3');
    const bad = await t.admin('GET', `/licenses/${license.id}/users?limit=0`);
    expect(bad.status).toBe(400);
    expect(firstError(bad)).toMatchObject({ detail: 'limit must be a number between 1 and 100 (got 0)', source: { parameter: 'limit' } });
  });

  it('needs user.read: the product may list, the license itself may not', async () => {
    expect((await t.request('GET', `/licenses/${license.id}/users`, product())).json.data).toHaveLength(3);
    const self = await t.request('GET', `/licenses/${license.id}/users`, asLicense(license));
    expect(self.status).toBe(403);
    const other = await createLicense(t, policyB);
    expect((await t.request('GET', `/licenses/${other.id}/users`, product())).status).toBe(404);
  });

  it('retrieves one of them by id or email; anyone else is a 404', async () => {
    const byId = await t.admin('GET', `/licenses/${license.id}/users/${owner}`);
    expect(byId.status).toBe(200);
    expect(byId.json.data.id).toBe(owner);
    const email = byId.json.data.attributes.email as string;
    expect((await t.admin('GET', `/licenses/${license.id}/users/${encodeURIComponent(email.toUpperCase())}`)).json.data.id).toBe(owner);
    expect((await t.request('GET', `/licenses/${license.id}/users/${attached[0]}`, product())).status).toBe(200);
    expect((await t.request('GET', `/licenses/${license.id}/users/${attached[0]}`, asLicense(license))).status).toBe(403);
    const stranger = await createUser();
    const missing = await t.admin('GET', `/licenses/${license.id}/users/${stranger}`);
    expect(missing.status).toBe(404);
    expect(firstError(missing).detail).toBe(`The requested user '${stranger}' was not found`);
  });
});

describe('license entitlements', () => {
  let policy: string;
  let granted: string[];
  let extra: string[];

  beforeAll(async () => {
    policy = await createPolicy(t, productA, { name: 'Entitled' });
    granted = [await createEntitlement('POLICY_ONE'), await createEntitlement('POLICY_TWO')];
    extra = [await createEntitlement('EXTRA_ONE'), await createEntitlement('EXTRA_TWO')];
    for (const id of granted) t.issuer.store.entitlements.attachToPolicy(t.issuer.account, policy, id, Date.now());
  });

  it("lists the policy's entitlements merged with the license's own, as entitlement objects", async () => {
    const license = await createLicense(t, policy);
    const before = await t.admin('GET', `/licenses/${license.id}/entitlements`);
    expect(before.status).toBe(200);
    expect(before.json.data.map((e: { id: string }) => e.id).sort()).toEqual([...granted].sort());
    const attach = await t.admin('POST', `/licenses/${license.id}/entitlements`, entitlements(extra[0] as string));
    expect(attach.status, attach.text).toBe(201);
    const [join] = attach.json.data;
    expect(Object.keys(join)).toEqual(JOIN_KEYS);
    expect(Object.keys(join.attributes)).toEqual(JOIN_ATTRIBUTES);
    expect(Object.keys(join.relationships)).toEqual(LICENSE_ENTITLEMENT_RELATIONSHIPS);
    expect(join.type).toBe('license-entitlements');
    expect(join.relationships.entitlement).toEqual({ links: { related: `${t.base}/entitlements/${extra[0]}` }, data: { type: 'entitlements', id: extra[0] } });
    expect(join.links).toEqual({ related: `${t.base}/licenses/${license.id}/entitlements/${extra[0]}` });
    const after = await t.admin('GET', `/licenses/${license.id}/entitlements`);
    expect(after.json.data.map((e: { attributes: { code: string } }) => e.attributes.code)).toEqual(['EXTRA_ONE', 'POLICY_TWO', 'POLICY_ONE']);
    expect(Object.keys(after.json.data[0])).toEqual(ENTITLEMENT_KEYS);
    expect(Object.keys(after.json.data[0].attributes)).toEqual(ENTITLEMENT_ATTRIBUTES);
    expect(after.json.data[0].links).toEqual({ self: `${t.base}/entitlements/${extra[0]}` });
    const paged = await t.admin('GET', `/licenses/${license.id}/entitlements?page[size]=2&page[number]=1`);
    expect(paged.json.data).toHaveLength(2);
    expect(paged.json.links.meta).toEqual({ count: 3, pages: 2 });
  });

  it('lets the license list its own entitlements (key or token), never attach or detach', async () => {
    const license = await createLicense(t, policy);
    await t.admin('POST', `/licenses/${license.id}/entitlements`, entitlements(extra[1] as string));
    const own = await t.request('GET', `/licenses/${license.id}/entitlements`, asLicense(license));
    expect(own.status).toBe(200);
    expect(own.json.data).toHaveLength(3);
    const token = await t.admin('POST', `/licenses/${license.id}/tokens`);
    expect((await t.request('GET', `/licenses/${license.id}/entitlements`, { token: token.json.data.attributes.token })).status).toBe(200);
    const other = await createLicense(t, policy);
    expect((await t.request('GET', `/licenses/${other.id}/entitlements`, asLicense(license))).status).toBe(404);
    const attach = await t.request('POST', `/licenses/${license.id}/entitlements`, { ...asLicense(license), body: entitlements(extra[0] as string) });
    expect(attach.status).toBe(403);
    expect(firstError(attach)).toEqual(ACCESS_DENIED);
    expect((await t.request('DELETE', `/licenses/${license.id}/entitlements`, { ...asLicense(license), body: entitlements(extra[1] as string) })).status).toBe(403);
    expect((await t.request('POST', `/licenses/${license.id}/entitlements`, { ...product(), body: entitlements(extra[0] as string) })).status).toBe(201);
  });

  it('refuses policy entitlements (ENTITLEMENT_CONFLICT), attached ones (ENTITLEMENT_TAKEN) and unknown ones (ENTITLEMENT_NOT_FOUND)', async () => {
    const license = await createLicense(t, policy);
    const url = `/licenses/${license.id}/entitlements`;
    expectUnprocessable(await t.admin('POST', url, entitlements(granted[0] as string)), {
      code: 'ENTITLEMENT_CONFLICT', detail: 'already exists (entitlement is attached through policy)', pointer: '/data/relationships/entitlement', topic: 'entitlements',
    });
    expect((await t.admin('POST', url, entitlements(extra[0] as string))).status).toBe(201);
    expectUnprocessable(await t.admin('POST', url, entitlements(extra[1] as string, extra[0] as string)), {
      code: 'ENTITLEMENT_TAKEN', detail: 'already exists', pointer: '/data/relationships/entitlement', topic: 'entitlements',
    });
    expectUnprocessable(await t.admin('POST', url, entitlements(MISSING)), {
      code: 'ENTITLEMENT_NOT_FOUND', detail: 'must exist', pointer: '/data/relationships/entitlement', topic: 'entitlements',
    });
    expect((await t.admin('GET', url)).json.data).toHaveLength(3);
    const bad = await t.admin('POST', url, { data: [{ type: 'users', id: MISSING }] });
    expect(firstError(bad)).toEqual({ title: 'Bad request', detail: 'must be one of: entitlement, entitlements (received users)', source: { pointer: '/data/0/type' } });
  });

  it("detaches the license's own entitlements; policy ones are 403 and unattached ones 422", async () => {
    const license = await createLicense(t, policy);
    const url = `/licenses/${license.id}/entitlements`;
    expect((await t.admin('POST', url, entitlements(...extra))).status).toBe(201);
    const viaPolicy = await t.admin('DELETE', url, entitlements(extra[0] as string, granted[1] as string));
    expect(viaPolicy.status).toBe(403);
    expect(firstError(viaPolicy)).toEqual({
      title: 'Access denied', detail: `cannot detach entitlement '${granted[1]}' (entitlement is attached through policy)`, source: { pointer: '/data/1' },
    });
    const unattached = await t.admin('DELETE', url, entitlements(MISSING));
    expect(unattached.status).toBe(422);
    expect(firstError(unattached)).toEqual({ title: 'Unprocessable entity', detail: `cannot detach entitlement '${MISSING}' (entitlement is not attached)`, source: { pointer: '/data/0' } });
    expect((await t.admin('GET', url)).json.data).toHaveLength(4);
    expect((await t.admin('DELETE', url, entitlements(extra[0] as string))).status).toBe(204);
    const codes = (await t.admin('GET', url)).json.data.map((e: { attributes: { code: string } }) => e.attributes.code).sort();
    expect(codes).toEqual(['EXTRA_TWO', 'POLICY_ONE', 'POLICY_TWO']);
    expect(t.issuer.store.entitlements.codesForLicense(license.id)).toEqual(['EXTRA_TWO', 'POLICY_ONE', 'POLICY_TWO']);
  });

  it('retrieves one entitlement the license has; others are 404', async () => {
    const license = await createLicense(t, policy);
    const response = await t.admin('GET', `/licenses/${license.id}/entitlements/${granted[0]}`);
    expect(response.status).toBe(200);
    expect(response.json.data.attributes.code).toBe('POLICY_ONE');
    expect((await t.request('GET', `/licenses/${license.id}/entitlements/${granted[1]}`, asLicense(license))).status).toBe(200);
    const missing = await t.admin('GET', `/licenses/${license.id}/entitlements/${extra[0]}`);
    expect(missing.status).toBe(404);
    expect(firstError(missing).detail).toBe(`The requested entitlement '${extra[0]}' was not found`);
  });
});

describe('PUT /licenses/:id/policy', () => {
  const change = (license: LicenseObject, policy: string) => t.admin('PUT', `/licenses/${license.id}/policy`, { data: { type: 'policies', id: policy } });

  it("moves the license: it inherits the new policy's limits, entitlements and product, machines follow", async () => {
    const nodeLocked = await createPolicy(t, productA, { name: 'Node-locked' });
    const floating = await createPolicy(t, productA, { name: 'Floating', floating: true, maxMachines: 5 });
    const feature = await createEntitlement('FLOATING_FEATURE');
    t.issuer.store.entitlements.attachToPolicy(t.issuer.account, floating, feature, Date.now());
    const license = await createLicense(t, nodeLocked);
    const machine = t.issuer.store.machines.create(license.id, { fingerprint: 'fp-transfer' }, Date.now());
    expect((await t.admin('GET', `/licenses/${license.id}/entitlements`)).json.data).toEqual([]);
    const response = await change(license, floating);
    expect(response.status, response.text).toBe(200);
    const data = response.json.data;
    expect(Object.keys(data.attributes)).toEqual(LICENSE_ATTRIBUTES);
    expect(data.attributes).toMatchObject({ maxMachines: 5, floating: true });
    expect(data.relationships.policy).toEqual({ links: { related: `${t.base}/licenses/${license.id}/policy` }, data: { type: 'policies', id: floating } });
    expect((await t.admin('GET', `/licenses/${license.id}`)).json.data.attributes.maxMachines).toBe(5);
    expect((await t.admin('GET', `/licenses/${license.id}/entitlements`)).json.data.map((e: { id: string }) => e.id)).toEqual([feature]);
    expect(t.issuer.store.machines.findById(t.issuer.account, machine.id)?.policyId).toBe(floating);
    const back = await change(license, nodeLocked);
    expect(back.json.data.attributes).toMatchObject({ maxMachines: 1, floating: false });
  });

  it('keeps the expiry (KEEP_EXPIRY) or restarts it from the new duration (RESET_EXPIRY, null without duration)', async () => {
    const from = await createPolicy(t, productA);
    const keep = await createPolicy(t, productA, { duration: 30 * DAY });
    const reset = await createPolicy(t, productA, { duration: 30 * DAY, transferStrategy: 'RESET_EXPIRY' });
    const resetForever = await createPolicy(t, productA, { transferStrategy: 'RESET_EXPIRY' });
    const expiry = '2042-02-21T17:09:26.685Z';
    const license = await createLicense(t, from, { expiry });
    expect((await change(license, keep)).json.data.attributes.expiry).toBe(expiry);
    const before = Date.now();
    const restarted = Date.parse((await change(license, reset)).json.data.attributes.expiry);
    expect(restarted).toBeGreaterThanOrEqual(before + 30 * DAY * 1000);
    expect(restarted).toBeLessThanOrEqual(Date.now() + 30 * DAY * 1000);
    expect((await change(license, resetForever)).json.data.attributes.expiry).toBeNull();
  });

  it('refuses incompatible policies with POLICY_NOT_COMPATIBLE', async () => {
    const plain = await createPolicy(t, productA);
    const license = await createLicense(t, plain);
    // The issuer refuses new encrypted (LEGACY_ENCRYPT) policies; one stored earlier still exists.
    const encrypted = t.issuer.store.policies.create(t.issuer.account, productA, withPolicyDefaults({ name: 'Legacy', encrypted: true, scheme: 'LEGACY_ENCRYPT' }), Date.now());
    expectUnprocessable(await change(license, encrypted.id), {
      code: 'POLICY_NOT_COMPATIBLE', detail: 'cannot change from an encrypted policy to an unencrypted policy (or vice-versa)', pointer: '/data/relationships/policy',
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ usePool: true }, 'cannot change from a pooled policy to an unpooled policy (or vice-versa)'],
      [{ scheme: 'ED25519_SIGN' }, 'cannot change to a policy with a different scheme'],
      [{ machineUniquenessStrategy: 'UNIQUE_PER_PRODUCT' }, 'cannot change to a policy with a more strict machine uniqueness strategy'],
      [{ componentUniquenessStrategy: 'UNIQUE_PER_LICENSE' }, 'cannot change to a policy with a more strict component uniqueness strategy'],
    ];
    for (const [attributes, detail] of cases) {
      const target = await createPolicy(t, productA, attributes);
      expectUnprocessable(await change(license, target), { code: 'POLICY_NOT_COMPATIBLE', detail, pointer: '/data/relationships/policy' });
    }
    expect((await t.admin('GET', `/licenses/${license.id}`)).json.data.relationships.policy.data.id).toBe(plain);
    const pooled = await createPolicy(t, productA, { usePool: true });
    const pooledLicense = await createLicense(t, pooled, { key: 'POOLED-KEY-0001' });
    expectUnprocessable(await change(pooledLicense, plain), {
      code: 'POLICY_NOT_COMPATIBLE', detail: 'cannot change from a pooled policy to an unpooled policy (or vice-versa)', pointer: '/data/relationships/policy',
    });
    const strict = await createPolicy(t, productA, { machineUniquenessStrategy: 'UNIQUE_PER_POLICY' });
    const strictLicense = await createLicense(t, strict);
    expect((await change(strictLicense, plain)).status).toBe(200);
  });

  it('answers 422 POLICY_NOT_FOUND for an unknown policy and 400 for a bad document', async () => {
    const license = await createLicense(t, policyA);
    expectUnprocessable(await change(license, MISSING), { code: 'POLICY_NOT_FOUND', detail: 'must exist', pointer: '/data/relationships/policy' });
    const bad = await t.admin('PUT', `/licenses/${license.id}/policy`, { data: { type: 'policies', id: 'nope' } });
    expect(firstError(bad)).toEqual({ title: 'Bad request', detail: 'type mismatch (received string expected UUID string)', source: { pointer: '/data/id' } });
    const wrongType = await t.admin('PUT', `/licenses/${license.id}/policy`, { data: { type: 'users', id: MISSING } });
    expect(wrongType.status).toBe(400);
  });

  it("lets an admin move a license to another product's policy; a product only between its own policies", async () => {
    const license = await createLicense(t, policyA);
    const sibling = await createPolicy(t, productA);
    const byProduct = await t.request('PUT', `/licenses/${license.id}/policy`, { ...product(), body: { data: { type: 'policies', id: sibling } } });
    expect(byProduct.status).toBe(200);
    const foreign = await t.request('PUT', `/licenses/${license.id}/policy`, { ...product(), body: { data: { type: 'policies', id: policyB } } });
    expect(foreign.status).toBe(403);
    expect(firstError(foreign)).toEqual(ACCESS_DENIED);
    const self = await t.request('PUT', `/licenses/${license.id}/policy`, { ...asLicense(license), body: { data: { type: 'policies', id: sibling } } });
    expect(self.status).toBe(403);
    const moved = await change(license, policyB);
    expect(moved.status).toBe(200);
    expect(moved.json.data.relationships.product.data).toEqual({ type: 'products', id: productB });
    expect((await t.request('GET', `/licenses/${license.id}`, product())).status).toBe(404);
  });
});

describe('PUT /licenses/:id/owner', () => {
  const change = (license: LicenseObject, id: string | null) => t.admin('PUT', `/licenses/${license.id}/owner`, { data: id === null ? null : { type: 'users', id } });

  it("sets, replaces and clears the owner; the owner's group becomes the license's when it has none", async () => {
    const license = await createLicense(t, policyA);
    const [first, second] = [await createUser(), await createUser()];
    const group = t.issuer.store.groups.create(t.issuer.account, { name: 'Owners' }, Date.now());
    t.issuer.store.db.prepare('UPDATE users SET group_id = ? WHERE id = ?').run(group.id, second);
    const set = await change(license, first);
    expect(set.status, set.text).toBe(200);
    expect(Object.keys(set.json.data.attributes)).toEqual(LICENSE_ATTRIBUTES);
    expect(set.json.data.relationships.owner).toEqual({ links: { related: `${t.base}/licenses/${license.id}/owner` }, data: { type: 'users', id: first } });
    expect(set.json.data.relationships.group.data).toBeNull();
    const replaced = await t.request('PUT', `/licenses/${license.id}/owner`, { ...product(), body: { data: { type: 'user', id: second } } });
    expect(replaced.json.data.relationships.owner.data.id).toBe(second);
    expect(replaced.json.data.relationships.group.data).toEqual({ type: 'groups', id: group.id });
    const cleared = await change(license, null);
    expect(cleared.json.data.relationships.owner.data).toBeNull();
    expect(cleared.json.data.relationships.group.data).toEqual({ type: 'groups', id: group.id });
  });

  it('refuses an unknown user (OWNER_NOT_FOUND) and an attached user (OWNER_INVALID)', async () => {
    const license = await createLicense(t, policyA);
    expectUnprocessable(await change(license, MISSING), { code: 'OWNER_NOT_FOUND', detail: 'must exist', pointer: '/data/relationships/owner' });
    const user = await createUser();
    await t.admin('POST', `/licenses/${license.id}/users`, users(user));
    expectUnprocessable(await change(license, user), {
      code: 'OWNER_INVALID', detail: 'already exists (user is attached through users)', pointer: '/data/relationships/owner',
    });
    expect((await t.admin('GET', `/licenses/${license.id}/owner`)).json).toEqual({ data: null });
  });

  it("forbids the license itself and hides other products' licenses", async () => {
    const license = await createLicense(t, policyA);
    const other = await createLicense(t, policyB);
    const user = await createUser();
    expect((await t.request('PUT', `/licenses/${license.id}/owner`, { ...asLicense(license), body: { data: { type: 'users', id: user } } })).status).toBe(403);
    expect((await t.request('PUT', `/licenses/${other.id}/owner`, { ...product(), body: { data: { type: 'users', id: user } } })).status).toBe(404);
  });
});

describe('PUT /licenses/:id/group', () => {
  const change = (license: LicenseObject, id: string | null) => t.admin('PUT', `/licenses/${license.id}/group`, { data: id === null ? null : { type: 'groups', id } });

  it("sets and clears the group, within the group's maxLicenses", async () => {
    const group = t.issuer.store.groups.create(t.issuer.account, { name: 'Small', maxLicenses: 1 }, Date.now());
    const [a, b] = [await createLicense(t, policyA), await createLicense(t, policyA)];
    const set = await change(a, group.id);
    expect(set.status, set.text).toBe(200);
    expect(set.json.data.relationships.group).toEqual({ links: { related: `${t.base}/licenses/${a.id}/group` }, data: { type: 'groups', id: group.id } });
    expect((await change(a, group.id)).status).toBe(200);
    expectUnprocessable(await change(b, group.id), {
      code: 'GROUP_LICENSE_LIMIT_EXCEEDED', detail: 'license count has exceeded maximum allowed by current group (1)', pointer: '/data/relationships/group',
    });
    expect((await change(a, null)).json.data.relationships.group.data).toBeNull();
    expect((await change(b, group.id)).status).toBe(200);
  });

  it('refuses an unknown group (GROUP_NOT_FOUND); the license itself may not change it', async () => {
    const license = await createLicense(t, policyA);
    expectUnprocessable(await change(license, MISSING), { code: 'GROUP_NOT_FOUND', detail: 'must exist', pointer: '/data/relationships/group' });
    const group = t.issuer.store.groups.create(t.issuer.account, { name: 'Open' }, Date.now());
    expect((await t.request('PUT', `/licenses/${license.id}/group`, { ...asLicense(license), body: { data: { type: 'groups', id: group.id } } })).status).toBe(403);
    expect((await t.request('PUT', `/licenses/${license.id}/group`, { ...product(), body: { data: { type: 'group', id: group.id } } })).status).toBe(200);
  });

  it('GET answers the group object, to the license itself too, and 404 without a group', async () => {
    const license = await createLicense(t, policyA);
    const none = await t.admin('GET', `/licenses/${license.id}/group`);
    expect(none.status).toBe(404);
    expect(firstError(none)).toEqual({ title: 'Not found', detail: 'The requested group was not found', code: 'NOT_FOUND' });
    const group = t.issuer.store.groups.create(t.issuer.account, { name: 'Readers', maxLicenses: 5 }, Date.now());
    expect((await change(license, group.id)).status).toBe(200);
    const read = await t.request('GET', `/licenses/${license.id}/group`, asLicense(license));
    expect(read.status).toBe(200);
    expect(read.json.data).toMatchObject({ id: group.id, type: 'groups', attributes: { name: 'Readers', maxLicenses: 5 }, links: { self: `${t.base}/groups/${group.id}` } });
    const other = await createLicense(t, policyB);
    expect((await t.request('GET', `/licenses/${other.id}/group`, product())).status).toBe(404);
  });
});

describe('related resources: GET /licenses/:id/policy, /product, /owner', () => {
  it('answers the policy and the product to admins and products, 403 to the license itself', async () => {
    const license = await createLicense(t, policyA);
    const policy = await t.admin('GET', `/licenses/${license.attributes.key}/policy`);
    expect(policy.status).toBe(200);
    expect(policy.json.data).toMatchObject({ id: policyA, type: 'policies' });
    expect(Object.keys(policy.json.data.attributes)).toEqual(POLICY_ATTRIBUTES);
    const productResponse = await t.request('GET', `/licenses/${license.id}/product`, product());
    expect(productResponse.json.data).toMatchObject({ id: productA, type: 'products' });
    expect(Object.keys(productResponse.json.data.attributes)).toEqual(PRODUCT_ATTRIBUTES);
    expect((await t.request('GET', `/licenses/${license.id}/policy`, asLicense(license))).status).toBe(403);
    expect((await t.request('GET', `/licenses/${license.id}/product`, asLicense(license))).status).toBe(403);
  });

  it('answers the owner, or data null without one', async () => {
    const owner = await createUser();
    const owned = await createLicense(t, policyA, {}, { owner: { type: 'users', id: owner } });
    const response = await t.request('GET', `/licenses/${owned.id}/owner`, product());
    expect(response.status).toBe(200);
    expect(Object.keys(response.json.data)).toEqual([...USER_KEYS, 'links']);
    expect(response.json.data.id).toBe(owner);
    expect((await t.request('GET', `/licenses/${owned.id}/owner`, asLicense(owned))).status).toBe(403);
    const unowned = await createLicense(t, policyA);
    expect((await t.admin('GET', `/licenses/${unowned.id}/owner`)).json).toEqual({ data: null });
  });
});
