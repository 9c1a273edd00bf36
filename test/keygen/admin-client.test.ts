/**
 * The administrator calls of the Keygen client, against the local issuer over real sockets:
 * who a token is (`/me`, with the token's id), a product's licenses and policies with the
 * server's count, a license's machines, and the paced deactivation that reports a 429 with its
 * rate-limit hints instead of waiting it out — while every other answer is still verified.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeygenClient } from '../../src/keygen/client.js';
import type { Credentials } from '../../src/keygen/client.types.js';
import { createNodeTransport, type Transport } from '../../src/keygen/transport.js';
import { doc, startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { value } from '../support/result.js';

let t: TestIssuer;
let admin: Credentials;


const client = (transport?: Transport) => createKeygenClient({ config: t.issuer.config, env: {}, sleep: async () => {}, ...(transport === undefined ? {} : { transport }) });

async function machine(licenseId: string, fingerprint: string): Promise<string> {
  const created = await t.admin('POST', '/machines', doc('machines', { fingerprint }, { license: { type: 'licenses', id: licenseId } }));
  expect(created.status).toBe(201);
  return created.json.data.id as string;
}

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  admin = { kind: 'token', token: t.issuer.adminToken };
});
afterAll(async () => {
  await t.close();
});

describe('me', () => {
  it('names the bearer and the token id (Keygen-Token, a UUID)', async () => {
    const me = value(await client().me(admin));
    expect(me.resource.type).toBe('users');
    expect(me.resource.attributes.role).toBe('admin');
    expect(me.tokenId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a license key with the license (not an administrator), and a bad token with TOKEN_INVALID', async () => {
    const license = t.issuer.licenses[0] as { key: string };
    expect(value(await client().me({ kind: 'license-key', key: license.key })).resource.type).toBe('licenses');
    const refused = await client().me({ kind: 'token', token: 'admin-00000000000000000000000000000000v3' });
    expect(refused.ok ? 'ok' : refused.code).toBe('TOKEN_INVALID');
  });
});

describe('lists', () => {
  it('pages the product\'s licenses with the server\'s count, and policies', async () => {
    const product = t.issuer.config.product as string;
    const first = value(await client().licenses({ product }, { number: 1, size: 3 }, admin));
    expect(first.data).toHaveLength(3);
    expect(first.total).toBe(t.issuer.licenses.length);
    expect(first.next).toBe(2);
    const policies = value(await client().policies({ product }, { number: 1, size: 100 }, admin));
    expect(policies.data.length).toBeGreaterThan(0);
    expect(policies.data.every((policy) => policy.type === 'policies')).toBe(true);
  });

  it('refuses a filter name that is not a plain word, before anything is sent', async () => {
    const sent: unknown[] = [];
    const refused = await client({ send: async (request) => (sent.push(request), createNodeTransport({ env: {} }).send(request)) }).licenses({ 'page]&x': '1' }, { number: 1, size: 1 }, admin);
    expect(refused.ok ? 'ok' : refused.code).toBe('REQUEST_REFUSED');
    expect(sent).toEqual([]);
  });

  it('a license by key or id; an unknown one is RESOURCE_NOT_FOUND', async () => {
    const license = t.issuer.licenses[0] as { id: string; key: string };
    expect(value(await client().license(license.id, admin)).id).toBe(license.id);
    expect(value(await client().license(license.key, admin)).id).toBe(license.id);
    const unknown = await client().license('7d0c0f4e-0000-4000-8000-000000000000', admin);
    expect(unknown.ok ? 'ok' : unknown.code).toBe('RESOURCE_NOT_FOUND');
  });

  it('a license\'s machines with their count', async () => {
    const floating = t.issuer.licenses.find((license) => license.policy.startsWith('Floating')) as { id: string };
    await machine(floating.id, 'admin-client-a');
    await machine(floating.id, 'admin-client-b');
    const page = value(await client().licenseMachines(floating.id, { number: 1, size: 1 }, admin));
    expect(page.total).toBe(2);
    expect(page.next).toBe(2);
  });
});

describe('paced deactivation', () => {
  it('deactivates, then answers a second time "gone" from the signed 404', async () => {
    const floating = t.issuer.licenses.find((license) => license.policy.startsWith('Heartbeat')) as { id: string };
    const id = await machine(floating.id, 'paced-a');
    expect((await client().deactivatePaced(id, admin)).outcome).toEqual({ kind: 'deactivated' });
    expect((await client().deactivatePaced(id, admin)).outcome).toEqual({ kind: 'gone' });
  });

  it('an unsigned 404 is not taken for "gone": something other than the licensing server answered', async () => {
    const forged: Transport = { send: async () => ({ ok: true, response: { status: 404, headers: { 'content-type': 'application/vnd.api+json' }, body: Buffer.from('{"errors":[{"title":"Not found"}]}') } }) };
    const answer = await client(forged).deactivatePaced('3f1c0f4e-0000-4000-8000-000000000000', admin);
    expect(answer.outcome).toMatchObject({ kind: 'failed', failure: { code: 'ISSUER_ANSWER_UNVERIFIABLE' } });
  });
});

describe('paced deactivation under a rate limit', () => {
  let limited: TestIssuer;
  beforeAll(async () => {
    limited = await startTestIssuer({ seed: 'demo', rateLimit: '3/60s' });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('reads X-RateLimit-* from signed answers, and reports a 429 at once with its Retry-After, never retrying it', async () => {
    // The issuer's windows are aligned to the clock's minutes: keep all four requests in one.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 3_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
    const sent: string[] = [];
    const transport: Transport = { send: (request) => (sent.push(request.method), createNodeTransport({ env: {} }).send(request)) };
    const paced = createKeygenClient({ config: limited.issuer.config, env: {}, transport, sleep: async () => expect.fail('a 429 must not be waited out here') });
    const credentials: Credentials = { kind: 'token', token: limited.issuer.adminToken };
    const first = await paced.deactivatePaced('no-such-machine', credentials);
    expect(first.outcome).toEqual({ kind: 'gone' });
    expect(first.hint).toMatchObject({ limit: 3, remaining: 2, retryAfterMs: null });
    expect(first.hint.resetAtMs).toBeGreaterThan(Date.now() - 1000);
    expect(first.hint.resetAtMs).toBeLessThanOrEqual(Date.now() + 61_000);
    await paced.deactivatePaced('no-such-machine', credentials);
    await paced.deactivatePaced('no-such-machine', credentials);
    const limitedAnswer = await paced.deactivatePaced('no-such-machine', credentials);
    expect(limitedAnswer.outcome).toEqual({ kind: 'rate-limited' });
    expect(limitedAnswer.hint.remaining).toBe(0);
    expect(limitedAnswer.hint.retryAfterMs).toBeGreaterThan(0);
    expect(limitedAnswer.hint.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(sent).toHaveLength(4);
  });
});
