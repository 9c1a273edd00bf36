/**
 * The wire: headers, signatures, and Keygen's error objects for bad input — malformed JSON,
 * wrong content type, unknown attributes, oversized bodies, invalid UUIDs, unknown routes and
 * accounts — never a 500 (the client in ./support.ts fails any test that sees one).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyResponse } from '../../src/keygen/response-signature.js';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type TestIssuer } from './support.js';

let t: TestIssuer;
let policyId: string;

beforeAll(async () => {
  t = await startTestIssuer({ maxBodyBytes: 64 * 1024 });
  policyId = await createPolicy(t, await createProduct(t));
});
afterAll(() => t.close());

describe('headers', () => {
  it('sends JSON:API, Keygen-Version, Date/Digest/Keygen-Signature and the Keygen-* copies', async () => {
    const response = await t.admin('GET', '/me');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.api+json; charset=utf-8');
    expect(response.headers.get('keygen-version')).toBe('1.8');
    expect(response.headers.get('date')).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(response.headers.get('keygen-date')).toBe(response.headers.get('date'));
    expect(response.headers.get('digest')).toMatch(/^sha-256=[A-Za-z0-9+/]{43}=$/);
    expect(response.headers.get('keygen-digest')).toBe(response.headers.get('digest'));
    expect(response.headers.get('keygen-signature')).toMatch(
      new RegExp(`^keyid="${t.issuer.account}", algorithm="ed25519", signature="[A-Za-z0-9+/]+={0,2}", headers="\\(request-target\\) host date digest"$`),
    );
    expect(response.headers.get('keygen-account')).toBe(t.issuer.account);
    expect(response.headers.get('keygen-bearer')).toBe(response.json.data.id);
  });

  it('signs the request target exactly as sent, query included, so another target fails', async () => {
    const response = await fetch(`${t.issuer.url}${t.base}/licenses?limit=2&page%5Bsize%5D=1`, { headers: { Authorization: `Bearer ${t.issuer.adminToken}` } });
    const body = Buffer.from(await response.arrayBuffer());
    const trust = { publicKey: t.pinned, now: Date.now(), keyId: t.issuer.account };
    const sent = { method: 'GET', url: `${t.issuer.url}${t.base}/licenses?limit=2&page%5Bsize%5D=1` };
    expect(verifyResponse({ status: response.status, headers: response.headers, body }, sent, trust).ok).toBe(true);
    const other = { method: 'GET', url: `${t.issuer.url}${t.base}/licenses?limit=2` };
    expect(verifyResponse({ status: response.status, headers: response.headers, body }, other, trust)).toMatchObject({ ok: false, code: 'RESPONSE_SIGNATURE_INVALID' });
  });

  it('accepts the account slug as well as its id, and signs the slug path', async () => {
    const response = await t.request('GET', '/v1/accounts/tessera-dev/me', { token: t.issuer.adminToken });
    expect(response.status).toBe(200);
  });

  it('echoes a pinned Keygen-Version and refuses an unknown one', async () => {
    expect((await t.request('GET', '/me', { token: t.issuer.adminToken, headers: { 'Keygen-Version': 'v1.7' } })).headers.get('keygen-version')).toBe('1.7');
    const refused = await t.request('GET', '/me', { token: t.issuer.adminToken, headers: { 'Keygen-Version': '9.9' } });
    expect(refused.status).toBe(400);
    expect(firstError(refused)).toMatchObject({ title: 'Bad request', detail: 'unsupported API version requested', code: 'INVALID_API_VERSION' });
  });

  it('answers application/json to a client that accepts only JSON', async () => {
    const response = await t.request('GET', '/me', { token: t.issuer.adminToken, headers: { Accept: 'application/json' } });
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('signs 204 responses over the empty body', async () => {
    const license = await createLicense(t, policyId);
    const response = await t.admin('DELETE', `/licenses/${license.id}`);
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(response.headers.get('digest')).toBe('sha-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('wraps every error in {meta: {id}, errors: [...]}', async () => {
    const response = await t.admin('GET', '/licenses/8b7e4e4e-9f1d-4a63-8d2d-9b8f4c1b0f00');
    expect(response.status).toBe(404);
    expect(Object.keys(response.json)).toEqual(['meta', 'errors']);
    expect(response.json.meta.id).toBe(response.headers.get('x-request-id'));
    expect(response.json.errors).toEqual([
      { title: 'Not found', detail: "The requested license '8b7e4e4e-9f1d-4a63-8d2d-9b8f4c1b0f00' was not found", code: 'NOT_FOUND' },
    ]);
  });
});

describe('bad input', () => {
  const create = (body: unknown, headers: Record<string, string> = {}) => t.request('POST', '/licenses', { token: t.issuer.adminToken, body, headers });

  it('malformed JSON → 400 JSON_INVALID', async () => {
    const response = await create('{"data": {', { 'Content-Type': 'application/vnd.api+json' });
    expect(response.status).toBe(400);
    expect(firstError(response)).toEqual({
      title: 'Bad request',
      detail: 'The request could not be completed because it contains invalid JSON (check formatting/encoding)',
      code: 'JSON_INVALID',
    });
  });

  it('bytes that are not UTF-8 → 400 ENCODING_INVALID', async () => {
    const response = await create(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(response.status).toBe(400);
    expect(firstError(response).code).toBe('ENCODING_INVALID');
  });

  it('a content type that is not JSON → 400 CONTENT_TYPE_INVALID; plain JSON and none are parsed', async () => {
    const xml = await create('<license/>', { 'Content-Type': 'application/xml' });
    expect(xml.status).toBe(400);
    expect(firstError(xml)).toEqual({
      title: 'Bad request',
      detail: 'The content type of the request is not acceptable (check content-type header)',
      code: 'CONTENT_TYPE_INVALID',
    });
    const body = JSON.stringify(doc('licenses', undefined, { policy: { type: 'policies', id: policyId } }));
    expect((await create(body, { 'Content-Type': 'application/json' })).status).toBe(201);
    expect((await create(body, { 'Content-Type': 'text/plain' })).status).toBe(201);
  });

  it('an unknown attribute → 400 "unpermitted parameter" with its camelCased pointer', async () => {
    const response = await create(doc('licenses', { colour: 'red' }, { policy: { type: 'policies', id: policyId } }));
    expect(response.status).toBe(400);
    expect(firstError(response)).toEqual({ title: 'Bad request', detail: 'unpermitted parameter', source: { pointer: '/data/attributes/colour' } });
    const snake = await create(doc('licenses', { unpermitted_param: 1 }, { policy: { type: 'policies', id: policyId } }));
    expect(firstError(snake).source).toEqual({ pointer: '/data/attributes/unpermittedParam' });
  });

  it('type errors, missing and null members → 400 with typed-params wording', async () => {
    const mismatch = await create(doc('licenses', { name: 1 }, { policy: { type: 'policies', id: policyId } }));
    expect(firstError(mismatch)).toEqual({ title: 'Bad request', detail: 'type mismatch (received integer expected string)', source: { pointer: '/data/attributes/name' } });
    const missing = await create(doc('licenses', {}));
    expect(firstError(missing)).toEqual({ title: 'Bad request', detail: 'is missing', source: { pointer: '/data/relationships' } });
    const noData = await create({});
    expect(firstError(noData)).toEqual({ title: 'Bad request', detail: 'is missing', source: { pointer: '/data' } });
    const wrongType = await create(doc('machines', undefined, { policy: { type: 'policies', id: policyId } }));
    expect(firstError(wrongType)).toMatchObject({ detail: 'must be one of: license, licenses (received machines)', source: { pointer: '/data/type' } });
    const badUuid = await create(doc('licenses', undefined, { policy: { type: 'policies', id: 'nope' } }));
    expect(firstError(badUuid)).toMatchObject({ detail: 'type mismatch (received string expected UUID string)', source: { pointer: '/data/relationships/policy/data/id' } });
  });

  it('an oversized body → 413 with an error object', async () => {
    const response = await create('x'.repeat(100 * 1024), { 'Content-Type': 'application/json' });
    expect(response.status).toBe(413);
    expect(firstError(response)).toMatchObject({ title: 'Payload too large', code: 'PAYLOAD_TOO_LARGE' });
  });

  it('an invalid UUID in the path → 404 NOT_FOUND, for licenses (id or key), policies, products, users, entitlements', async () => {
    for (const resource of ['licenses', 'policies', 'products', 'users', 'entitlements']) {
      const response = await t.admin('GET', `/${resource}/not-a-uuid`);
      expect(response.status, resource).toBe(404);
      expect(firstError(response)).toMatchObject({ title: 'Not found', code: 'NOT_FOUND' });
    }
    const bad = await t.admin('GET', '/licenses/%E0%A4%A');
    expect(bad.status).toBe(404);
  });

  it('an unknown route or method → signed 404 "endpoint not found"', async () => {
    for (const [method, path] of [['GET', '/widgets'], ['PUT', '/licenses'], ['DELETE', '/products']]) {
      const response = await t.admin(method as string, path as string);
      expect(response.status).toBe(404);
      expect(firstError(response)).toEqual({
        title: 'Not found',
        detail: 'The requested endpoint was not found (check your HTTP method, Accept header, and URL path)',
        code: 'NOT_FOUND',
      });
    }
  });

  it('an unknown account → unsigned 404 (there is no key to sign with)', async () => {
    const response = await t.request('GET', '/v1/accounts/nobody/me', { token: t.issuer.adminToken, unsigned: true });
    expect(response.status).toBe(404);
    expect(firstError(response)).toMatchObject({ detail: "The requested account 'nobody' was not found", code: 'NOT_FOUND' });
    expect((await t.request('GET', '/v1/accounts', { unsigned: true })).status).toBe(404);
    expect((await t.request('GET', '/v2/licenses', { unsigned: true })).status).toBe(404);
  });

  it('bad query strings → 400 PARAMETERS_INVALID, bad paging → 400 with source.parameter', async () => {
    expect(firstError(await t.admin('GET', '/licenses?limit=%E0%A4%A')).code).toBe('PARAMETERS_INVALID');
    expect(firstError(await t.admin('GET', '/licenses?page=1&page[size]=2')).code).toBe('PARAMETERS_INVALID');
    expect(firstError(await t.admin('GET', '/licenses?limit=0'))).toEqual({
      title: 'Bad request',
      detail: 'limit must be a number between 1 and 100 (got 0)',
      source: { parameter: 'limit' },
    });
    expect(firstError(await t.admin('GET', '/licenses?page[size]=101&page[number]=1')).detail).toBe('page size must be a number between 1 and 100 (got 101)');
    expect(firstError(await t.admin('GET', '/licenses?page[number]=0')).detail).toBe('page number must be a number greater than 0 (got 0)');
  });

  it('a request node cannot parse gets a plain 400, and the server keeps serving', async () => {
    const url = new URL(t.issuer.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.end('GET /v1/accounts/x HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply.startsWith('HTTP/1.1 400 Bad Request')).toBe(true);
    expect((await t.admin('GET', '/me')).status).toBe(200);
  });
});
