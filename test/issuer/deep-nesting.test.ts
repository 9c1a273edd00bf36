/**
 * Deeply nested input: JSON bodies past Keygen's nesting limit (Ruby `JSON.parse`
 * `max_nesting` 100) get Keygen's 400 `JSON_INVALID` error object, never a 500 or a stack
 * overflow, at 10,000 and 100,000 levels, under the body cap and exactly at it; bracketed query
 * keys of any depth get 400 `PARAMETERS_INVALID`, or node's own refusal past its header limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES } from '../../issuer/http/body.js';
import { MAX_JSON_NESTING } from '../../issuer/http/json-nesting.js';
import { createPolicy, createProduct, doc, firstError, startTestIssuer, type ApiResponse, type TestIssuer } from './support.js';

const JSON_INVALID = {
  title: 'Bad request',
  detail: 'The request could not be completed because it contains invalid JSON (check formatting/encoding)',
  code: 'JSON_INVALID',
};

let t: TestIssuer;
let policyId: string;

beforeAll(async () => {
  t = await startTestIssuer();
  policyId = await createPolicy(t, await createProduct(t));
});
afterAll(() => t.close());

const arrays = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const objects = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** A license create document whose metadata value nests `depth` levels below the document's own 4. */
const licenseWithMetadata = (inner: string): string =>
  `{"data":{"type":"licenses","attributes":{"metadata":{"deep":${inner}}},"relationships":{"policy":{"data":{"type":"policies","id":"${policyId}"}}}}}`;

function post(body: string, path = '/licenses'): Promise<ApiResponse> {
  return t.request('POST', path, { token: t.issuer.adminToken, body, headers: { 'Content-Type': 'application/vnd.api+json' } });
}

function expectJsonInvalid(response: ApiResponse): void {
  expect(response.status).toBe(400);
  expect(firstError(response)).toEqual(JSON_INVALID);
}

describe('deeply nested JSON bodies', () => {
  for (const depth of [10_000, 100_000]) {
    it(`${depth.toLocaleString('en')} levels of [ → 400 JSON_INVALID`, async () => {
      expectJsonInvalid(await post(arrays(depth)));
      expectJsonInvalid(await post('['.repeat(depth)));
    });

    it(`${depth.toLocaleString('en')} levels of {"a": → 400 JSON_INVALID`, async () => {
      expectJsonInvalid(await post(objects(depth)));
      expectJsonInvalid(await post('{"a":'.repeat(depth)));
    });

    it(`${depth.toLocaleString('en')} levels inside license metadata → 400 JSON_INVALID, on validate-key too`, async () => {
      expectJsonInvalid(await post(licenseWithMetadata(objects(depth))));
      expectJsonInvalid(await post(`{"meta":{"key":${arrays(depth)}}}`, '/licenses/actions/validate-key'));
    });
  }

  it(`accepts ${MAX_JSON_NESTING} levels (Keygen's limit) and refuses ${MAX_JSON_NESTING + 1}`, async () => {
    // The document, data, attributes and metadata objects are 4 levels already.
    const atLimit = await post(licenseWithMetadata(objects(MAX_JSON_NESTING - 4)));
    expect(atLimit.status, atLimit.text).toBe(201);
    expectJsonInvalid(await post(licenseWithMetadata(objects(MAX_JSON_NESTING - 3))));
    expectJsonInvalid(await post(arrays(MAX_JSON_NESTING + 1)));
    // Parsed, then refused as a document that is not a license (not as invalid JSON).
    const parsed = await post(arrays(MAX_JSON_NESTING));
    expect(parsed.status).toBe(400);
    expect(firstError(parsed).code).not.toBe('JSON_INVALID');
  });

  it('does not count brackets inside strings, escaped quotes included', async () => {
    const name = `\\"${'[{'.repeat(5_000)}`;
    const response = await post(JSON.stringify(doc('licenses', { name: JSON.parse(`"${name}"`) }, { policy: { type: 'policies', id: policyId } })));
    expect(response.status, response.text).toBe(201);
  });

  it('answers the same at the body cap, and 413 one byte over it', async () => {
    const deep = objects(100_000);
    const atCap = deep + ' '.repeat(DEFAULT_MAX_BODY_BYTES - deep.length);
    expect(Buffer.byteLength(atCap)).toBe(DEFAULT_MAX_BODY_BYTES);
    expectJsonInvalid(await post(atCap));
    const arraysAtCap = '['.repeat(DEFAULT_MAX_BODY_BYTES);
    expectJsonInvalid(await post(arraysAtCap));
    const over = await post(`${atCap} `);
    expect(over.status).toBe(413);
    expect(firstError(over).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps serving afterwards', async () => {
    expect((await t.admin('GET', '/me')).status).toBe(200);
  });
});

describe('deeply nested query strings', () => {
  const bracketed = (name: string, depth: number): string => `${name}${'[a]'.repeat(depth)}=1`;

  it('nested keys the list filters do not take → 400 PARAMETERS_INVALID, at any depth under the header limit', async () => {
    for (const query of [bracketed('filter', 2), bracketed('metadata', 3), bracketed('page', 2), 'page[number][size]=1', 'metadata[a][][b]=1', bracketed('filter', 4_000)]) {
      const response = await t.admin('GET', `/licenses?${query}`);
      expect(response.status, query.slice(0, 40)).toBe(400);
      expect(firstError(response)).toMatchObject({ title: 'Bad request', code: 'PARAMETERS_INVALID' });
    }
  });

  it('mixes scalar and nested forms of one key → 400 PARAMETERS_INVALID', async () => {
    for (const query of ['metadata=1&metadata[a]=2', 'metadata[a]=2&metadata=1', 'page[size]=1&page=2']) {
      expect(firstError(await t.admin('GET', `/machines?${query}`)).code, query).toBe('PARAMETERS_INVALID');
    }
  });

  for (const depth of [10_000, 100_000]) {
    it(`${depth.toLocaleString('en')} levels overflow node's header limit: refused before routing, server keeps serving`, async () => {
      const response = await fetch(`${t.issuer.url}${t.base}/licenses?${bracketed('filter', depth)}`, { headers: { Authorization: `Bearer ${t.issuer.adminToken}` } });
      expect(response.status).toBe(431);
      expect((await t.admin('GET', '/licenses?limit=1')).status).toBe(200);
    });
  }
});
