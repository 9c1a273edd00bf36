/**
 * Prepared statements, kept per database: preparing (SQLite parsing and planning the SQL) costs
 * far more than running a small query, and the repositories build much of their SQL per call
 * (updates of the columns given, filtered lists). The same text reuses the same statement;
 * the cache is bounded, since filtered lists can spell many different texts.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/** Distinct statements kept per database; the least recently used one goes first. */
export const MAX_STATEMENTS = 256;

const caches = new WeakMap<Db, Map<string, Statement>>();

/** The prepared statement for `sql` on `db`, prepared on first use. Throws as `db.prepare` does for bad SQL. */
export function prepared(db: Db, sql: string): Statement {
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
  } else {
    // Re-inserted, so that the map's order is the order of last use.
    cache.delete(sql);
  }
  cache.set(sql, statement);
  return statement;
}
