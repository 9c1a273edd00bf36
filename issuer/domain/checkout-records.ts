/**
 * The related records a certificate can include: a license's entitlements (its policy's and its
 * own), its attached users, a machine's components. Read-only; oldest first, as attached.
 */
import type { Store } from '../db/store.js';
import type { Component, Entitlement, License, Machine, User } from './types.js';

/** Every entitlement the license has, through its policy or attached to it directly. */
export function entitlementsOf(store: Store, license: License): Entitlement[] {
  return store.entitlements.allForLicense(license.accountId, license.id);
}

/** The users attached to the license (its licensees; the owner is a separate relationship). */
export function attachedUsersOf(store: Store, license: License): User[] {
  return store.users.licensees(license.accountId, license.id);
}

/** The machine's components. */
export function componentsOf(store: Store, machine: Machine): Component[] {
  return store.machines.components(machine.id);
}
