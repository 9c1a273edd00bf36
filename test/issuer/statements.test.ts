/** Prepared statements kept per database: reused by text, bounded, never shared between databases. */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../issuer/db/database.js';
import { MAX_STATEMENTS, prepared } from '../../issuer/db/statements.js';

describe('prepared statements', () => {
  it('gives the same statement for the same text, and a working one', () => {
    const db = openDatabase(':memory:');
    const first = prepared(db, 'SELECT ? + 1 AS n');
    expect(prepared(db, 'SELECT ? + 1 AS n')).toBe(first);
    expect(prepared(db, 'SELECT ? + 2 AS n')).not.toBe(first);
    expect(first.get(41)).toEqual({ n: 42 });
    db.close();
  });

  it('keeps each database its own statements', () => {
    const one = openDatabase(':memory:');
    const two = openDatabase(':memory:');
    const a = prepared(one, 'SELECT 1 AS n');
    const b = prepared(two, 'SELECT 1 AS n');
    expect(b).not.toBe(a);
    one.close();
    // A statement of a closed database is never handed out for another one.
    expect(prepared(two, 'SELECT 1 AS n').get()).toEqual({ n: 1 });
    two.close();
  });

  it('drops the least recently used statement beyond its bound, not one in use', () => {
    const db = openDatabase(':memory:');
    const oldest = prepared(db, 'SELECT 0 AS n');
    const kept = prepared(db, 'SELECT -1 AS n');
    const second = prepared(db, 'SELECT 1 AS n');
    for (let index = 2; index < MAX_STATEMENTS - 1; index += 1) {
      prepared(db, `SELECT ${index} AS n`);
      // Used all along: stays the most recently used.
      if (index % 50 === 0) expect(prepared(db, 'SELECT -1 AS n')).toBe(kept);
    }
    // The cache is now full; one more text pushes out the least recently used, `oldest`.
    expect(prepared(db, 'SELECT 0 AS n')).toBe(oldest);
    prepared(db, `SELECT ${MAX_STATEMENTS} AS n`);
    prepared(db, `SELECT ${MAX_STATEMENTS + 1} AS n`);
    expect(prepared(db, 'SELECT -1 AS n')).toBe(kept);
    // `SELECT 1` was the least recently used: prepared afresh.
    expect(prepared(db, 'SELECT 1 AS n')).not.toBe(second);
    db.close();
  });

  it('throws for bad SQL, as preparing does, and keeps nothing for it', () => {
    const db = openDatabase(':memory:');
    expect(() => prepared(db, 'SELEKT 1')).toThrow(/syntax error/);
    expect(() => prepared(db, 'SELEKT 1')).toThrow(/syntax error/);
    db.close();
  });
});
