/**
 * Opens the issuer's SQLite database (better-sqlite3) and brings its schema up to date.
 * One file per issuer; `:memory:` for tests.
 */
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations.js';

/** The connection type every repository takes. */
export type Db = Database.Database;

/**
 * Opens `filename` (created when missing), turns on WAL and foreign keys, and applies every
 * pending migration. Throws when the file is not a database or was written by a newer issuer
 * (a schema version above the last known migration): refusing is safer than guessing.
 */
export function openDatabase(filename: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  createPrivately(filename);
  const db = new Database(filename);
  try {
    // WAL lets readers proceed during a write and survives a crash without a rollback journal;
    // `:memory:` databases report "memory" and that is fine.
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // NORMAL is durable in WAL mode except for the last transactions before a power loss.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * The database holds the account's signing keys and every license key: a new file is created
 * readable by its owner only (SQLite gives its -wal and -shm files the same mode).
 */
function createPrivately(filename: string): void {
  if (filename === ':memory:' || filename === '' || filename.startsWith('file:')) return;
  try {
    writeFileSync(filename, '', { mode: 0o600, flag: 'wx' });
  } catch {
    // An existing file is opened as it is; any other problem surfaces when SQLite opens it.
  }
}

/** The schema version of an open database (`PRAGMA user_version`). */
export function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(`issuer database schema version ${current} is newer than this issuer (${latest})`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    // DDL is transactional in SQLite: a failed step leaves the previous version intact.
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
