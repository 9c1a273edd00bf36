/** Accounts: the tenant and its Ed25519 response-signing key. */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Account } from '../domain/types.js';
import type { Db } from './database.js';
import type { Row } from './rows.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it (RFC 8410 §4). */
const ED25519_SPKI_PREFIX_LENGTH = 12;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toAccount(row: Row): Account {
  return {
    id: String(row.id),
    slug: String(row.slug),
    name: String(row.name),
    publicKeyHex: String(row.public_key_hex),
    privateKeyPem: String(row.private_key_pem),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Repository of accounts. */
export class AccountsRepo {
  private readonly byId;
  private readonly bySlug;
  private readonly oldest;
  private readonly insert;

  constructor(db: Db) {
    this.byId = db.prepare('SELECT * FROM accounts WHERE id = ?');
    this.bySlug = db.prepare('SELECT * FROM accounts WHERE slug = ?');
    this.oldest = db.prepare('SELECT * FROM accounts ORDER BY created_at, rowid LIMIT 1');
    this.insert = db.prepare(
      `INSERT INTO accounts (id, slug, name, public_key_hex, private_key_pem, created_at, updated_at)
       VALUES (@id, @slug, @name, @public_key_hex, @private_key_pem, @created_at, @created_at)`,
    );
  }

  /** Creates an account with a fresh Ed25519 key pair. Throws when the slug is taken. */
  create(input: { slug: string; name: string; now: number; id?: string }): Account {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    const row = {
      id: input.id ?? randomUUID(),
      slug: input.slug,
      name: input.name,
      public_key_hex: spki.subarray(ED25519_SPKI_PREFIX_LENGTH).toString('hex'),
      private_key_pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      created_at: input.now,
    };
    this.insert.run(row);
    return this.findById(row.id) as Account;
  }

  findById(id: string): Account | null {
    const row = this.byId.get(id) as Row | undefined;
    return row ? toAccount(row) : null;
  }

  /** Keygen's `<account>` path segment: a UUID or a slug. */
  findByIdOrSlug(identifier: string): Account | null {
    const row = (UUID_RE.test(identifier) ? this.byId.get(identifier.toLowerCase()) : undefined) ?? this.bySlug.get(identifier);
    return row ? toAccount(row as Row) : null;
  }

  /** The first account created (the one the CLI serves). */
  first(): Account | null {
    const row = this.oldest.get() as Row | undefined;
    return row ? toAccount(row) : null;
  }
}
