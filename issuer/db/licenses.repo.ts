/** Licenses, their attached users, and the list query. */
import { randomUUID } from 'node:crypto';
import type { License, LicenseOverrides, Metadata } from '../domain/types.js';
import type { Db } from './database.js';
import { licenseQuery, type LicenseFilter } from './license-filters.js';
import { selectSlice, type Slice, type Window } from './paging.js';
import { assignments, fromBool, toBool, toMetadata, toNullableBool, toNullableNumber, toNullableString, type Row } from './rows.js';
import { prepared } from './statements.js';

/** Override attribute → column. */
const OVERRIDE_COLUMNS: Readonly<Record<keyof LicenseOverrides, string>> = {
  maxMachines: 'max_machines_override',
  maxProcesses: 'max_processes_override',
  maxUsers: 'max_users_override',
  maxCores: 'max_cores_override',
  maxMemory: 'max_memory_override',
  maxDisk: 'max_disk_override',
  maxUses: 'max_uses_override',
};

/** Columns a license update may change, by domain field name. */
const UPDATABLE: Readonly<Record<string, string>> = {
  name: 'name',
  expiry: 'expiry',
  uses: 'uses',
  suspended: 'suspended',
  protected: 'protected',
  metadata: 'metadata',
  policyId: 'policy_id',
  productId: 'product_id',
  ownerId: 'owner_id',
  groupId: 'group_id',
  lastValidatedAt: 'last_validated_at',
  lastValidatedVersion: 'last_validated_version',
  lastCheckOutAt: 'last_check_out_at',
  lastCheckInAt: 'last_check_in_at',
  ...OVERRIDE_COLUMNS,
};

function toLicense(row: Row): License {
  const overrides = Object.fromEntries(
    Object.entries(OVERRIDE_COLUMNS).map(([attr, column]) => [attr, toNullableNumber(row[column])]),
  ) as unknown as LicenseOverrides;
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    policyId: String(row.policy_id),
    productId: String(row.product_id),
    ownerId: toNullableString(row.owner_id),
    groupId: toNullableString(row.group_id),
    name: toNullableString(row.name),
    key: String(row.key),
    expiry: toNullableNumber(row.expiry),
    uses: Number(row.uses),
    suspended: toBool(row.suspended),
    protected: toNullableBool(row.protected),
    overrides,
    lastValidatedAt: toNullableNumber(row.last_validated_at),
    lastValidatedVersion: toNullableString(row.last_validated_version),
    lastCheckOutAt: toNullableNumber(row.last_check_out_at),
    lastCheckInAt: toNullableNumber(row.last_check_in_at),
    metadata: toMetadata(row.metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Everything a new license row needs; the route resolves defaults (key, expiry, protected). */
export interface NewLicense {
  readonly policyId: string;
  readonly productId: string;
  readonly key: string;
  readonly ownerId?: string | null;
  readonly groupId?: string | null;
  readonly name?: string | null;
  readonly expiry?: number | null;
  readonly suspended?: boolean;
  readonly protected?: boolean | null;
  readonly overrides?: Partial<LicenseOverrides>;
  readonly lastCheckInAt?: number | null;
  readonly metadata?: Metadata;
  readonly id?: string;
}

/** A partial update, by domain field name. */
export type LicenseChanges = Partial<Omit<License, 'id' | 'accountId' | 'key' | 'createdAt' | 'updatedAt' | 'overrides'> & LicenseOverrides>;

function toColumnValue(field: string, value: unknown): unknown {
  if (field === 'metadata') return JSON.stringify(value ?? {});
  if (typeof value === 'boolean') return fromBool(value);
  return value ?? null;
}

/** Repository of licenses. */
export class LicensesRepo {
  private readonly byId;
  private readonly byKey;
  private readonly insert;
  private readonly remove;
  private readonly userCount;
  private readonly attach;

  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM licenses WHERE account_id = ? AND id = ?');
    this.byKey = db.prepare('SELECT * FROM licenses WHERE account_id = ? AND key = ?');
    this.remove = db.prepare('DELETE FROM licenses WHERE id = ?');
    this.userCount = db.prepare('SELECT COUNT(*) AS n FROM license_users WHERE license_id = ?');
    this.attach = db.prepare('INSERT OR IGNORE INTO license_users (license_id, user_id, account_id, created_at) VALUES (?, ?, ?, ?)');
    const overrides = Object.values(OVERRIDE_COLUMNS);
    this.insert = db.prepare(
      `INSERT INTO licenses (id, account_id, policy_id, product_id, owner_id, group_id, name, key, expiry, suspended, protected,
                             ${overrides.join(', ')}, last_check_in_at, metadata, created_at, updated_at)
       VALUES (@id, @account_id, @policy_id, @product_id, @owner_id, @group_id, @name, @key, @expiry, @suspended, @protected,
               ${overrides.map((c) => `@${c}`).join(', ')}, @last_check_in_at, @metadata, @now, @now)`,
    );
  }

  /** Inserts a license. Throws on a duplicate key (UNIQUE per account); callers check first. */
  create(accountId: string, input: NewLicense, now: number): License {
    const id = input.id ?? randomUUID();
    const row: Record<string, unknown> = {
      id,
      account_id: accountId,
      policy_id: input.policyId,
      product_id: input.productId,
      owner_id: input.ownerId ?? null,
      group_id: input.groupId ?? null,
      name: input.name ?? null,
      key: input.key,
      expiry: input.expiry ?? null,
      suspended: fromBool(input.suspended ?? false),
      protected: input.protected === undefined || input.protected === null ? null : fromBool(input.protected),
      last_check_in_at: input.lastCheckInAt ?? null,
      metadata: JSON.stringify(input.metadata ?? {}),
      now,
    };
    for (const [attr, column] of Object.entries(OVERRIDE_COLUMNS)) row[column] = input.overrides?.[attr as keyof LicenseOverrides] ?? null;
    this.insert.run(row);
    return this.findById(accountId, id) as License;
  }

  findById(accountId: string, id: string): License | null {
    const row = this.byId.get(accountId, id) as Row | undefined;
    return row ? toLicense(row) : null;
  }

  findByKey(accountId: string, key: string): License | null {
    const row = this.byKey.get(accountId, key) as Row | undefined;
    return row ? toLicense(row) : null;
  }

  /** The oldest license of a policy (the seed reuses it). */
  firstForPolicy(accountId: string, policyId: string): License | null {
    const row = prepared(
      this.db,
      'SELECT * FROM licenses WHERE account_id = ? AND policy_id = ? ORDER BY created_at, rowid LIMIT 1',
    ).get(accountId, policyId) as Row | undefined;
    return row ? toLicense(row) : null;
  }

  /** Keygen's `FindByAliasService`: the id when it is one, else the key. */
  findByIdOrKey(accountId: string, identifier: string): License | null {
    return this.findById(accountId, identifier.toLowerCase()) ?? this.findByKey(accountId, identifier);
  }

  /** Applies a partial update and bumps `updated` (pass `touch: false` for bookkeeping writes). */
  update(license: License, changes: LicenseChanges, now: number, options: { touch?: boolean } = {}): License {
    const fields = Object.keys(changes).filter((field) => field in UPDATABLE);
    const row: Record<string, unknown> = { id: license.id };
    const columns: string[] = [];
    for (const field of fields) {
      const column = UPDATABLE[field] as string;
      columns.push(column);
      row[column] = toColumnValue(field, (changes as Record<string, unknown>)[field]);
    }
    if (options.touch !== false) {
      columns.push('updated_at');
      row.updated_at = now;
    }
    if (columns.length > 0) prepared(this.db, `UPDATE licenses SET ${assignments(columns)} WHERE id = @id`).run(row);
    return this.findById(license.accountId, license.id) as License;
  }

  /** Deletes a license; machines, components, processes and attachments cascade. */
  delete(license: License): void {
    this.remove.run(license.id);
  }

  /** Newest first, filtered (see `license-filters.ts`). */
  list(accountId: string, filter: LicenseFilter, window: Window): Slice<License> {
    return selectSlice(this.db, licenseQuery(accountId, filter), window, toLicense);
  }

  /** Number of users attached to the license (not counting its owner), for `relationships.users.meta`. */
  attachedUserCount(licenseId: string): number {
    return Number((this.userCount.get(licenseId) as { n: number }).n);
  }

  /** Attaches a user to a license (idempotent). */
  attachUser(license: License, userId: string, now: number): void {
    this.attach.run(license.id, userId, license.accountId, now);
  }

  /** When `userId` was attached to the license (not as its owner); null when it is not attached. */
  userAttachedAt(licenseId: string, userId: string): number | null {
    const row = prepared(this.db, 'SELECT created_at FROM license_users WHERE license_id = ? AND user_id = ?').get(licenseId, userId) as Row | undefined;
    return row ? Number(row.created_at) : null;
  }

  /**
   * Detaches a user. The machines that user owns under this license keep running but lose
   * their owner, as Keygen's `LicenseUser#nullify_machines_for_user` does.
   */
  detachUser(license: License, userId: string): void {
    prepared(this.db, 'DELETE FROM license_users WHERE license_id = ? AND user_id = ?').run(license.id, userId);
    prepared(this.db, 'UPDATE machines SET owner_id = NULL WHERE license_id = ? AND owner_id = ?').run(license.id, userId);
  }

  /**
   * Moves a license to another policy (and that policy's product). Machines carry denormalized
   * copies of both ids, so they move with it; `expiry` is the one the transfer strategy chose.
   */
  transferPolicy(license: License, target: { policyId: string; productId: string; expiry: number | null }, now: number): License {
    prepared(
      this.db,
      'UPDATE machines SET policy_id = @policy, product_id = @product WHERE license_id = @license',
    ).run({ policy: target.policyId, product: target.productId, license: license.id });
    return this.update(license, { policyId: target.policyId, productId: target.productId, expiry: target.expiry }, now);
  }

  /** Number of licenses in a group (for the group's `maxLicenses`). */
  countInGroup(groupId: string): number {
    return Number((prepared(this.db, 'SELECT COUNT(*) AS n FROM licenses WHERE group_id = ?').get(groupId) as { n: number }).n);
  }
}
