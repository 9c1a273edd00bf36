/** Storage: migrations, pragmas, upgrades in place, and durability across issuer restarts. */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../issuer/db/database.js';
import { MIGRATIONS } from '../../issuer/db/migrations.js';
import { createStore } from '../../issuer/db/store.js';
import { startIssuer } from '../../issuer/start.js';
import { startTestIssuer, type TestIssuer } from './support.js';

const dirs: string[] = [];
function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-issuer-'));
  dirs.push(dir);
  return join(dir, name);
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('database', () => {
  it('creates the schema by numbered migrations, with foreign keys on', () => {
    const db = openDatabase(':memory:');
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)?.version);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    expect(tables).toEqual(
      expect.arrayContaining(['accounts', 'products', 'policies', 'licenses', 'machines', 'components', 'processes', 'users', 'groups', 'entitlements', 'policy_entitlements', 'license_entitlements', 'license_users', 'tokens']),
    );
    db.close();
  });

  it('uses WAL for files and upgrades an older schema in place, keeping its rows', () => {
    const file = tempFile('issuer.db');
    const old = openDatabase(file, MIGRATIONS.slice(0, 1));
    expect(old.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(old)).toBe(1);
    old.prepare("INSERT INTO accounts VALUES ('0b4b1a9a-e25a-4f14-a95e-d9dd378d6065', 'kept', 'Kept', 'aa', 'pem', 1, 1)").run();
    old.close();
    const upgraded = openDatabase(file);
    expect(schemaVersion(upgraded)).toBe(MIGRATIONS.at(-1)?.version);
    const kept = createStore(upgraded).accounts.findByIdOrSlug('kept');
    expect(kept?.name).toBe('Kept');
    expect(kept?.ecdsaPrivateKeyPem).toBeNull();
    upgraded.close();
  });

  it('gives an account from before certificate keys its ECDSA and RSA keys once, then keeps them', () => {
    const store = createStore(openDatabase(':memory:', MIGRATIONS));
    const account = store.accounts.create({ slug: 'keys', name: 'Keys', now: 1 });
    expect(account.ecdsaPrivateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(account.rsaPrivateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(store.accounts.withCertificateKeys(account)).toEqual(account);

    store.db.prepare('UPDATE accounts SET ecdsa_private_key_pem = NULL WHERE id = ?').run(account.id);
    const stripped = store.accounts.findById(account.id);
    if (stripped === null) throw new Error('account vanished');
    const filled = store.accounts.withCertificateKeys(stripped);
    expect(filled.ecdsaPrivateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(filled.ecdsaPrivateKeyPem).not.toBe(account.ecdsaPrivateKeyPem);
    expect(filled.rsaPrivateKeyPem).toBe(account.rsaPrivateKeyPem);
    expect(store.accounts.findById(account.id)).toEqual(filled);
  });

  it('creates a new database file, and its WAL, readable by the owner only', () => {
    const file = tempFile('private.db');
    const db = openDatabase(file);
    createStore(db).accounts.create({ slug: 'private', name: 'Private', now: 1 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    db.close();
  });

  it('refuses a database from a newer issuer, and a file that is not a database', () => {
    const file = tempFile('newer.db');
    const db = openDatabase(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer than this issuer/);
    const junk = tempFile('junk.db');
    writeFileSync(junk, 'not sqlite at all, not even close'.repeat(100));
    expect(() => openDatabase(junk)).toThrow();
  });

  it('enforces foreign keys: deleting a policy removes its licenses and their machines', () => {
    const store = createStore(openDatabase(':memory:'));
    const account = store.accounts.create({ slug: 'fk', name: 'FK', now: 1 });
    const product = store.products.create(account.id, { name: 'P' }, 1);
    const policy = store.policies.create(account.id, product.id, { name: 'Pol' }, 1);
    const license = store.licenses.create(account.id, { policyId: policy.id, productId: product.id, key: 'FK-LICENSE-1' }, 1);
    store.machines.create(license.id, { fingerprint: 'x' }, 1);
    expect(() => store.machines.create(license.id, { fingerprint: 'x' }, 1)).toThrow(/UNIQUE/);
    store.db.prepare('DELETE FROM policies WHERE id = ?').run(policy.id);
    expect(store.licenses.findById(account.id, license.id)).toBeNull();
    expect(store.machines.countForLicense(license.id).count).toBe(0);
    store.db.close();
  });
});

describe('restarts', () => {
  let running: TestIssuer | null = null;
  afterEach(async () => {
    await running?.close();
    running = null;
  });

  it('keeps the account, its key, the seeded licenses, created data and old tokens', async () => {
    const db = tempFile('issuer.db');
    const first = await startIssuer({ db, seed: 'demo' });
    const response = await fetch(`${first.url}/v1/accounts/${first.account}/products`, { headers: { Authorization: `Bearer ${first.adminToken}` } });
    expect(response.status).toBe(200);
    const license = first.licenses[0];
    await first.close();

    running = await startTestIssuer({ db, seed: 'demo' });
    const second = running.issuer;
    expect(second.account).toBe(first.account);
    expect(second.publicKey).toBe(first.publicKey);
    expect(second.certificateKeys).toEqual(first.certificateKeys);
    expect(second.licenses).toEqual(first.licenses);
    expect(second.config).toEqual({ ...first.config, apiUrl: second.url });
    expect(second.adminToken).not.toBe(first.adminToken);
    expect((await running.request('GET', '/me', { token: first.adminToken })).status).toBe(200);
    const read = await running.admin('GET', `/licenses/${license?.id}`);
    expect(read.json.data.attributes.key).toBe(license?.key);
  });
});
