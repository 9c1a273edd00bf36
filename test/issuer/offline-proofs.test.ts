/**
 * `POST /machines/:id/actions/generate-offline-proof` over sockets: the proof in `meta.proof`
 * verifies offline with the account's published RSA key (`verifyActivationProof`), carries
 * Keygen's default dataset or the one an admin or product supplied, is refused when altered;
 * and who may ask for which machine, with Keygen's 400/401/404 wording.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyActivationProof } from '../../src/license-file/activation-proof.js';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type ApiResponse, type RequestOptions, type TestIssuer } from './support.js';

const NOW = Date.parse('2025-06-01T12:34:56.789Z');
const DURATION = 365 * 86_400;
const B64URL = '[A-Za-z0-9_-]+={0,2}';
const PROOF = new RegExp(`^proof/${B64URL}\\.${B64URL}$`);

type Seat = { license: { id: string; key: string; expiry: string | null }; machine: { id: string; fingerprint: string; created: string } };

let t: TestIssuer;
let rsaKey: PinnedKey;
let productId: string;
let policyId: string;
let mine: Seat;
let theirs: Seat;
let elsewhere: Seat;
let productToken: string;

const pin = (text: string): PinnedKey => {
  const parsed = parsePublicKey(text);
  if (!parsed.ok) throw new Error('published key does not parse');
  return parsed.value;
};

async function seat(policy: string, fingerprint: string): Promise<Seat> {
  const license = await createLicense(t, policy);
  const machine = await t.admin('POST', '/machines', doc('machines', { fingerprint }, { license: { type: 'licenses', id: license.id } }));
  expect(machine.status, machine.text).toBe(201);
  return {
    license: { id: license.id, key: license.attributes.key, expiry: license.attributes.expiry },
    machine: { id: machine.json.data.id, fingerprint, created: machine.json.data.attributes.created },
  };
}

function generate(machine: string, options: RequestOptions = { token: t.issuer.adminToken }): Promise<ApiResponse> {
  return t.request('POST', `/machines/${encodeURIComponent(machine)}/actions/generate-offline-proof`, options);
}

/** The proof of a 200, verified with the RSA key; returns its dataset text. */
function provenDataset(response: ApiResponse, machineId: string): string {
  expect(response.status, response.text).toBe(200);
  expect(response.json.data).toMatchObject({ type: 'machines', id: machineId });
  const proof = response.json.meta.proof as string;
  expect(Object.keys(response.json.meta)).toEqual(['proof']);
  expect(proof).toMatch(PROOF);
  const verified = verifyActivationProof(proof, rsaKey);
  if (!verified.ok) throw new Error(`proof did not verify: ${verified.code}`);
  return verified.value.dataset;
}

/** Keygen's default dataset for `seat`, as the JSON text signed at NOW. */
function defaultDataset(of: Seat, product = productId, policy = policyId): string {
  return JSON.stringify({
    account: { id: t.issuer.account },
    product: { id: product },
    policy: { id: policy, duration: DURATION },
    license: of.license,
    machine: of.machine,
    ts: '2025-06-01 12:34:56 UTC',
  });
}

beforeAll(async () => {
  t = await startTestIssuer({ clock: () => NOW });
  rsaKey = pin(t.issuer.certificateKeys.rsa2048);
  productId = await createProduct(t, 'Air-gapped');
  policyId = await createPolicy(t, productId, { name: 'Signed', scheme: 'ED25519_SIGN', duration: DURATION, floating: true, maxMachines: 5 });
  mine = await seat(policyId, 'fp-mine');
  theirs = await seat(policyId, 'fp-theirs');
  const otherProduct = await createProduct(t, 'Other');
  elsewhere = await seat(await createPolicy(t, otherProduct, { duration: DURATION }), 'fp-elsewhere');
  const token = await t.admin('POST', `/products/${productId}/tokens`);
  expect(token.status).toBe(201);
  productToken = token.json.data.attributes.token;
});
afterAll(() => t.close());

describe('the proof verifies offline', () => {
  it("admin: Keygen's default dataset, signed with the account's RSA key", async () => {
    const response = await generate(mine.machine.id);
    expect(provenDataset(response, mine.machine.id)).toBe(defaultDataset(mine));
    expect(mine.license.key).toMatch(/^key\//);
  });

  it('an altered proof, or one checked with another key family, is not genuine', async () => {
    const proof = (await generate(mine.machine.id)).json.meta.proof as string;
    const at = proof.indexOf('.') - 10;
    const altered = proof.slice(0, at) + (proof[at] === 'A' ? 'B' : 'A') + proof.slice(at + 1);
    expect(verifyActivationProof(altered, rsaKey)).toMatchObject({ ok: false, code: 'ACTIVATION_PROOF_NOT_GENUINE' });
    expect(verifyActivationProof(proof, pin(t.issuer.publicKey))).toMatchObject({ ok: false, code: 'ACTIVATION_PROOF_NOT_GENUINE' });
    expect(verifyActivationProof(proof.replace(/^proof\//, 'key/'), rsaKey)).toMatchObject({ ok: false, code: 'ACTIVATION_PROOF_MALFORMED' });
  });

  it('admin and product: a supplied meta.dataset is signed as given, keys untouched', async () => {
    const dataset = { fingerprint: mine.machine.fingerprint, id: mine.machine.id, nonce: 1, some_key: { innerKey: [true, null] } };
    const byAdmin = await generate(mine.machine.id, { token: t.issuer.adminToken, body: { meta: { dataset } } });
    expect(provenDataset(byAdmin, mine.machine.id)).toBe(JSON.stringify(dataset));
    const byProduct = await generate(mine.machine.fingerprint, { token: productToken, body: { meta: { dataset: { nonce: 3 } } } });
    expect(provenDataset(byProduct, mine.machine.id)).toBe('{"nonce":3}');
  });

  it('a license: the default dataset for its own machine, by id or fingerprint', async () => {
    const auth = { auth: `License ${mine.license.key}` };
    expect(provenDataset(await generate(mine.machine.id, auth), mine.machine.id)).toBe(defaultDataset(mine));
    expect(provenDataset(await generate(mine.machine.fingerprint, auth), mine.machine.id)).toBe(defaultDataset(mine));
  });
});

describe('who may ask, and bad requests', () => {
  const notFound = (response: ApiResponse, id: string): void => {
    expect(response.status).toBe(404);
    expect(firstError(response)).toEqual({ title: 'Not found', detail: `The requested machine '${id}' was not found`, code: 'NOT_FOUND' });
  };

  it('a license cannot get a proof of a machine it does not own: 404, even with a dataset', async () => {
    const auth = `License ${mine.license.key}`;
    notFound(await generate(theirs.machine.id, { auth }), theirs.machine.id);
    notFound(await generate(theirs.machine.id, { auth, body: { meta: { dataset: { license: theirs.license.id } } } }), theirs.machine.id);
  });

  it('a product cannot see machines of another product: 404', async () => {
    notFound(await generate(elsewhere.machine.id, { token: productToken }), elsewhere.machine.id);
    expect(provenDataset(await generate(elsewhere.machine.id), elsewhere.machine.id)).toMatch(/"fingerprint":"fp-elsewhere"/);
  });

  it('a license may not supply a dataset: 400 unpermitted parameter at /meta', async () => {
    const response = await generate(mine.machine.id, { auth: `License ${mine.license.key}`, body: { meta: { dataset: { timer: 2_592_000 } } } });
    expect(response.status).toBe(400);
    expect(firstError(response)).toEqual({ title: 'Bad request', detail: 'unpermitted parameter', source: { pointer: '/meta' } });
  });

  it.each([
    [{ meta: {} }, 'is missing', '/meta/dataset'],
    [{ meta: { dataset: [1, 2] } }, 'type mismatch (received array expected object)', '/meta/dataset'],
    [{ meta: { dataset: 'nonce' } }, 'type mismatch (received string expected object)', '/meta/dataset'],
    [{ data: { type: 'machines' } }, 'unpermitted parameter', '/data'],
  ])('admin body %j: 400 %s', async (body, detail, pointer) => {
    const response = await generate(mine.machine.id, { token: t.issuer.adminToken, body });
    expect(response.status).toBe(400);
    expect(firstError(response)).toEqual({ title: 'Bad request', detail, source: { pointer } });
  });

  it('no credentials: 401; an unknown machine: 404', async () => {
    const anonymous = await generate(mine.machine.id, {});
    expect(anonymous.status).toBe(401);
    expect(firstError(anonymous).code).toBe('TOKEN_MISSING');
    notFound(await generate('no-such-machine'), 'no-such-machine');
  });
});
