/**
 * Check-out: license and machine files from the issuer, over sockets, verified by the engine's
 * own `verifyLicenseFile` for every algorithm Keygen issues; options, errors and permissions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatePublicKeys } from '../../issuer/domain/checkout-keys.js';
import { resolveCheckoutOptions } from '../../issuer/domain/checkout-options.js';
import { addKeygenDuration } from '../../issuer/domain/duration.js';
import type { Account, License, Machine } from '../../issuer/domain/types.js';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';
import { ALGORITHMS, type Algorithm, type VerifyOptions } from '../../src/license-file/types.js';
import { verifyLicenseFile } from '../../src/license-file/verify.js';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type ApiResponse, type TestIssuer } from './support.js';

/** The reference's "Check-out license" 200 example, key for key. */
const FILE_KEYS = ['id', 'type', 'attributes', 'relationships'];
const FILE_ATTRIBUTES = ['certificate', 'algorithm', 'includes', 'ttl', 'expiry', 'issued'];

const START = Date.parse('2024-04-10T14:57:45.517Z');
const YEAR_TTL = 31_536_000;
/** Protocol §1.4 (vector demo-license-node-2024): 31536000 s after START, on Keygen's calendar. */
const YEAR_TTL_EXPIRY = '2025-04-09T19:37:39.517Z';
const MONTH_TTL = 2_629_746;

let now = START;
const clock = (): number => now;
let t: TestIssuer;
let account: Account;
let license: License;
let other: License;
let machineA: Machine;
let machineB: Machine;
let otherMachine: Machine;
let ownerId: string;
let productId: string;
const pinned = new Map<string, PinnedKey>();

function store() {
  return t.issuer.store;
}

function pin(pem: string): PinnedKey {
  const parsed = parsePublicKey(pem);
  if (!parsed.ok) throw new Error('issuer certificate key does not parse');
  return parsed.value;
}

/** The pinned key of an algorithm's signing family. */
function keyFor(algorithm: string): PinnedKey {
  const signing = algorithm.slice(algorithm.indexOf('+') + 1);
  const family = signing === 'rsa-pss-sha256' || signing === 'rsa-sha256' ? 'rsa' : signing;
  const key = pinned.get(family);
  if (key === undefined) throw new Error(`no pinned key for ${family}`);
  return key;
}

function verify(certificate: string, algorithm: string, options: Partial<VerifyOptions> = {}) {
  return verifyLicenseFile(certificate, keyFor(algorithm), { now: clock(), ...options });
}

/** The verified value, failing the test with the engine's code otherwise. */
function verified(certificate: string, algorithm: string, options: Partial<VerifyOptions> = {}) {
  const result = verify(certificate, algorithm, options);
  if (!result.ok) throw new Error(`certificate did not verify: ${result.code}`);
  return result.value;
}

const licensePath = (id: string) => `/licenses/${encodeURIComponent(id)}/actions/check-out`;
const machinePath = (id: string) => `/machines/${encodeURIComponent(id)}/actions/check-out`;

function expectBadRequest(response: ApiResponse, code: string | undefined, detail: string, parameter: string): void {
  expect(response.status, response.text).toBe(400);
  const error = firstError(response);
  expect(error).toMatchObject({ title: 'Bad request', detail, source: { parameter } });
  expect(error.code).toBe(code);
}

beforeAll(async () => {
  t = await startTestIssuer({ clock });
  account = store().accounts.findById(t.issuer.account) as Account;
  const keys = certificatePublicKeys(account);
  pinned.set('ed25519', t.pinned);
  pinned.set('ecdsa-p256', pin(keys.ecdsaP256));
  pinned.set('rsa', pin(keys.rsa2048));

  productId = await createProduct(t);
  const policyId = await createPolicy(t, productId, { floating: true, maxMachines: 5 });
  const owner = await t.admin('POST', '/users', doc('users', { email: 'owner@example.com', firstName: 'Ada' }));
  ownerId = owner.json.data.id as string;
  const group = store().groups.create(account.id, { name: 'Team' }, now);
  const created = await createLicense(t, policyId, { name: 'Checked out' }, { owner: { type: 'users', id: ownerId }, group: { type: 'groups', id: group.id } });
  license = store().licenses.findById(account.id, created.id) as License;
  other = store().licenses.findById(account.id, (await createLicense(t, policyId)).id) as License;

  const pro = store().entitlements.create(account.id, { name: 'Pro', code: 'PRO' }, now);
  const offline = store().entitlements.create(account.id, { name: 'Offline', code: 'OFFLINE' }, now);
  store().entitlements.attachToPolicy(account.id, policyId, pro.id, now);
  store().entitlements.attachToLicense(account.id, license.id, offline.id, now);

  machineA = store().machines.create(license.id, { fingerprint: 'fp-machine-a', hostname: 'a.local' }, now);
  machineB = store().machines.create(license.id, { fingerprint: 'fp-machine-b' }, now);
  otherMachine = store().machines.create(other.id, { fingerprint: 'fp-other' }, now);
  store()
    .db.prepare('INSERT INTO components (id, account_id, machine_id, fingerprint, name, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run('0d7a2c1e-5b1f-4c53-9f0e-1b2c3d4e5f60', account.id, machineA.id, 'gpu-fp', 'GPU', '{}', now, now);
}, 60_000);
afterAll(() => t.close());

describe.each(ALGORITHMS)('check-out with %s', (algorithm: Algorithm) => {
  const encrypted = algorithm.startsWith('aes-256-gcm+');

  it('issues a license file the engine verifies, with the entitlements and Keygen calendar expiry', async () => {
    now = START;
    const response = await t.admin('POST', licensePath(license.id), { meta: { algorithm, ttl: YEAR_TTL, include: ['entitlements'] } });
    expect(response.status, response.text).toBe(200);
    const attributes = response.json.data.attributes;
    expect(attributes).toMatchObject({ algorithm, includes: ['entitlements'], ttl: YEAR_TTL, issued: new Date(START).toISOString(), expiry: YEAR_TTL_EXPIRY });

    const file = verified(attributes.certificate, algorithm, { licenseKey: license.key });
    expect(file.kind).toBe('license');
    expect(file.alg).toBe(algorithm);
    expect(file.encrypted).toBe(encrypted);
    expect(file.license?.id).toBe(license.id);
    expect(file.license?.attributes.key).toBe(license.key);
    expect(file.entitlements.map((entitlement) => entitlement.attributes.code).sort()).toEqual(['OFFLINE', 'PRO']);
    expect(file.meta).toEqual({ issued: '2024-04-10T14:57:45.517Z', expiry: YEAR_TTL_EXPIRY, ttl: YEAR_TTL });
    expect(Date.parse(file.meta.expiry as string)).toBe(addKeygenDuration(Date.parse(file.meta.issued), YEAR_TTL).getTime());
    expect(Date.parse(YEAR_TTL_EXPIRY)).not.toBe(START + YEAR_TTL * 1000);
  });

  it('issues a machine file bound to the machine, with its license and the license entitlements', async () => {
    now = START;
    const query = `?algorithm=${encodeURIComponent(algorithm)}&ttl=${YEAR_TTL}&include=license,license.entitlements`;
    const response = await t.admin('POST', `${machinePath(machineA.fingerprint)}${query}`);
    expect(response.status, response.text).toBe(200);
    expect(response.json.data.type).toBe('machine-files');
    expect(response.json.data.attributes).toMatchObject({ algorithm, includes: ['license', 'license.entitlements'], ttl: YEAR_TTL, expiry: YEAR_TTL_EXPIRY });
    const certificate: string = response.json.data.attributes.certificate;
    expect(certificate.startsWith('-----BEGIN MACHINE FILE-----\n')).toBe(true);

    const file = verified(certificate, algorithm, { licenseKey: license.key, fingerprint: machineA.fingerprint });
    expect(file.kind).toBe('machine');
    expect(file.machine?.id).toBe(machineA.id);
    expect(file.machine?.attributes.fingerprint).toBe(machineA.fingerprint);
    expect(file.license?.id).toBe(license.id);
    expect(file.license?.attributes.key).toBe(license.key);
    expect(file.entitlements.map((entitlement) => entitlement.attributes.code).sort()).toEqual(['OFFLINE', 'PRO']);
    expect(Date.parse(file.meta.expiry as string)).toBe(addKeygenDuration(Date.parse(file.meta.issued), YEAR_TTL).getTime());
  });
});

describe('POST /licenses/:id/actions/check-out', () => {
  it('answers a license-files resource shaped like the reference example, with the defaults', async () => {
    now = START;
    const response = await t.admin('POST', licensePath(license.id));
    expect(response.status).toBe(200);
    const data = response.json.data;
    expect(Object.keys(response.json)).toEqual(['data']);
    expect(Object.keys(data)).toEqual(FILE_KEYS);
    expect(Object.keys(data.attributes)).toEqual(FILE_ATTRIBUTES);
    expect(data.type).toBe('license-files');
    expect(data.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(data.relationships).toEqual({
      account: { links: { related: t.base }, data: { type: 'accounts', id: account.id } },
      license: { links: { related: `${t.base}/licenses/${license.id}` }, data: { type: 'licenses', id: license.id } },
    });
    const expiry = addKeygenDuration(START, MONTH_TTL).toISOString();
    expect(data.attributes).toMatchObject({ algorithm: 'base64+ed25519', includes: [], ttl: MONTH_TTL, issued: new Date(START).toISOString(), expiry });

    const certificate: string = data.attributes.certificate;
    expect(certificate.startsWith('-----BEGIN LICENSE FILE-----\n')).toBe(true);
    expect(certificate.endsWith('\n-----END LICENSE FILE-----\n')).toBe(true);
    const body = certificate.split('\n').slice(1, -2);
    expect(body.slice(0, -1).every((line) => line.length === 60)).toBe(true);
    // Unencrypted: verifies without the license key. No includes: no `included`.
    const file = verified(certificate, 'base64+ed25519');
    expect(Object.keys(JSON.parse(file.payload))).toEqual(['data', 'meta']);
    expect(file.meta).toEqual({ issued: new Date(START).toISOString(), expiry, ttl: MONTH_TTL });
  });

  it('encrypts with encrypt=true, and then needs the license key to read the file', async () => {
    const response = await t.admin('POST', licensePath(license.id), { meta: { encrypt: true } });
    expect(response.status).toBe(200);
    const certificate: string = response.json.data.attributes.certificate;
    expect(response.json.data.attributes.algorithm).toBe('aes-256-gcm+ed25519');
    expect(verify(certificate, 'aes-256-gcm+ed25519')).toMatchObject({ ok: false, code: 'LICENSE_FILE_DECRYPTION_FAILED' });
    expect(verify(certificate, 'aes-256-gcm+ed25519', { licenseKey: `${license.key}x` })).toMatchObject({ ok: false, code: 'LICENSE_FILE_DECRYPTION_FAILED' });
    expect(verified(certificate, 'aes-256-gcm+ed25519', { licenseKey: license.key }).license?.id).toBe(license.id);
  });

  it('lets an explicit algorithm win over encrypt, as Keygen does', async () => {
    const response = await t.admin('POST', `${licensePath(license.id)}?encrypt=true`, { meta: { algorithm: 'base64+ecdsa-p256' } });
    expect(response.status).toBe(200);
    expect(response.json.data.attributes.algorithm).toBe('base64+ecdsa-p256');
    expect(verified(response.json.data.attributes.certificate, 'base64+ecdsa-p256').encrypted).toBe(false);
  });

  it('lets meta override the query, and checks out by license key', async () => {
    const response = await t.admin('POST', `${licensePath(license.key)}?ttl=7200&algorithm=base64%2Brsa-sha256`, { meta: { ttl: 86_400 } });
    expect(response.status).toBe(200);
    expect(response.json.data.attributes).toMatchObject({ ttl: 86_400, algorithm: 'base64+rsa-sha256' });
    expect(response.json.data.relationships.license.data.id).toBe(license.id);
    const queryOnly = await t.admin('POST', `${licensePath(license.id)}?ttl=7200&include=entitlements`, { meta: { encrypt: true } });
    expect(queryOnly.json.data.attributes).toMatchObject({ ttl: 7200, includes: ['entitlements'], algorithm: 'aes-256-gcm+ed25519' });
  });

  it('signs with the policy scheme when no algorithm is given', async () => {
    const policyId = await createPolicy(t, productId, { name: 'RSA-PSS', scheme: 'RSA_2048_PKCS1_PSS_SIGN_V2' });
    const schemed = await createLicense(t, policyId);
    const response = await t.admin('POST', licensePath(schemed.id), { meta: { encrypt: true } });
    expect(response.status, response.text).toBe(200);
    expect(response.json.data.attributes.algorithm).toBe('aes-256-gcm+rsa-pss-sha256');
    const file = verified(response.json.data.attributes.certificate, 'aes-256-gcm+rsa-pss-sha256', { licenseKey: schemed.attributes.key });
    expect(file.license?.id).toBe(schemed.id);
  });

  it('issues a file that never expires with ttl null (body) or an empty ttl (query)', async () => {
    now = START;
    for (const [path, body] of [
      [licensePath(license.id), { meta: { ttl: null } }],
      [`${licensePath(license.id)}?ttl=`, undefined],
    ] as const) {
      const response = await t.admin('POST', path, body);
      expect(response.status).toBe(200);
      expect(response.json.data.attributes).toMatchObject({ ttl: null, expiry: null });
      const file = verified(response.json.data.attributes.certificate, 'base64+ed25519', { now: START + 200 * 365 * 86_400_000 });
      expect(file.meta).toEqual({ issued: new Date(START).toISOString(), expiry: null, ttl: null });
    }
  });

  it('issues files that the engine rejects once their expiry has passed', async () => {
    now = START;
    const response = await t.admin('POST', licensePath(license.id), { meta: { ttl: 3600 } });
    expect(response.status).toBe(200);
    const certificate: string = response.json.data.attributes.certificate;
    expect(verify(certificate, 'base64+ed25519', { now: START + 3_600_000 }).ok).toBe(true);
    expect(verify(certificate, 'base64+ed25519', { now: START + 3_600_001 })).toMatchObject({ ok: false, code: 'LICENSE_FILE_EXPIRED' });
  });

  it('includes the owner for the legacy `user` include, and the product, policy and group', async () => {
    const response = await t.admin('POST', `${licensePath(license.id)}?include=user,product,policy,group`);
    expect(response.status).toBe(200);
    expect(response.json.data.attributes.includes).toEqual(['product', 'policy', 'group', 'owner']);
    const file = verified(response.json.data.attributes.certificate, 'base64+ed25519');
    expect(file.included.map((resource) => resource.type)).toEqual(['products', 'policies', 'groups', 'users']);
    expect(file.owner?.id).toBe(ownerId);
    expect(file.product?.id).toBe(productId);
    expect(file.policy?.id).toBe(license.policyId);
    expect(file.included[2]?.attributes).toMatchObject({ name: 'Team', maxLicenses: null });
  });

  it('records lastCheckOut on the license', async () => {
    now = START + 5_000;
    expect((await t.admin('POST', licensePath(other.id))).status).toBe(200);
    const read = await t.admin('GET', `/licenses/${other.id}`);
    expect(read.json.data.attributes.lastCheckOut).toBe(new Date(START + 5_000).toISOString());
    now = START;
  });

  it('records lastCheckOut on the machine', async () => {
    now = START + 7_000;
    expect((await t.admin('POST', machinePath(machineB.id))).status).toBe(200);
    const read = await t.admin('GET', `/machines/${machineB.id}`);
    expect(read.json.data.attributes.lastCheckOut).toBe(new Date(START + 7_000).toISOString());
    now = START;
  });
});

describe('check-out option errors', () => {
  it('rejects a TTL under one hour with CHECKOUT_TTL_INVALID (body and query)', async () => {
    expectBadRequest(await t.admin('POST', licensePath(license.id), { meta: { ttl: 3599 } }), 'CHECKOUT_TTL_INVALID', 'must be greater than or equal to 3600 (1 hour)', 'ttl');
    expectBadRequest(await t.admin('GET', `${licensePath(license.id)}?ttl=60`), 'CHECKOUT_TTL_INVALID', 'must be greater than or equal to 3600 (1 hour)', 'ttl');
    expectBadRequest(await t.admin('POST', `${machinePath(machineA.id)}?ttl=0`), 'CHECKOUT_TTL_INVALID', 'must be greater than or equal to 3600 (1 hour)', 'ttl');
  });

  it('rejects a TTL beyond what a date can hold', async () => {
    const detail = 'must be less than or equal to 31556952000 (1000 years)';
    expectBadRequest(await t.admin('POST', licensePath(license.id), { meta: { ttl: 31_556_952_001 } }), 'CHECKOUT_TTL_INVALID', detail, 'ttl');
    expectBadRequest(await t.admin('POST', `${licensePath(license.id)}?ttl=${'9'.repeat(30)}`), 'CHECKOUT_TTL_INVALID', detail, 'ttl');
  });

  it('rejects a TTL that is not an integer', async () => {
    expectBadRequest(await t.admin('POST', `${licensePath(license.id)}?ttl=soon`), undefined, 'type mismatch (received string expected integer)', 'ttl');
    const body = await t.admin('POST', licensePath(license.id), { meta: { ttl: 'soon' } });
    expect(body.status).toBe(400);
    expect(firstError(body)).toMatchObject({ detail: 'type mismatch (received string expected integer)', source: { pointer: '/meta/ttl' } });
  });

  it('rejects includes the kind does not allow with CHECKOUT_INCLUDE_INVALID', async () => {
    expectBadRequest(await t.admin('POST', `${licensePath(license.id)}?include=account`), 'CHECKOUT_INCLUDE_INVALID', 'invalid includes', 'include');
    expectBadRequest(await t.admin('POST', licensePath(license.id), { meta: { include: ['license'] } }), 'CHECKOUT_INCLUDE_INVALID', 'invalid includes', 'include');
    expectBadRequest(await t.admin('POST', `${machinePath(machineA.id)}?include=entitlements`), 'CHECKOUT_INCLUDE_INVALID', 'invalid includes', 'include');
  });

  it('rejects an unknown encoding or signing algorithm with CHECKOUT_ALGORITHM_INVALID', async () => {
    const rot = await t.admin('POST', licensePath(license.id), { meta: { algorithm: 'rot13+ed25519' } });
    expectBadRequest(rot, 'CHECKOUT_ALGORITHM_INVALID', 'invalid encoding algorithm', 'algorithm');
    const hmac = await t.admin('GET', `${machinePath(machineA.id)}?algorithm=${encodeURIComponent('aes-256-gcm+hmac-sha256')}`);
    expectBadRequest(hmac, 'CHECKOUT_ALGORITHM_INVALID', 'invalid signing algorithm', 'algorithm');
    expectBadRequest(await t.admin('POST', `${licensePath(license.id)}?algorithm=base64`), 'CHECKOUT_ALGORITHM_INVALID', 'invalid signing algorithm', 'algorithm');
  });

  it('rejects unknown meta keys and a bad encrypt value', async () => {
    const response = await t.admin('POST', licensePath(license.id), { meta: { expiry: 5 } });
    expect(response.status).toBe(400);
    expect(firstError(response)).toMatchObject({ detail: 'unpermitted parameter', source: { pointer: '/meta/expiry' } });
    expectBadRequest(await t.admin('POST', `${licensePath(license.id)}?encrypt=maybe`), undefined, 'type mismatch (received string expected boolean)', 'encrypt');
  });

  it('resolves options in Keygen order: includes, then TTL, then algorithm', () => {
    const all = { include: ['nope'], ttl: 1, algorithm: 'x+y' };
    expect(resolveCheckoutOptions('license', all, null)).toMatchObject({ ok: false, failure: { code: 'CHECKOUT_INCLUDE_INVALID' } });
    expect(resolveCheckoutOptions('license', { ...all, include: [] }, null)).toMatchObject({ ok: false, failure: { code: 'CHECKOUT_TTL_INVALID' } });
    expect(resolveCheckoutOptions('license', { ...all, include: [], ttl: null }, null)).toMatchObject({ ok: false, failure: { code: 'CHECKOUT_ALGORITHM_INVALID' } });
    expect(resolveCheckoutOptions('machine', { encrypt: true }, 'RSA_2048_PKCS1_PSS_SIGN_V2')).toEqual({
      ok: true,
      value: { algorithm: 'aes-256-gcm+rsa-pss-sha256', ttl: MONTH_TTL, includes: [] },
    });
    expect(resolveCheckoutOptions('machine', { include: ['license.user', 'license', 'license.user'] }, 'RSA_2048_PKCS1_SIGN')).toEqual({
      ok: true,
      value: { algorithm: 'base64+rsa-sha256', ttl: MONTH_TTL, includes: ['license', 'license.owner'] },
    });
  });
});

describe('check-out permissions', () => {
  const asLicense = (key: string) => ({ auth: `License ${key}` });

  it('needs a bearer', async () => {
    const response = await t.request('POST', licensePath(license.id));
    expect(response.status).toBe(401);
    expect(firstError(response).code).toBe('TOKEN_MISSING');
  });

  it('lets a license check out itself, with the includes its permissions can read', async () => {
    const response = await t.request('POST', `${licensePath(license.id)}?include=entitlements,group`, asLicense(license.key));
    expect(response.status, response.text).toBe(200);
    expect(verified(response.json.data.attributes.certificate, 'base64+ed25519').entitlements).toHaveLength(2);
  });

  it('answers 404 to a license checking out another license', async () => {
    const response = await t.request('POST', licensePath(other.id), asLicense(license.key));
    expect(response.status).toBe(404);
    expect(firstError(response)).toMatchObject({ code: 'NOT_FOUND', detail: `The requested license '${other.id}' was not found` });
  });

  it('answers 403 to a license including records it may not read (product, policy, owner)', async () => {
    for (const include of ['product', 'policy', 'owner', 'users']) {
      const response = await t.request('POST', `${licensePath(license.id)}?include=${include}`, asLicense(license.key));
      expect(response.status, include).toBe(403);
      expect(firstError(response).title).toBe('Access denied');
    }
    const machine = await t.request('POST', `${machinePath(machineA.id)}?include=license.product`, asLicense(license.key));
    expect(machine.status).toBe(403);
  });

  it('lets a license check out its own machines only', async () => {
    const own = await t.request('POST', `${machinePath(machineB.fingerprint)}?include=license`, asLicense(license.key));
    expect(own.status).toBe(200);
    const foreign = await t.request('POST', machinePath(otherMachine.id), asLicense(license.key));
    expect(foreign.status).toBe(404);
    expect(firstError(foreign).detail).toBe(`The requested machine '${otherMachine.id}' was not found`);
  });

  it("answers 404 to a product checking out another product's license", async () => {
    const otherProduct = await createProduct(t, 'Other');
    const token = await t.admin('POST', `/products/${otherProduct}/tokens`, { data: { type: 'tokens' } });
    expect(token.status, token.text).toBe(201);
    const response = await t.request('POST', licensePath(license.id), { token: token.json.data.attributes.token });
    expect(response.status).toBe(404);
  });
});

describe('POST /machines/:id/actions/check-out', () => {
  it('answers a machine-files resource with account, license and machine relationships', async () => {
    const response = await t.admin('POST', machinePath(machineA.id));
    expect(response.status).toBe(200);
    const data = response.json.data;
    expect(Object.keys(data)).toEqual(FILE_KEYS);
    expect(Object.keys(data.attributes)).toEqual(FILE_ATTRIBUTES);
    expect(data.relationships).toEqual({
      account: { links: { related: t.base }, data: { type: 'accounts', id: account.id } },
      license: { links: { related: `${t.base}/licenses/${license.id}` }, data: { type: 'licenses', id: license.id } },
      machine: { links: { related: `${t.base}/machines/${machineA.id}` }, data: { type: 'machines', id: machineA.id } },
    });
    expect(data.attributes.algorithm).toBe('base64+ed25519');
  });

  it('includes components, group and owner, with linkage for the components', async () => {
    const response = await t.admin('POST', machinePath(machineA.id), { meta: { include: ['components', 'group', 'license.user'] } });
    expect(response.status, response.text).toBe(200);
    expect(response.json.data.attributes.includes).toEqual(['components', 'group', 'license.owner']);
    const file = verified(response.json.data.attributes.certificate, 'base64+ed25519', { fingerprint: machineA.fingerprint });
    expect(file.components.map((component) => component.attributes.fingerprint)).toEqual(['gpu-fp']);
    expect(file.machine?.relationships?.components).toMatchObject({ data: [{ type: 'components', id: file.components[0]?.id }] });
    expect(file.included.map((resource) => resource.type)).toEqual(['components', 'groups', 'licenses', 'users']);
    expect(file.owner?.id).toBe(ownerId);
  });

  it('binds the file to its machine: machine B cannot use machine A’s file', async () => {
    for (const algorithm of ['base64+ed25519', 'aes-256-gcm+ed25519'] as const) {
      const response = await t.admin('POST', machinePath(machineA.id), { meta: { algorithm } });
      const certificate: string = response.json.data.attributes.certificate;
      expect(verify(certificate, algorithm, { licenseKey: license.key, fingerprint: machineA.fingerprint }).ok).toBe(true);
      const onB = verify(certificate, algorithm, { licenseKey: license.key, fingerprint: machineB.fingerprint });
      expect(onB).toMatchObject({ ok: false, code: algorithm === 'base64+ed25519' ? 'FINGERPRINT_MISMATCH' : 'LICENSE_FILE_DECRYPTION_FAILED' });
    }
  });

  it('answers 404 for an unknown machine', async () => {
    const response = await t.admin('POST', machinePath('no-such-fingerprint'));
    expect(response.status).toBe(404);
    expect(firstError(response).detail).toBe("The requested machine 'no-such-fingerprint' was not found");
  });
});

describe('GET …/actions/check-out', () => {
  it('answers the certificate as a .lic download', async () => {
    for (const [path, id] of [
      [licensePath(license.id), license.id],
      [machinePath(machineA.id), machineA.id],
    ] as const) {
      const response = await t.admin('GET', path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${id}.lic"`);
    }
  });

  it('sends the raw certificate text over the wire, which verifies (license and machine)', async () => {
    now = START;
    const auth = `License ${license.key}`;
    const licenseResponse = await t.request('GET', `${licensePath(license.id)}?encrypt=1&include=entitlements`, { auth });
    expect(licenseResponse.status).toBe(200);
    expect(licenseResponse.text.startsWith('-----BEGIN LICENSE FILE-----\n')).toBe(true);
    const licenseFile = verified(licenseResponse.text, 'aes-256-gcm+ed25519', { licenseKey: license.key });
    expect(licenseFile.entitlements).toHaveLength(2);
    expect(licenseFile.meta.ttl).toBe(MONTH_TTL);

    const machineResponse = await t.request('GET', `${machinePath(machineA.fingerprint)}?algorithm=base64%2Brsa-pss-sha256`, { auth });
    expect(machineResponse.status).toBe(200);
    expect(machineResponse.headers.get('content-disposition')).toBe(`attachment; filename="${machineA.id}.lic"`);
    expect(machineResponse.text.startsWith('-----BEGIN MACHINE FILE-----\n')).toBe(true);
    expect(verified(machineResponse.text, 'base64+rsa-pss-sha256', { fingerprint: machineA.fingerprint }).machine?.id).toBe(machineA.id);
  });
});
