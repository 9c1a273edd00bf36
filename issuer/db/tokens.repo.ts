/**
 * API tokens (admin, product and license "activation" tokens). Only the SHA-256 of a token is
 * stored: the token itself exists once, in the response that created it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Token, TokenBearerType, TokenKind } from '../domain/types.js';
import type { Db } from './database.js';
import { toNullableNumber, toNullableString, type Row } from './rows.js';

/** Keygen's token prefixes, by kind (`activ-…v3` for license tokens). */
const PREFIX: Readonly<Record<TokenKind, string>> = {
  'admin-token': 'admin',
  'product-token': 'prod',
  'activation-token': 'activ',
  'user-token': 'user',
};

/** SHA-256 hex of a presented token: the only form in which tokens touch the database. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function toToken(row: Row): Token {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    bearerType: String(row.bearer_type) as TokenBearerType,
    bearerId: String(row.bearer_id),
    kind: String(row.kind) as TokenKind,
    name: toNullableString(row.name),
    expiry: toNullableNumber(row.expiry),
    maxActivations: toNullableNumber(row.max_activations),
    activations: Number(row.activations),
    maxDeactivations: toNullableNumber(row.max_deactivations),
    deactivations: Number(row.deactivations),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Options of a new token. */
export interface NewToken {
  readonly kind: TokenKind;
  readonly bearerType: TokenBearerType;
  readonly bearerId: string;
  readonly name?: string | null;
  readonly expiry?: number | null;
  readonly maxActivations?: number | null;
  readonly maxDeactivations?: number | null;
}

/** Repository of tokens. */
export class TokensRepo {
  private readonly byDigest;
  private readonly insert;
  private readonly deleteForBearer;

  constructor(db: Db) {
    this.byDigest = db.prepare('SELECT * FROM tokens WHERE account_id = ? AND digest = ?');
    this.insert = db.prepare(
      `INSERT INTO tokens (id, account_id, bearer_type, bearer_id, kind, digest, name, expiry, max_activations, max_deactivations, created_at, updated_at)
       VALUES (@id, @account_id, @bearer_type, @bearer_id, @kind, @digest, @name, @expiry, @max_activations, @max_deactivations, @now, @now)`,
    );
    this.deleteForBearer = db.prepare('DELETE FROM tokens WHERE bearer_type = ? AND bearer_id = ?');
  }

  /** Creates a token; returns the record and the secret, which is not stored and cannot be recovered. */
  create(accountId: string, input: NewToken, now: number): { token: Token; secret: string } {
    const secret = `${PREFIX[input.kind]}-${randomBytes(16).toString('hex')}v3`;
    const id = randomUUID();
    this.insert.run({
      id,
      account_id: accountId,
      bearer_type: input.bearerType,
      bearer_id: input.bearerId,
      kind: input.kind,
      digest: tokenDigest(secret),
      name: input.name ?? null,
      expiry: input.expiry ?? null,
      max_activations: input.maxActivations ?? null,
      max_deactivations: input.maxDeactivations ?? null,
      now,
    });
    return { token: this.findBySecret(accountId, secret) as Token, secret };
  }

  /** Looks a presented token up by its digest, within one account. */
  findBySecret(accountId: string, secret: string): Token | null {
    const row = this.byDigest.get(accountId, tokenDigest(secret)) as Row | undefined;
    return row ? toToken(row) : null;
  }

  /** Removes every token of a bearer (tokens are polymorphic, so no foreign key does it). */
  revokeAllFor(bearerType: TokenBearerType, bearerId: string): void {
    this.deleteForBearer.run(bearerType, bearerId);
  }
}
