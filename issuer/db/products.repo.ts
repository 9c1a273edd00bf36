/** Products. */
import { randomUUID } from 'node:crypto';
import type { Metadata, Product } from '../domain/types.js';
import type { Db } from './database.js';
import { selectSlice, type Slice, type Window } from './paging.js';
import { toMetadata, toNullableString, toStringArray, type Row } from './rows.js';

function toProduct(row: Row): Product {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    name: String(row.name),
    code: toNullableString(row.code),
    distributionStrategy: toNullableString(row.distribution_strategy),
    url: toNullableString(row.url),
    platforms: toStringArray(row.platforms),
    metadata: toMetadata(row.metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** What a new product is made of. */
export interface NewProduct {
  readonly name: string;
  readonly code?: string | null;
  readonly distributionStrategy?: string | null;
  readonly url?: string | null;
  readonly platforms?: readonly string[] | null;
  readonly metadata?: Metadata;
}

/** Repository of products. */
export class ProductsRepo {
  private readonly byId;
  private readonly byName;
  private readonly insert;

  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM products WHERE account_id = ? AND id = ?');
    this.byName = db.prepare('SELECT * FROM products WHERE account_id = ? AND name = ? ORDER BY created_at LIMIT 1');
    this.insert = db.prepare(
      `INSERT INTO products (id, account_id, name, code, distribution_strategy, url, platforms, metadata, created_at, updated_at)
       VALUES (@id, @account_id, @name, @code, @distribution_strategy, @url, @platforms, @metadata, @now, @now)`,
    );
  }

  create(accountId: string, input: NewProduct, now: number): Product {
    const id = randomUUID();
    this.insert.run({
      id,
      account_id: accountId,
      name: input.name,
      code: input.code ?? null,
      distribution_strategy: input.distributionStrategy ?? 'LICENSED',
      url: input.url ?? null,
      platforms: input.platforms ? JSON.stringify(input.platforms) : null,
      metadata: JSON.stringify(input.metadata ?? {}),
      now,
    });
    return this.findById(accountId, id) as Product;
  }

  findById(accountId: string, id: string): Product | null {
    const row = this.byId.get(accountId, id) as Row | undefined;
    return row ? toProduct(row) : null;
  }

  /** The oldest product with this exact name (the seed finds its own product this way). */
  findByName(accountId: string, name: string): Product | null {
    const row = this.byName.get(accountId, name) as Row | undefined;
    return row ? toProduct(row) : null;
  }

  /** Newest first; `onlyId` restricts the list to one product (a product bearer sees itself). */
  list(accountId: string, window: Window, onlyId?: string): Slice<Product> {
    const where = onlyId === undefined ? '' : ' AND t.id = @only';
    return selectSlice(this.db, { from: `FROM products t WHERE t.account_id = @account${where}`, params: { account: accountId, only: onlyId } }, window, toProduct);
  }

  /**
   * Newest first: the products of the licenses a user owns or is attached to (Keygen's
   * `User#products`), restricted to `onlyId` when given.
   */
  listForUser(accountId: string, userId: string, window: Window, onlyId?: string): Slice<Product> {
    const only = onlyId === undefined ? '' : ' AND t.id = @only';
    const from = `FROM products t WHERE t.account_id = @account${only}
      AND t.id IN (SELECT product_id FROM licenses WHERE owner_id = @user
                   UNION SELECT l.product_id FROM license_users lu JOIN licenses l ON l.id = lu.license_id WHERE lu.user_id = @user)`;
    return selectSlice(this.db, { from, params: { account: accountId, only: onlyId, user: userId } }, window, toProduct);
  }
}
