/**
 * Schemed license keys over sockets: for every Keygen scheme, a policy and licenses with and
 * without a supplied key; the key's exact shape; the `key/…` keys verified offline by the
 * engine (`verifySignedLicenseKey`) with the account's published keys, the older RSA forms
 * checked here with node:crypto; then the key used as a key everywhere (License
 * authentication, retrieve by key, validate-key). And Keygen's 400/422 for bad input.
 */
import { constants, createPublicKey, publicDecrypt, verify, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_KEY_LENGTH } from '../../issuer/domain/license-checks.js';
import { withPolicyDefaults } from '../../issuer/domain/policy-defaults.js';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';
import { verifySignedLicenseKey } from '../../src/license-file/signed-key.js';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type ApiResponse, type TestIssuer } from './support.js';

const NOW = Date.parse('2025-06-01T12:34:56.789Z');
const DURATION = 30 * 86_400;
const EXPIRY = new Date(NOW + DURATION * 1000).toISOString();
const B64URL = '[A-Za-z0-9_-]+={0,2}';
const SIGNED_KEY = new RegExp(`^key/${B64URL}\\.${B64URL}$`);
const V1_KEY = new RegExp(`^${B64URL}\\.${B64URL}$`);
/** `{"alg":"RS256"}`, base64url: ruby-jwt's header for RS256. */
const JWT_HEADER = 'eyJhbGciOiJSUzI1NiJ9';

let t: TestIssuer;
let productId: string;
let owner: { id: string; email: string };
let rsa: KeyObject;
const pinned: Record<'ed25519' | 'ecdsa' | 'rsa', PinnedKey> = {} as never;

const pin = (text: string): PinnedKey => {
  const parsed = parsePublicKey(text);
  if (!parsed.ok) throw new Error('published key does not parse');
  return parsed.value;
};
/** Ruby's `Base64.urlsafe_encode64`, padded. */
const urlsafe = (text: string): string => Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
/** Replaces one character in the middle of the dataset part with another base64url character. */
const tamper = (key: string): string => {
  const at = key.indexOf('.') - 12;
  return key.slice(0, at) + (key[at] === 'A' ? 'B' : 'A') + key.slice(at + 1);
};

/** Keygen's default dataset for every scheme but ENCRYPT and JWT, as the JSON text signed. */
function defaultDataset(policyId: string, licenseId: string, withOwner: boolean): string {
  return JSON.stringify({
    account: { id: t.issuer.account },
    product: { id: productId },
    policy: { id: policyId, duration: DURATION },
    user: withOwner ? owner : null,
    license: { id: licenseId, created: new Date(NOW).toISOString(), expiry: EXPIRY },
  });
}

async function schemedLicense(scheme: string, attributes: Record<string, unknown> = {}, withOwner = false) {
  const policyId = await createPolicy(t, productId, { name: scheme, scheme, duration: DURATION });
  const license = await createLicense(t, policyId, attributes, withOwner ? { owner: { type: 'users', id: owner.id } } : {});
  expect(license.attributes).toMatchObject({ scheme, encrypted: false, expiry: EXPIRY });
  return { policyId, id: license.id as string, key: license.attributes.key as string };
}

/** The key works wherever a key works: License auth, GET by key, validate-key. */
async function expectUsableKey(id: string, key: string): Promise<void> {
  const me = await t.request('GET', '/me', { auth: `License ${key}` });
  expect(me.status, me.text).toBe(200);
  expect(me.json.data.id).toBe(id);
  const byKey = await t.admin('GET', `/licenses/${encodeURIComponent(key)}`);
  expect(byKey.status, byKey.text).toBe(200);
  expect(byKey.json.data.id).toBe(id);
  const validated = await t.request('POST', '/licenses/actions/validate-key', { body: { meta: { key } } });
  expect(validated.json.meta).toMatchObject({ valid: true, code: 'VALID' });
  expect(validated.json.data.id).toBe(id);
}

beforeAll(async () => {
  t = await startTestIssuer({ clock: () => NOW });
  productId = await createProduct(t, 'Signed keys');
  const user = await t.admin('POST', '/users', doc('users', { email: 'holder@example.com' }));
  owner = { id: user.json.data.id, email: 'holder@example.com' };
  pinned.ed25519 = pin(t.issuer.publicKey);
  pinned.ecdsa = pin(t.issuer.certificateKeys.ecdsaP256);
  pinned.rsa = pin(t.issuer.certificateKeys.rsa2048);
  rsa = createPublicKey(t.issuer.certificateKeys.rsa2048);
});
afterAll(() => t.close());

describe('key/ schemes verify offline with the published keys', () => {
  it.each([
    ['ED25519_SIGN', 'ed25519', 88],
    ['ECDSA_P256_SIGN', 'ecdsa', null],
    ['RSA_2048_PKCS1_PSS_SIGN_V2', 'rsa', 344],
    ['RSA_2048_PKCS1_SIGN_V2', 'rsa', 344],
  ] as const)('%s: default dataset, supplied seed, tampering, use as a key', async (scheme, family, signatureChars) => {
    const made = await schemedLicense(scheme, {}, true);
    expect(made.key).toMatch(SIGNED_KEY);
    const dataset = defaultDataset(made.policyId, made.id, true);
    expect(made.key.slice(0, made.key.indexOf('.'))).toBe(`key/${urlsafe(dataset)}`);
    if (signatureChars !== null) expect(made.key.length - made.key.indexOf('.') - 1).toBe(signatureChars);

    const verified = verifySignedLicenseKey(made.key, pinned[family]);
    expect(verified).toEqual({ ok: true, value: { scheme, dataset, data: JSON.parse(dataset) } });
    expect(verifySignedLicenseKey(tamper(made.key), pinned[family])).toMatchObject({ ok: false, code: 'LICENSE_KEY_NOT_GENUINE' });
    await expectUsableKey(made.id, made.key);

    // A supplied key is the seed, template variables filled in; any length from one character.
    const seeded = await schemedLicense(scheme, { key: `seat={{id}};until={{expiry}};{{unknown}}` });
    const seed = verifySignedLicenseKey(seeded.key, pinned[family]);
    expect(seed).toMatchObject({ ok: true, value: { dataset: `seat=${seeded.id};until=${EXPIRY};`, data: null } });
    const short = await schemedLicense(scheme, { key: 'x' });
    expect(verifySignedLicenseKey(short.key, pinned[family])).toMatchObject({ ok: true, value: { dataset: 'x' } });
    await expectUsableKey(seeded.id, seeded.key);
  });
});

describe('the older RSA forms, checked as Keygen checks them', () => {
  it('RSA_2048_PKCS1_SIGN and RSA_2048_PKCS1_PSS_SIGN: <b64url(seed)>.<b64url(sig over the seed)>, no prefix', async () => {
    for (const [scheme, padding] of [
      ['RSA_2048_PKCS1_SIGN', constants.RSA_PKCS1_PADDING],
      ['RSA_2048_PKCS1_PSS_SIGN', constants.RSA_PKCS1_PSS_PADDING],
    ] as const) {
      const made = await schemedLicense(scheme);
      expect(made.key).toMatch(V1_KEY);
      const [data = '', sig = ''] = made.key.split('.');
      expect(data).toBe(urlsafe(defaultDataset(made.policyId, made.id, false)));
      const seed = Buffer.from(data, 'base64url');
      expect(verify('sha256', seed, { key: rsa, padding, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, Buffer.from(sig, 'base64url'))).toBe(true);
      expect(verify('sha256', Buffer.from(`key/${data}`), { key: rsa, padding }, Buffer.from(sig, 'base64url'))).toBe(false);
      await expectUsableKey(made.id, made.key);
    }
  });

  it('RSA_2048_PKCS1_ENCRYPT: the seed encrypted with the private key, base64url padded, at most 245 bytes', async () => {
    const made = await schemedLicense('RSA_2048_PKCS1_ENCRYPT');
    expect(made.key).toMatch(/^[A-Za-z0-9_-]{342}==$/);
    const decrypt = (key: string): string => publicDecrypt({ key: rsa, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(key, 'base64url')).toString('utf8');
    expect(decrypt(made.key)).toBe(JSON.stringify({ id: made.id, created: new Date(NOW).toISOString(), duration: DURATION, expiry: EXPIRY }));
    await expectUsableKey(made.id, made.key);

    const largest = await schemedLicense('RSA_2048_PKCS1_ENCRYPT', { key: 'k'.repeat(245) });
    expect(decrypt(largest.key)).toBe('k'.repeat(245));
    const policyId = await createPolicy(t, productId, { scheme: 'RSA_2048_PKCS1_ENCRYPT' });
    expectUnprocessable(await createRaw(policyId, { key: 'é'.repeat(123) }), {
      detail: 'key exceeds maximum byte length (max size of 245 bytes)',
      code: 'KEY_BYTE_SIZE_EXCEEDED',
    });
  });

  it('RSA_2048_JWT_RS256: an RS256 JWT of Keygen claims, or of the supplied claims', async () => {
    const made = await schemedLicense('RSA_2048_JWT_RS256');
    const [header = '', payload = '', signature = ''] = made.key.split('.');
    expect(header).toBe(JWT_HEADER);
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), rsa, Buffer.from(signature, 'base64url'))).toBe(true);
    const seconds = Math.floor(NOW / 1000);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    expect(Object.keys(claims)).toEqual(['jti', 'iss', 'aud', 'sub', 'iat', 'nbf', 'exp']);
    expect(claims).toMatchObject({ iss: 'https://keygen.sh', aud: t.issuer.account, sub: made.id, iat: seconds, nbf: seconds, exp: seconds + DURATION });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    await expectUsableKey(made.id, made.key);

    const supplied = await schemedLicense('RSA_2048_JWT_RS256', { key: '{ "exp": 4691671952, "sub": "{{id}}" }' });
    const suppliedClaims = JSON.parse(Buffer.from(supplied.key.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(suppliedClaims).toEqual({ exp: 4691671952, sub: supplied.id });

    const policyId = await createPolicy(t, productId, { scheme: 'RSA_2048_JWT_RS256' });
    expectUnprocessable(await createRaw(policyId, { key: 'some-non-json-payload' }), {
      detail: 'key is not a valid JWT claims payload (must be a valid JSON encoded string)',
      code: 'KEY_JWT_CLAIMS_INVALID',
    });
    expectUnprocessable(await createRaw(policyId, { key: '{"exp":"foo"}' }), {
      detail: 'key is not a valid JWT claims payload (exp claim must be a numeric value but it is a string)',
      code: 'KEY_JWT_CLAIMS_INVALID',
    });
  });
});

function createRaw(policyId: string, attributes: Record<string, unknown>): Promise<ApiResponse> {
  return t.admin('POST', '/licenses', doc('licenses', attributes, { policy: { type: 'policies', id: policyId } }));
}

function expectUnprocessable(response: ApiResponse, expected: { detail: string; code: string; pointer?: string }): void {
  expect(response.status, response.text).toBe(422);
  expect(firstError(response)).toMatchObject({
    title: 'Unprocessable resource',
    detail: expected.detail,
    code: expected.code,
    source: { pointer: expected.pointer ?? '/data/attributes/key' },
  });
}

function createPolicyRaw(attributes: Record<string, unknown>): Promise<ApiResponse> {
  return t.admin('POST', '/policies', doc('policies', { name: 'Refused', ...attributes }, { product: { type: 'products', id: productId } }));
}

describe('bad input: Keygen 400 and 422 with pointers, never a 500', () => {
  it('refuses scheme combinations Keygen refuses, and LEGACY_ENCRYPT', async () => {
    const scheme = '/data/attributes/scheme';
    const encryptedPointer = '/data/attributes/encrypted';
    expectUnprocessable(await createPolicyRaw({ scheme: 'ED25519_SIGN', usePool: true }), { detail: 'cannot use a scheme and use a pool', code: 'SCHEME_NOT_SUPPORTED', pointer: scheme });
    expectUnprocessable(await createPolicyRaw({ encrypted: true, usePool: true }), { detail: 'cannot be encrypted and use a pool', code: 'ENCRYPTED_NOT_SUPPORTED', pointer: encryptedPointer });
    expectUnprocessable(await createPolicyRaw({ scheme: 'ROT13' }), { detail: 'unsupported encryption scheme', code: 'SCHEME_NOT_ALLOWED', pointer: scheme });
    expectUnprocessable(await createPolicyRaw({ scheme: 'ED25519_SIGN', encrypted: true }), {
      detail: 'unsupported encryption scheme (scheme must be LEGACY_ENCRYPT for legacy encrypted policies)',
      code: 'SCHEME_NOT_ALLOWED',
      pointer: scheme,
    });
    expectUnprocessable(await createPolicyRaw({ scheme: 'LEGACY_ENCRYPT' }), { detail: 'must be encrypted when using LEGACY_ENCRYPT scheme', code: 'SCHEME_INVALID', pointer: scheme });
    for (const attributes of [{ encrypted: true }, { scheme: 'LEGACY_ENCRYPT', encrypted: true }]) {
      expectUnprocessable(await createPolicyRaw(attributes), { detail: 'unsupported encryption scheme', code: 'SCHEME_NOT_ALLOWED', pointer: scheme });
    }
  });

  it('a legacy encrypted policy stored earlier refuses a supplied key', async () => {
    const stored = t.issuer.store.policies.create(t.issuer.account, productId, withPolicyDefaults({ name: 'Old', encrypted: true, scheme: 'LEGACY_ENCRYPT' }), NOW);
    expectUnprocessable(await createRaw(stored.id, { key: 'a-legacy-key' }), { detail: 'cannot be specified for a legacy encrypted license', code: 'KEY_NOT_SUPPORTED' });
  });

  it('blank, oversize and duplicate seeds', async () => {
    const policyId = await createPolicy(t, productId, { scheme: 'ED25519_SIGN' });
    const blank = await createRaw(policyId, { key: '' });
    expect(blank.status).toBe(400);
    expect(firstError(blank)).toEqual({ title: 'Bad request', detail: 'cannot be blank', source: { pointer: '/data/attributes/key' } });
    expectUnprocessable(await createRaw(policyId, { key: 'k'.repeat(MAX_KEY_LENGTH + 1) }), {
      detail: `is too long (maximum is ${MAX_KEY_LENGTH} characters)`,
      code: 'KEY_TOO_LONG',
    });
    // Ed25519 is deterministic: the same seed would make the same key a second time.
    expect((await createRaw(policyId, { key: 'one-seat-seed' })).status).toBe(201);
    expectUnprocessable(await createRaw(policyId, { key: 'one-seat-seed' }), { detail: 'has already been taken', code: 'KEY_TAKEN' });
  });
});
