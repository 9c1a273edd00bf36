/**
 * The related records a certificate can include that the repositories do not list yet: a
 * license's entitlements (its policy's and its own), its attached users, a machine's
 * components. Read-only; oldest first, as the records were attached.
 */
import type { Store } from '../db/store.js';
import { toMetadata, type Row } from '../db/rows.js';
import type { Entitlement, License, Machine, Metadata, User } from './types.js';

/** A machine component (hardware part with its own fingerprint). */
export interface Component {
  readonly id: string;
  readonly accountId: string;
  readonly machineId: string;
  readonly fingerprint: string;
  readonly name: string;
  readonly metadata: Metadata;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** SQLite reads a negative LIMIT as "no limit". */
const EVERYTHING = { limit: -1, offset: 0 } as const;

/** Every entitlement the license has, through its policy or attached to it directly. */
export function entitlementsOf(store: Store, license: License): Entitlement[] {
  return store.entitlements.list(license.accountId, EVERYTHING, { licenseId: license.id }).items.reverse();
}

/** The users attached to the license (its licensees; the owner is a separate relationship). */
export function attachedUsersOf(store: Store, license: License): User[] {
  const rows = store.db.prepare('SELECT user_id FROM license_users WHERE license_id = ? ORDER BY created_at, rowid').all(license.id) as Row[];
  return rows.map((row) => store.users.findById(license.accountId, String(row.user_id))).filter((user): user is User => user !== null);
}

/** The machine's components. */
export function componentsOf(store: Store, machine: Machine): Component[] {
  const rows = store.db.prepare('SELECT * FROM components WHERE machine_id = ? ORDER BY created_at, rowid').all(machine.id) as Row[];
  return rows.map((row) => ({
    id: String(row.id),
    accountId: String(row.account_id),
    machineId: String(row.machine_id),
    fingerprint: String(row.fingerprint),
    name: String(row.name),
    metadata: toMetadata(row.metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }));
}
