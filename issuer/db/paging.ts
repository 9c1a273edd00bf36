/** Shared list query: newest first (Keygen's default order), with limit/offset and a total count. */
import type { Db } from './database.js';
import type { Row } from './rows.js';
import { prepared } from './statements.js';

/** Which slice of a list to return. */
export interface Window {
  readonly limit: number;
  readonly offset: number;
}

/** One page of rows plus the size of the whole filtered list. */
export interface Slice<T> {
  readonly items: T[];
  readonly total: number;
}

/** A filtered `FROM … WHERE …` clause with its named parameters. */
export interface Filtered {
  /** Starts with `FROM`; the listed table must be aliased `t`. */
  readonly from: string;
  readonly params: Record<string, unknown>;
}

/**
 * Runs `SELECT t.* <from> ORDER BY t.created_at DESC, t.rowid DESC LIMIT … OFFSET …` and the
 * matching COUNT. The rowid tie-break keeps pages stable when rows share a millisecond.
 */
export function selectSlice<T>(db: Db, query: Filtered, window: Window, map: (row: Row) => T): Slice<T> {
  const params = { ...query.params, __limit: window.limit, __offset: window.offset };
  const rows = prepared(db, `SELECT t.* ${query.from} ORDER BY t.created_at DESC, t.rowid DESC LIMIT @__limit OFFSET @__offset`).all(params) as Row[];
  const counted = prepared(db, `SELECT COUNT(*) AS n ${query.from}`).get(query.params) as { n: number };
  return { items: rows.map(map), total: Number(counted.n) };
}

/** A WHERE clause being built: its conditions, its named parameters, and `bind` for values. */
export interface WhereBuilder {
  readonly where: string[];
  readonly params: Record<string, unknown>;
  /** Adds `value` as a fresh named parameter and returns its placeholder (`@p0`, `@p1`, …). */
  bind(value: unknown): string;
}

/** Starts a filter on table alias `t` of one account, with `@now` bound for time conditions. */
export function whereBuilder(accountId: string, now: number): WhereBuilder {
  const params: Record<string, unknown> = { account: accountId, now };
  let next = 0;
  return {
    where: ['t.account_id = @account'],
    params,
    bind(value) {
      const name = `p${next++}`;
      params[name] = value;
      return `@${name}`;
    },
  };
}
