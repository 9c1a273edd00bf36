/** Users (license owners and licensees) and the account's admins (role `admin`). */
import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import type { Metadata, User } from '../domain/types.js';
import type { Db } from './database.js';
import { selectSlice, type Slice, type Window } from './paging.js';
import { toMetadata, toNullableNumber, toNullableString, type Row } from './rows.js';
import { prepared } from './statements.js';

function toUser(row: Row): User {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    groupId: toNullableString(row.group_id),
    email: String(row.email),
    firstName: toNullableString(row.first_name),
    lastName: toNullableString(row.last_name),
    role: String(row.role),
    bannedAt: toNullableNumber(row.banned_at),
    metadata: toMetadata(row.metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** SQL for "users of a license": its owner plus its attached users. */
const OF_LICENSE = `(t.id = (SELECT owner_id FROM licenses WHERE id = @license)
                    OR t.id IN (SELECT user_id FROM license_users WHERE license_id = @license))`;

/** What a new user is made of. */
export interface NewUser {
  readonly email: string;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly role?: 'admin' | 'user';
  readonly password?: string | null;
  readonly metadata?: Metadata;
}

/** scrypt (RFC 7914) with a random salt; the issuer never needs to read a password back. */
function digestPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

/** Repository of users. */
export class UsersRepo {
  private readonly byId;
  private readonly byEmail;
  private readonly insert;
  private readonly attachedTo;

  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM users WHERE account_id = ? AND id = ?');
    this.byEmail = db.prepare('SELECT * FROM users WHERE account_id = ? AND email = ?');
    this.attachedTo = db.prepare(
      'SELECT u.* FROM license_users lu JOIN users u ON u.id = lu.user_id WHERE u.account_id = ? AND lu.license_id = ? ORDER BY lu.created_at, lu.rowid',
    );
    this.insert = db.prepare(
      `INSERT INTO users (id, account_id, email, first_name, last_name, role, password_digest, metadata, created_at, updated_at)
       VALUES (@id, @account_id, @email, @first_name, @last_name, @role, @password_digest, @metadata, @now, @now)`,
    );
  }

  create(accountId: string, input: NewUser, now: number): User {
    const id = randomUUID();
    this.insert.run({
      id,
      account_id: accountId,
      email: input.email.toLowerCase(),
      first_name: input.firstName ?? null,
      last_name: input.lastName ?? null,
      role: input.role ?? 'user',
      password_digest: input.password ? digestPassword(input.password) : null,
      metadata: JSON.stringify(input.metadata ?? {}),
      now,
    });
    return this.findById(accountId, id) as User;
  }

  findById(accountId: string, id: string): User | null {
    const row = this.byId.get(accountId, id) as Row | undefined;
    return row ? toUser(row) : null;
  }

  /** Emails are stored lower-cased, as Keygen does. */
  findByEmail(accountId: string, email: string): User | null {
    const row = this.byEmail.get(accountId, email.toLowerCase()) as Row | undefined;
    return row ? toUser(row) : null;
  }

  /**
   * Newest first. `productId` keeps users who own or are attached to a license of that
   * product (what a product bearer may see); `groupId` keeps the members of a group.
   */
  list(accountId: string, window: Window, filter: { productId?: string | undefined; groupId?: string | undefined } = {}): Slice<User> {
    let where =
      filter.productId === undefined
        ? ''
        : ` AND t.id IN (SELECT owner_id FROM licenses WHERE product_id = @product AND owner_id IS NOT NULL
                         UNION SELECT lu.user_id FROM license_users lu JOIN licenses l ON l.id = lu.license_id WHERE l.product_id = @product)`;
    if (filter.groupId !== undefined) where += ' AND t.group_id = @group';
    return selectSlice(
      this.db,
      { from: `FROM users t WHERE t.account_id = @account${where}`, params: { account: accountId, product: filter.productId, group: filter.groupId } },
      window,
      toUser,
    );
  }

  /** Newest first: a license's users, i.e. its owner plus the users attached to it (Keygen's `License#users`). */
  listForLicense(accountId: string, licenseId: string, window: Window): Slice<User> {
    return selectSlice(
      this.db,
      { from: `FROM users t WHERE t.account_id = @account AND ${OF_LICENSE}`, params: { account: accountId, license: licenseId } },
      window,
      toUser,
    );
  }

  /** One of a license's users (owner or attached), by id or email; null otherwise. */
  findForLicense(accountId: string, licenseId: string, idOrEmail: string): User | null {
    const row = prepared(
      this.db,
      `SELECT t.* FROM users t WHERE t.account_id = @account AND (t.id = @id OR t.email = @email) AND ${OF_LICENSE} LIMIT 1`,
    ).get({ account: accountId, license: licenseId, id: idOrEmail.toLowerCase(), email: idOrEmail.toLowerCase() }) as Row | undefined;
    return row ? toUser(row) : null;
  }

  /** The users attached to a license besides its owner (Keygen's licensees), oldest first. */
  licensees(accountId: string, licenseId: string): User[] {
    return (this.attachedTo.all(accountId, licenseId) as Row[]).map(toUser);
  }

  /** Whether the user owns or is attached to any license of the product. */
  belongsToProduct(userId: string, productId: string): boolean {
    const row = prepared(
      this.db,
      `SELECT 1 FROM licenses WHERE product_id = ? AND owner_id = ?
       UNION SELECT 1 FROM license_users lu JOIN licenses l ON l.id = lu.license_id WHERE l.product_id = ? AND lu.user_id = ? LIMIT 1`,
    ).get(productId, userId, productId, userId);
    return row !== undefined;
  }
}
