/**
 * API tokens (admin, product and license "activation" tokens). Only the SHA-256 of a token is
 * stored: the token itself exists once, in the response that created it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Token, TokenBearerType, TokenKind } from '../domain/types.js';
import type { Db } from './database.js';
import { selectSlice, type Slice, type Window } from './paging.js';
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

function newSecret(kind: TokenKind): string {
  return `${PREFIX[kind]}-${randomBytes(16).toString('hex')}v3`;
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

/** The per-token counters of a license ("activation") token. */
export type TokenCounter = 'activations' | 'deactivations';

/**
 * The outcome of counting one activation or deactivation against a token: the token as it now
 * is, or the limit that refused the count (nothing was written), or `missing` when the token no
 * longer exists (revoked meanwhile).
 */
export type TokenTally =
  | { readonly kind: 'counted'; readonly token: Token }
  | { readonly kind: 'limit-exceeded'; readonly counter: TokenCounter; readonly limit: number }
  | { readonly kind: 'missing' };

/** Which tokens a list shows: those of one bearer, or of a product and its licenses. */
export interface TokenFilter {
  readonly bearer?: { readonly type: TokenBearerType; readonly id: string } | undefined;
  /** Tokens of this product and of its licenses (a product bearer's view). */
  readonly productId?: string | undefined;
}

/** Repository of tokens. */
export class TokensRepo {
  private readonly byDigest;
  private readonly byId;
  private readonly insert;
  private readonly deleteForBearer;
  private readonly increment;
  private readonly setDigest;
  private readonly remove;

  constructor(private readonly db: Db) {
    this.byDigest = db.prepare('SELECT * FROM tokens WHERE account_id = ? AND digest = ?');
    this.insert = db.prepare(
      `INSERT INTO tokens (id, account_id, bearer_type, bearer_id, kind, digest, name, expiry, max_activations, max_deactivations, created_at, updated_at)
       VALUES (@id, @account_id, @bearer_type, @bearer_id, @kind, @digest, @name, @expiry, @max_activations, @max_deactivations, @now, @now)`,
    );
    this.deleteForBearer = db.prepare('DELETE FROM tokens WHERE bearer_type = ? AND bearer_id = ?');
    this.byId = db.prepare('SELECT * FROM tokens WHERE account_id = ? AND id = ?');
    this.setDigest = db.prepare('UPDATE tokens SET digest = ?, updated_at = ? WHERE id = ?');
    this.remove = db.prepare('DELETE FROM tokens WHERE id = ?');
    // One conditional UPDATE per counter: the limit check and the increment are one statement,
    // so no other writer (another process on the same database file) can slip in between.
    this.increment = {
      activations: db.prepare(
        'UPDATE tokens SET activations = activations + 1, updated_at = ? WHERE account_id = ? AND id = ? AND (max_activations IS NULL OR activations < max_activations)',
      ),
      deactivations: db.prepare(
        'UPDATE tokens SET deactivations = deactivations + 1, updated_at = ? WHERE account_id = ? AND id = ? AND (max_deactivations IS NULL OR deactivations < max_deactivations)',
      ),
    };
  }

  /** Creates a token; returns the record and the secret, which is not stored and cannot be recovered. */
  create(accountId: string, input: NewToken, now: number): { token: Token; secret: string } {
    const secret = newSecret(input.kind);
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

  /** A token by its id, within one account (null when there is none). */
  findById(accountId: string, id: string): Token | null {
    const row = this.byId.get(accountId, id) as Row | undefined;
    return row ? toToken(row) : null;
  }

  /**
   * Counts one machine activation against a license token, unless its `maxActivations` is
   * already reached (Keygen refuses the activation then; the count is left as it was).
   */
  countActivation(accountId: string, id: string, now: number): TokenTally {
    return this.count('activations', accountId, id, now);
  }

  /** Counts one machine deactivation against a license token, unless its `maxDeactivations` is already reached. */
  countDeactivation(accountId: string, id: string, now: number): TokenTally {
    return this.count('deactivations', accountId, id, now);
  }

  private count(counter: TokenCounter, accountId: string, id: string, now: number): TokenTally {
    const { changes } = this.increment[counter].run(now, accountId, id);
    const token = this.findById(accountId, id);
    if (token === null) return { kind: 'missing' };
    if (changes > 0) return { kind: 'counted', token };
    const limit = counter === 'activations' ? token.maxActivations : token.maxDeactivations;
    // No row changed although the token exists: only the limit can have stopped it.
    return { kind: 'limit-exceeded', counter, limit: limit ?? 0 };
  }

  /** A page of tokens, newest first. */
  list(accountId: string, filter: TokenFilter, window: Window): Slice<Token> {
    const where = ['t.account_id = @account'];
    const params: Record<string, unknown> = { account: accountId };
    if (filter.bearer !== undefined) {
      where.push('t.bearer_type = @bearer_type AND t.bearer_id = @bearer_id');
      Object.assign(params, { bearer_type: filter.bearer.type, bearer_id: filter.bearer.id });
    }
    if (filter.productId !== undefined) {
      where.push(
        `((t.bearer_type = 'products' AND t.bearer_id = @product)
          OR (t.bearer_type = 'licenses' AND t.bearer_id IN (SELECT id FROM licenses WHERE product_id = @product)))`,
      );
      params.product = filter.productId;
    }
    return selectSlice(this.db, { from: `FROM tokens t WHERE ${where.join(' AND ')}`, params }, window, toToken);
  }

  /** Replaces a token's secret (Keygen's regenerate): the old one stops working at once. */
  regenerate(token: Token, now: number): { token: Token; secret: string } {
    const secret = newSecret(token.kind);
    this.setDigest.run(tokenDigest(secret), now, token.id);
    return { token: this.findById(token.accountId, token.id) as Token, secret };
  }

  /** Deletes one token (Keygen's revoke). */
  revoke(token: Token): void {
    this.remove.run(token.id);
  }

  /** Removes every token of a bearer (tokens are polymorphic, so no foreign key does it). */
  revokeAllFor(bearerType: TokenBearerType, bearerId: string): void {
    this.deleteForBearer.run(bearerType, bearerId);
  }
}
