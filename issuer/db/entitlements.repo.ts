/** Entitlements and their attachment to policies and licenses. */
import { randomUUID } from 'node:crypto';
import type { Entitlement, Metadata } from '../domain/types.js';
import type { Db } from './database.js';
import { selectSlice, type Slice, type Window } from './paging.js';
import { toMetadata, type Row } from './rows.js';
import { prepared } from './statements.js';

function toEntitlement(row: Row): Entitlement {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    name: String(row.name),
    code: String(row.code),
    metadata: toMetadata(row.metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** SQL for "entitlements a license has": its policy's plus its own (Keygen's License#entitlements). */
const OF_LICENSE = `t.id IN (SELECT entitlement_id FROM policy_entitlements WHERE policy_id = (SELECT policy_id FROM licenses WHERE id = @license)
                    UNION SELECT entitlement_id FROM license_entitlements WHERE license_id = @license)`;

/** Repository of entitlements. */
export class EntitlementsRepo {
  private readonly byId;
  private readonly byCode;
  private readonly insert;
  private readonly attachPolicy;
  private readonly attachLicense;
  private readonly ofLicense;

  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM entitlements WHERE account_id = ? AND id = ?');
    this.byCode = db.prepare('SELECT * FROM entitlements WHERE account_id = ? AND code = ?');
    this.insert = db.prepare(
      `INSERT INTO entitlements (id, account_id, name, code, metadata, created_at, updated_at)
       VALUES (@id, @account_id, @name, @code, @metadata, @now, @now)`,
    );
    this.attachPolicy = db.prepare(
      'INSERT OR IGNORE INTO policy_entitlements (policy_id, entitlement_id, account_id, created_at) VALUES (?, ?, ?, ?)',
    );
    this.attachLicense = db.prepare(
      'INSERT OR IGNORE INTO license_entitlements (license_id, entitlement_id, account_id, created_at) VALUES (?, ?, ?, ?)',
    );
    this.ofLicense = db.prepare(`SELECT t.* FROM entitlements t WHERE t.account_id = @account AND ${OF_LICENSE} ORDER BY t.created_at, t.rowid`);
  }

  create(accountId: string, input: { name: string; code: string; metadata?: Metadata }, now: number): Entitlement {
    const id = randomUUID();
    this.insert.run({ id, account_id: accountId, name: input.name, code: input.code, metadata: JSON.stringify(input.metadata ?? {}), now });
    return this.findById(accountId, id) as Entitlement;
  }

  findById(accountId: string, id: string): Entitlement | null {
    const row = this.byId.get(accountId, id) as Row | undefined;
    return row ? toEntitlement(row) : null;
  }

  findByCode(accountId: string, code: string): Entitlement | null {
    const row = this.byCode.get(accountId, code) as Row | undefined;
    return row ? toEntitlement(row) : null;
  }

  /**
   * Newest first; `licenseId` keeps the entitlements that license has (policy's and its own),
   * `policyId` those attached to the policy.
   */
  list(accountId: string, window: Window, filter: { licenseId?: string | undefined; policyId?: string | undefined } = {}): Slice<Entitlement> {
    let where = filter.licenseId === undefined ? '' : ` AND ${OF_LICENSE}`;
    if (filter.policyId !== undefined) where += ' AND t.id IN (SELECT entitlement_id FROM policy_entitlements WHERE policy_id = @policy)';
    return selectSlice(
      this.db,
      { from: `FROM entitlements t WHERE t.account_id = @account${where}`, params: { account: accountId, license: filter.licenseId, policy: filter.policyId } },
      window,
      toEntitlement,
    );
  }

  /** Every entitlement the license has (its policy's and its own), oldest first, without paging or a count (what a certificate includes). */
  allForLicense(accountId: string, licenseId: string): Entitlement[] {
    return (this.ofLicense.all({ account: accountId, license: licenseId }) as Row[]).map(toEntitlement);
  }

  /** The codes a license is entitled to, sorted (for validation scopes and license files). */
  codesForLicense(licenseId: string): string[] {
    const rows = prepared(this.db, `SELECT t.code FROM entitlements t WHERE ${OF_LICENSE} ORDER BY t.code`).all({ license: licenseId }) as Row[];
    return rows.map((row) => String(row.code));
  }

  /** Attaches to a policy (idempotent). */
  attachToPolicy(accountId: string, policyId: string, entitlementId: string, now: number): void {
    this.attachPolicy.run(policyId, entitlementId, accountId, now);
  }

  /** Attaches to a single license (idempotent). */
  attachToLicense(accountId: string, licenseId: string, entitlementId: string, now: number): void {
    this.attachLicense.run(licenseId, entitlementId, accountId, now);
  }

  /** Whether the policy grants the entitlement (so every license of the policy has it). */
  grantedByPolicy(policyId: string, entitlementId: string): boolean {
    return prepared(this.db, 'SELECT 1 FROM policy_entitlements WHERE policy_id = ? AND entitlement_id = ?').get(policyId, entitlementId) !== undefined;
  }

  /** When the entitlement was attached to the license itself; null when it is not (policy grants do not count). */
  licenseAttachedAt(licenseId: string, entitlementId: string): number | null {
    const row = prepared(this.db, 'SELECT created_at FROM license_entitlements WHERE license_id = ? AND entitlement_id = ?').get(licenseId, entitlementId) as Row | undefined;
    return row ? Number(row.created_at) : null;
  }

  /** Removes the license's own attachment (policy grants are untouched). */
  detachFromLicense(licenseId: string, entitlementId: string): void {
    prepared(this.db, 'DELETE FROM license_entitlements WHERE license_id = ? AND entitlement_id = ?').run(licenseId, entitlementId);
  }

  /** One entitlement the license has (its policy's or its own); null otherwise. */
  findForLicense(accountId: string, licenseId: string, id: string): Entitlement | null {
    const row = prepared(
      this.db,
      `SELECT t.* FROM entitlements t WHERE t.account_id = @account AND t.id = @id AND ${OF_LICENSE}`,
    ).get({ account: accountId, id, license: licenseId }) as Row | undefined;
    return row ? toEntitlement(row) : null;
  }
}
