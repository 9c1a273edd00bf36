/** Policies: every column mapped through `POLICY_FIELDS`. */
import { randomUUID } from 'node:crypto';
import type { Policy, PolicyAttributes } from '../domain/types.js';
import type { Db } from './database.js';
import { selectSlice, type Slice, type Window } from './paging.js';
import { POLICY_FIELDS, type PolicyField } from '../domain/policy-fields.js';
import { assignments, fromBool, toBool, toMetadata, type Row } from './rows.js';
import { prepared } from './statements.js';

function readField(field: PolicyField, value: unknown): PolicyAttributes[string] {
  switch (field.kind) {
    case 'bool':
      return toBool(value);
    case 'int':
      return value === null || value === undefined ? null : Number(value);
    case 'json':
      return toMetadata(value);
    case 'text':
      return value === null || value === undefined ? null : String(value);
  }
}

function writeField(field: PolicyField, value: unknown): unknown {
  switch (field.kind) {
    case 'bool':
      return fromBool(value === true);
    case 'json':
      return JSON.stringify(value ?? {});
    default:
      return value ?? null;
  }
}

function toPolicy(row: Row): Policy {
  const attributes: Record<string, PolicyAttributes[string]> = {};
  for (const field of POLICY_FIELDS) attributes[field.attr] = readField(field, row[field.column]);
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    productId: String(row.product_id),
    attributes,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Repository of policies. */
export class PoliciesRepo {
  private readonly byId;
  private readonly byName;
  private readonly insert;

  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM policies WHERE account_id = ? AND id = ?');
    this.byName = db.prepare('SELECT * FROM policies WHERE account_id = ? AND product_id = ? AND name = ? ORDER BY created_at LIMIT 1');
    const columns = POLICY_FIELDS.map((field) => field.column);
    this.insert = db.prepare(
      `INSERT INTO policies (id, account_id, product_id, ${columns.join(', ')}, created_at, updated_at)
       VALUES (@id, @account_id, @product_id, ${columns.map((c) => `@${c}`).join(', ')}, @now, @now)`,
    );
  }

  /** Inserts a policy whose attributes are already complete (defaults applied, validated). */
  create(accountId: string, productId: string, attributes: Readonly<Record<string, unknown>>, now: number): Policy {
    const id = randomUUID();
    const row: Record<string, unknown> = { id, account_id: accountId, product_id: productId, now };
    for (const field of POLICY_FIELDS) row[field.column] = writeField(field, attributes[field.attr] ?? field.default);
    this.insert.run(row);
    return this.findById(accountId, id) as Policy;
  }

  /** Sets the given attributes (wire names) and bumps `updated`. */
  update(policy: Policy, changes: Readonly<Record<string, unknown>>, now: number): Policy {
    const fields = POLICY_FIELDS.filter((field) => field.attr in changes);
    const row: Record<string, unknown> = { id: policy.id, updated_at: now };
    for (const field of fields) row[field.column] = writeField(field, changes[field.attr]);
    const columns = [...fields.map((field) => field.column), 'updated_at'];
    prepared(this.db, `UPDATE policies SET ${assignments(columns)} WHERE id = @id`).run(row);
    return this.findById(policy.accountId, policy.id) as Policy;
  }

  findById(accountId: string, id: string): Policy | null {
    const row = this.byId.get(accountId, id) as Row | undefined;
    return row ? toPolicy(row) : null;
  }

  findByName(accountId: string, productId: string, name: string): Policy | null {
    const row = this.byName.get(accountId, productId, name) as Row | undefined;
    return row ? toPolicy(row) : null;
  }

  /** Newest first, optionally for one product (`?product=`, or a product bearer's own). */
  list(accountId: string, window: Window, filter: { productId?: string | undefined } = {}): Slice<Policy> {
    const where = filter.productId === undefined ? '' : ' AND t.product_id = @product';
    return selectSlice(
      this.db,
      { from: `FROM policies t WHERE t.account_id = @account${where}`, params: { account: accountId, product: filter.productId } },
      window,
      toPolicy,
    );
  }
}
