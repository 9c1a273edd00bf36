/**
 * Administrator sign-in against the local issuer over real sockets: an admin token and a
 * product token are accepted (the token kept in the secret store only, its id shown); a revoked,
 * expired, mistyped or other account's token, a license's token and another product's token are
 * refused with their codes; signing out forgets the token.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_ACCOUNT, createAdminSessions, tokenLabel } from '../../src/admin/admin-session.js';
import { createKeygenClient } from '../../src/keygen/client.js';
import { createMemoryStore } from '../../src/vault/memory.store.js';
import { createProduct, doc, startTestIssuer, type TestIssuer } from '../issuer/support.js';

let t: TestIssuer;
let other: TestIssuer;
const folders: string[] = [];

beforeAll(async () => {
  [t, other] = await Promise.all([startTestIssuer({ seed: 'demo' }), startTestIssuer({ seed: 'demo' })]);
});
afterAll(async () => {
  await Promise.all([t.close(), other.close()]);
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function sessions(product: string | null = t.issuer.config.product) {
  const dataFolder = mkdtempSync(join(tmpdir(), 'tessera-session-'));
  folders.push(dataFolder);
  const secrets = createMemoryStore();
  const client = createKeygenClient({ config: t.issuer.config, env: {} });
  return { dataFolder, secrets, sessions: createAdminSessions({ client, secrets, dataFolder, product, now: Date.now }) };
}

/** A token the admin creates for a bearer (`/products/:id/tokens`, `/licenses/:id/tokens`), with optional attributes. */
async function tokenFor(path: string, attributes: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const created = await t.admin('POST', `${path}/tokens`, doc('tokens', attributes));
  // Keygen answers 201 for a product's new token and 200 for a license's.
  expect([200, 201], created.text).toContain(created.status);
  return { id: created.json.data.id as string, token: created.json.data.attributes.token as string };
}

describe('signing in', () => {
  it('an admin token: checked, kept in the secret store only, shown by its id', async () => {
    const { sessions: admin, secrets, dataFolder } = sessions();
    const signed = await admin.signIn(t.issuer.adminToken);
    if (!signed.ok) throw new Error(signed.code);
    expect(signed.value.bearer.kind).toBe('admin');
    expect(signed.value.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await secrets.get(ADMIN_TOKEN_ACCOUNT)).toEqual({ ok: true, value: t.issuer.adminToken });
    expect(await admin.current()).toEqual(signed);
    const session = join(dataFolder, 'admin', 'session.json');
    expect(statSync(session).mode & 0o777).toBe(0o600);
    expect(readFileSync(session, 'utf8')).not.toContain(t.issuer.adminToken);
    expect(await admin.credentials()).toMatchObject({ ok: true, value: { credentials: { kind: 'token', token: t.issuer.adminToken } } });
    expect(await admin.signOut()).toEqual({ ok: true, value: true });
    expect(await admin.current()).toEqual({ ok: true, value: null });
    expect(await admin.credentials()).toMatchObject({ ok: false, code: 'ADMIN_SIGN_IN_REQUIRED' });
    expect(readdirSync(join(dataFolder, 'admin'))).toEqual([]);
  });

  it('a token of this product is accepted; of another product, refused (ADMIN_TOKEN_OTHER_PRODUCT)', async () => {
    const mine = await tokenFor(`/products/${t.issuer.config.product}`);
    expect(await sessions().sessions.verify(mine.token)).toMatchObject({ ok: true, value: { bearer: { kind: 'product', id: t.issuer.config.product }, tokenId: mine.id } });
    const otherProduct = await createProduct(t, 'Other');
    const theirs = await tokenFor(`/products/${otherProduct}`);
    expect(await sessions().sessions.verify(theirs.token)).toMatchObject({ ok: false, code: 'ADMIN_TOKEN_OTHER_PRODUCT' });
  });

  it('a license\'s token is not an administrator\'s (ADMIN_TOKEN_NOT_ADMIN)', async () => {
    const license = t.issuer.licenses.find((entry) => entry.policy.startsWith('Floating')) as { id: string };
    const licenseToken = await tokenFor(`/licenses/${license.id}`);
    expect(await sessions().sessions.signIn(licenseToken.token)).toMatchObject({ ok: false, code: 'ADMIN_TOKEN_NOT_ADMIN' });
  });

  it('revoked, mistyped and other accounts\' tokens are refused (ADMIN_TOKEN_REFUSED); an expired one, ADMIN_TOKEN_EXPIRED; none is kept', async () => {
    const revoked = await tokenFor(`/products/${t.issuer.config.product}`);
    expect((await t.admin('DELETE', `/tokens/${revoked.id}`)).status).toBe(204);
    const expired = await tokenFor(`/products/${t.issuer.config.product}`, { expiry: new Date(Date.now() - 60_000).toISOString() });
    const { sessions: admin, secrets } = sessions();
    expect(await admin.signIn(revoked.token)).toMatchObject({ ok: false, code: 'ADMIN_TOKEN_REFUSED' });
    expect(await admin.signIn('admin-not-a-real-token-0000000000000v3')).toMatchObject({ ok: false, code: 'ADMIN_TOKEN_REFUSED' });
    expect(await admin.signIn(other.issuer.adminToken)).toMatchObject({ ok: false, code: 'ADMIN_TOKEN_REFUSED' });
    expect(await admin.signIn(expired.token)).toMatchObject({ ok: false, code: 'ADMIN_TOKEN_EXPIRED' });
    expect(await secrets.list()).toEqual({ ok: true, value: [] });
  });

  it('a label for logs never gives the token back', () => {
    expect(tokenLabel(t.issuer.adminToken)).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(tokenLabel(t.issuer.adminToken)).not.toContain(t.issuer.adminToken.slice(6, 18));
  });
});
