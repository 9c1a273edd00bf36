/** Accounts: the tenant, its Ed25519 response-signing key and its ECDSA and RSA certificate keys. */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { Account } from '../domain/types.js';
import type { Db } from './database.js';
import { toNullableString, type Row } from './rows.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it (RFC 8410 §4). */
const ED25519_SPKI_PREFIX_LENGTH = 12;

/** Keygen's RSA account keys are 2048 bits (protocol §1.2). */
const RSA_BITS = 2048;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toAccount(row: Row): Account {
  return {
    id: String(row.id),
    slug: String(row.slug),
    name: String(row.name),
    publicKeyHex: String(row.public_key_hex),
    privateKeyPem: String(row.private_key_pem),
    ecdsaPrivateKeyPem: toNullableString(row.ecdsa_private_key_pem),
    rsaPrivateKeyPem: toNullableString(row.rsa_private_key_pem),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Repository of accounts. */
export class AccountsRepo {
  private readonly byId;
  private readonly bySlug;
  private readonly oldest;
  private readonly firstTwo;
  private readonly insert;
  private readonly setCertificateKeys;

  constructor(db: Db) {
    this.byId = db.prepare('SELECT * FROM accounts WHERE id = ?');
    this.bySlug = db.prepare('SELECT * FROM accounts WHERE slug = ?');
    this.oldest = db.prepare('SELECT * FROM accounts ORDER BY created_at, rowid LIMIT 1');
    this.firstTwo = db.prepare('SELECT * FROM accounts LIMIT 2');
    this.insert = db.prepare(
      `INSERT INTO accounts (id, slug, name, public_key_hex, private_key_pem, created_at, updated_at)
       VALUES (@id, @slug, @name, @public_key_hex, @private_key_pem, @created_at, @created_at)`,
    );
    this.setCertificateKeys = db.prepare('UPDATE accounts SET ecdsa_private_key_pem = ?, rsa_private_key_pem = ? WHERE id = ?');
  }

  /** Creates an account with fresh Ed25519, ECDSA P-256 and RSA-2048 keys. Throws when the slug is taken. */
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
    return this.withCertificateKeys(this.findById(row.id) as Account);
  }

  /**
   * The account with its ECDSA and RSA certificate keys, making and storing the missing ones
   * (accounts created before those keys existed). Keys once made never change: vendors pin them.
   */
  withCertificateKeys(account: Account): Account {
    if (account.ecdsaPrivateKeyPem !== null && account.rsaPrivateKeyPem !== null) return account;
    const pkcs8 = (key: KeyObject): string => key.export({ format: 'pem', type: 'pkcs8' }).toString();
    const ecdsa = account.ecdsaPrivateKeyPem ?? pkcs8(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
    const rsa = account.rsaPrivateKeyPem ?? pkcs8(generateKeyPairSync('rsa', { modulusLength: RSA_BITS }).privateKey);
    this.setCertificateKeys.run(ecdsa, rsa, account.id);
    return this.findById(account.id) as Account;
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

  /** The account when the database holds exactly one; null when it holds none or several. */
  only(): Account | null {
    const rows = this.firstTwo.all() as Row[];
    return rows.length === 1 ? toAccount(rows[0] as Row) : null;
  }
}
