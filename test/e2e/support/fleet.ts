/**
 * Fleets of machines for the admin tests: a policy and licenses made through the issuer's API
 * (admin token), and machines added or backdated in the issuer's database file directly — the
 * API can neither backdate a machine nor take thousands of activations quickly. The issuer then
 * serves them as any other (its triggers keep each license's machine count).
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { environment } from './environment.js';
import { admin as issuerAdmin } from './issuer.js';

type Resource = { data?: { id: string; attributes: Record<string, unknown> } };
const admin = (method: string, path: string, body?: unknown) => issuerAdmin<Resource>(method, path, body);

/** A floating policy of the demo product with `maxMachines` (null: no limit); returns its id. */
export async function createPolicy(name: string, maxMachines: number | null): Promise<string> {
  const created = await admin('POST', '/policies', {
    data: { type: 'policies', attributes: { name, floating: true, maxMachines, authenticationStrategy: 'MIXED' }, relationships: { product: { data: { type: 'products', id: environment().issuer.product } } } },
  });
  if (created.status !== 201 || created.json.data === undefined) throw new Error(`policy not created: HTTP ${created.status}`);
  return created.json.data.id;
}

/** A license of `policyId` named `name`; returns its id and key. */
export async function createLicense(policyId: string, name: string): Promise<{ id: string; key: string }> {
  const created = await admin('POST', '/licenses', { data: { type: 'licenses', attributes: { name }, relationships: { policy: { data: { type: 'policies', id: policyId } } } } });
  if (created.status !== 201 || created.json.data === undefined) throw new Error(`license not created: HTTP ${created.status}`);
  return { id: created.json.data.id, key: String(created.json.data.attributes.key) };
}

/** Opens the issuer's database beside the running issuer (WAL: both may write). */
function database(): Database.Database {
  const db = new Database(environment().issuer.database);
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * Adds `count` machines named `<prefix>-00001`… to a license, `ageDays` old (created then, never
 * seen since); returns their ids in order.
 */
export function addMachines(licenseId: string, count: number, prefix: string, ageDays = 0): string[] {
  const db = database();
  try {
    const at = Date.now() - ageDays * 86_400_000;
    const insert = db.prepare(
      `INSERT INTO machines (id, account_id, license_id, policy_id, product_id, owner_id, fingerprint, name, hostname, platform, metadata, created_at, updated_at)
       SELECT @id, account_id, id, policy_id, product_id, owner_id, @fingerprint, @name, @hostname, 'linux', '{}', @at, @at FROM licenses WHERE id = @license`,
    );
    const ids: string[] = [];
    db.transaction(() => {
      for (let index = 1; index <= count; index += 1) {
        const id = randomUUID();
        const name = `${prefix}-${String(index).padStart(5, '0')}`;
        insert.run({ id, fingerprint: `${name}-${randomUUID()}`, name, hostname: `${name}.example.test`, at: at + index, license: licenseId });
        ids.push(id);
      }
    })();
    return ids;
  } finally {
    db.close();
  }
}

/** How many machines the license has on the server. */
export async function machineCount(licenseId: string): Promise<number> {
  const listed = await admin('GET', `/licenses/${licenseId}/machines?page[size]=1&page[number]=1`);
  return Number((listed.json as { links?: { meta?: { count?: number } } }).links?.meta?.count ?? -1);
}
