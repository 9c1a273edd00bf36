/** Groups: licenses and users can belong to one; the API reads them (`/groups`), it does not write them yet. */
import { randomUUID } from 'node:crypto';
import type { Group, Metadata } from '../domain/types.js';
import type { Db } from './database.js';
import { selectSlice, type Slice, type Window } from './paging.js';
import { toMetadata, toNullableNumber, type Row } from './rows.js';

/** Which groups a list keeps: those holding a license of `productId`, the group of `licenseId`, the one `groupId`. */
export interface GroupScope {
  readonly productId?: string | undefined;
  readonly licenseId?: string | undefined;
  readonly groupId?: string | undefined;
}

function toGroup(row: Row): Group {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    name: String(row.name),
    maxLicenses: toNullableNumber(row.max_licenses),
    maxMachines: toNullableNumber(row.max_machines),
    maxUsers: toNullableNumber(row.max_users),
    metadata: toMetadata(row.metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Repository of groups. */
export class GroupsRepo {
  private readonly byId;
  private readonly insert;

  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM groups WHERE account_id = ? AND id = ?');
    this.insert = db.prepare(
      `INSERT INTO groups (id, account_id, name, max_licenses, max_machines, max_users, metadata, created_at, updated_at)
       VALUES (@id, @account_id, @name, @max_licenses, @max_machines, @max_users, @metadata, @now, @now)`,
    );
  }

  create(accountId: string, input: { name: string; maxLicenses?: number | null; metadata?: Metadata }, now: number): Group {
    const id = randomUUID();
    this.insert.run({
      id,
      account_id: accountId,
      name: input.name,
      max_licenses: input.maxLicenses ?? null,
      max_machines: null,
      max_users: null,
      metadata: JSON.stringify(input.metadata ?? {}),
      now,
    });
    return this.findById(accountId, id) as Group;
  }

  findById(accountId: string, id: string): Group | null {
    const row = this.byId.get(accountId, id) as Row | undefined;
    return row ? toGroup(row) : null;
  }

  /** Newest first, within `scope` (what a product or license bearer may see). */
  list(accountId: string, window: Window, scope: GroupScope = {}): Slice<Group> {
    const where: string[] = [];
    if (scope.productId !== undefined) where.push('t.id IN (SELECT group_id FROM licenses WHERE product_id = @product AND group_id IS NOT NULL)');
    if (scope.licenseId !== undefined) where.push('t.id = (SELECT group_id FROM licenses WHERE id = @license)');
    if (scope.groupId !== undefined) where.push('t.id = @group');
    const filter = where.map((condition) => ` AND ${condition}`).join('');
    return selectSlice(
      this.db,
      { from: `FROM groups t WHERE t.account_id = @account${filter}`, params: { account: accountId, product: scope.productId, license: scope.licenseId, group: scope.groupId } },
      window,
      toGroup,
    );
  }
}
