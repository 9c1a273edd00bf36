/**
 * The token resource: list and retrieve within the bearer's scope, regenerate (the old secret
 * stops working at once), revoke, and a license's own tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLicense, createPolicy, createProduct, startTestIssuer, type TestIssuer } from './support.js';

const TOKEN_ATTRIBUTES = ['kind', 'expiry', 'permissions', 'maxActivations', 'activations', 'maxDeactivations', 'deactivations', 'created', 'updated'];

let t: TestIssuer;
let productA: string;
let productB: string;
let productToken: { id: string; secret: string };
let licenseA: { id: string; attributes: { key: string } };
let licenseB: { id: string; attributes: { key: string } };

async function licenseToken(licenseId: string, attributes: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const response = await t.admin('POST', `/licenses/${licenseId}/tokens`, { data: { type: 'tokens', attributes } });
  expect(response.status, response.text).toBe(200);
  return { id: response.json.data.id, secret: response.json.data.attributes.token };
}

const ids = (response: { json: { data: { id: string }[] } }): string[] => response.json.data.map((item) => item.id).sort();

beforeAll(async () => {
  t = await startTestIssuer();
  productA = await createProduct(t, 'A');
  productB = await createProduct(t, 'B');
  const created = await t.admin('POST', `/products/${productA}/tokens`);
  productToken = { id: created.json.data.id, secret: created.json.data.attributes.token };
  licenseA = await createLicense(t, await createPolicy(t, productA));
  licenseB = await createLicense(t, await createPolicy(t, productB));
});
afterAll(() => t.close());

describe('tokens', () => {
  it('retrieves a token without its secret, in the reference shape', async () => {
    const token = await licenseToken(licenseA.id, { maxActivations: 3 });
    const read = await t.admin('GET', `/tokens/${token.id}`);
    expect(read.status).toBe(200);
    expect(Object.keys(read.json.data.attributes)).toEqual(TOKEN_ATTRIBUTES);
    expect(read.text).not.toContain(token.secret);
    expect(read.json.data.attributes).toMatchObject({ kind: 'activation-token', maxActivations: 3, activations: 0 });
    expect(read.json.data.relationships.bearer.data).toEqual({ type: 'licenses', id: licenseA.id });
  });

  it('lists by scope: admin all, a product its own and its licenses\', a license its own', async () => {
    const a = await licenseToken(licenseA.id);
    const b = await licenseToken(licenseB.id);
    const all = ids(await t.admin('GET', '/tokens?limit=100'));
    expect(all).toEqual(expect.arrayContaining([a.id, b.id, productToken.id]));

    const asProduct = ids(await t.request('GET', '/tokens?limit=100', { token: productToken.secret }));
    expect(asProduct).toEqual(expect.arrayContaining([a.id, productToken.id]));
    expect(asProduct).not.toContain(b.id);

    const asLicense = ids(await t.request('GET', '/tokens?limit=100', { token: a.secret }));
    expect(asLicense).toContain(a.id);
    expect(asLicense).not.toContain(productToken.id);
    expect(asLicense).not.toContain(b.id);
  });

  it('hides tokens outside the bearer\'s scope (404), and lists a license\'s own tokens', async () => {
    const b = await licenseToken(licenseB.id);
    expect((await t.request('GET', `/tokens/${b.id}`, { token: productToken.secret })).status).toBe(404);
    expect((await t.request('GET', `/tokens/${productToken.id}`, { auth: `License ${licenseA.attributes.key}` })).status).toBe(404);
    expect((await t.admin('GET', '/tokens/not-a-token')).status).toBe(404);

    const own = await t.request('GET', `/licenses/${licenseB.id}/tokens`, { auth: `License ${licenseB.attributes.key}` });
    expect(own.status).toBe(200);
    expect(ids(own)).toContain(b.id);
    expect(own.json.data.every((token: { relationships: { bearer: { data: { id: string } } } }) => token.relationships.bearer.data.id === licenseB.id)).toBe(true);
    expect((await t.request('GET', `/licenses/${licenseB.id}/tokens`, { token: productToken.secret })).status).toBe(404);
  });

  it('regenerate: a new secret, once; the old one is refused at once', async () => {
    const token = await licenseToken(licenseA.id);
    const regenerated = await t.request('PUT', `/tokens/${token.id}`, { token: token.secret });
    expect(regenerated.status, regenerated.text).toBe(200);
    const secret = regenerated.json.data.attributes.token as string;
    expect(secret).toMatch(/^activ-[0-9a-f]{32}v3$/);
    expect(secret).not.toBe(token.secret);
    expect(regenerated.json.data.id).toBe(token.id);

    const old = await t.request('GET', `/licenses/${licenseA.id}`, { token: token.secret });
    expect(old.status).toBe(401);
    expect(old.json.errors[0].code).toBe('TOKEN_INVALID');
    expect((await t.request('GET', `/licenses/${licenseA.id}`, { token: secret })).status).toBe(200);
  });

  it('revoke: 204, then the token neither authenticates nor exists; a product cannot revoke another product\'s', async () => {
    const token = await licenseToken(licenseA.id);
    const b = await licenseToken(licenseB.id);
    expect((await t.request('DELETE', `/tokens/${b.id}`, { token: productToken.secret })).status).toBe(404);
    expect((await t.request('DELETE', `/tokens/${token.id}`, { token: productToken.secret })).status).toBe(204);
    expect((await t.request('GET', `/licenses/${licenseA.id}`, { token: token.secret })).status).toBe(401);
    expect((await t.admin('GET', `/tokens/${token.id}`)).status).toBe(404);
    expect((await t.admin('GET', `/tokens/${b.id}`)).status).toBe(200);
  });

  it('a product may not read or revoke admin tokens (they are outside its scope)', async () => {
    const admins = (await t.admin('GET', '/tokens?limit=100')).json.data.filter((token: { attributes: { kind: string } }) => token.attributes.kind === 'admin-token');
    expect(admins.length).toBeGreaterThan(0);
    const adminTokenId = admins[0].id as string;
    expect((await t.request('GET', `/tokens/${adminTokenId}`, { token: productToken.secret })).status).toBe(404);
    expect((await t.request('DELETE', `/tokens/${adminTokenId}`, { token: productToken.secret })).status).toBe(404);
  });
});
