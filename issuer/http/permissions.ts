/**
 * Authorization in one place: what each kind of bearer may do to which resource, after
 * Keygen's policies (`app/policies/*_policy.rb`) and default role permissions.
 *
 * - admin: everything in the account.
 * - product: its own product, that product's policies and licenses, license tokens for them,
 *   entitlements (read), users (create; read those who hold its licenses).
 * - license: itself (read), its entitlements (read), `/me`. A license may act only on itself
 *   and, for the machine, process and component routes, its own machines and what runs or sits
 *   on them. Keygen's default license permissions leave out `product.read`, `policy.read` and
 *   `user.read`.
 *
 * Processes and components are authorized through their machine (`machine` target): Keygen's
 * `MachineProcessPolicy` and `MachineComponentPolicy` compare the same product and license.
 *
 * Lookups are scoped first (`scopeFor…`), so a record outside the bearer's scope is a 404, as
 * Keygen's `authorized_scope` makes it; `authorize` then answers 403 for a record in scope
 * that the bearer may not act on.
 */
import { DEFAULT_LICENSE_PERMISSIONS } from '../domain/license-permissions.js';
import type { License, Machine, Policy, User } from '../domain/types.js';
import type { Bearer } from './auth.js';
import { accessDenied } from './errors.js';

/**
 * Every permission a route checks, named as Keygen names them (`Permission::ALL_PERMISSIONS`),
 * so that a license's `permissions` attribute and what it may do are one list.
 */
export type Action =
  | 'account.read'
  | 'admin.create'
  | 'product.create'
  | 'product.read'
  | 'policy.create'
  | 'policy.read'
  | 'policy.update'
  | 'entitlement.create'
  | 'entitlement.read'
  | 'user.create'
  | 'user.read'
  | 'group.read'
  | 'group.licenses.read'
  | 'group.machines.read'
  | 'group.owners.read'
  | 'group.users.read'
  | 'license.create'
  | 'license.read'
  | 'license.update'
  | 'license.delete'
  | 'license.validate'
  | 'license.suspend'
  | 'license.reinstate'
  | 'license.renew'
  | 'license.revoke'
  | 'license.check-in'
  | 'license.check-out'
  | 'license.usage.increment'
  | 'license.usage.decrement'
  | 'license.usage.reset'
  | 'license.policy.update'
  | 'license.owner.update'
  | 'license.group.update'
  | 'license.users.attach'
  | 'license.users.detach'
  | 'license.entitlements.attach'
  | 'license.entitlements.detach'
  | 'license.tokens.generate'
  | 'token.read'
  | 'token.regenerate'
  | 'token.revoke'
  | 'product.tokens.generate'
  | 'machine.create'
  | 'machine.read'
  | 'machine.update'
  | 'machine.delete'
  | 'machine.check-out'
  | 'machine.heartbeat.ping'
  | 'machine.heartbeat.reset'
  | 'process.create'
  | 'process.read'
  | 'process.update'
  | 'process.delete'
  | 'process.heartbeat.ping'
  | 'component.create'
  | 'component.read'
  | 'component.update'
  | 'component.delete'
  | 'machine.proofs.generate';

/** The record an action targets, when there is one. */
export type Target =
  | { readonly type: 'product'; readonly productId: string }
  | { readonly type: 'policy'; readonly policy: Pick<Policy, 'productId'> }
  | { readonly type: 'license'; readonly license: Pick<License, 'id' | 'productId'> }
  | { readonly type: 'machine'; readonly machine: Pick<Machine, 'licenseId' | 'productId'> }
  | { readonly type: 'user'; readonly user: User; readonly heldByProduct?: boolean }
  | { readonly type: 'none' };

const NONE: Target = { type: 'none' };
const LICENSE_PERMISSIONS: ReadonlySet<string> = new Set(DEFAULT_LICENSE_PERMISSIONS);

/** Whether `bearer` may perform `action` on `target`. */
export function can(bearer: Bearer, action: Action, target: Target = NONE): boolean {
  switch (bearer.kind) {
    case 'admin':
      return true;
    case 'product':
      return productMay(bearer.id, action, target);
    case 'license':
      return licenseMay(bearer.id, action, target);
  }
}

/** Throws Keygen's 403 "Access denied" unless `can(…)`; with no bearer at all, the anonymous wording. */
export function authorize(bearer: Bearer | null, action: Action, target: Target = NONE): void {
  if (bearer === null || !can(bearer, action, target)) throw accessDenied(bearer !== null);
}

function productOf(target: Target): string | undefined {
  switch (target.type) {
    case 'product':
      return target.productId;
    case 'policy':
      return target.policy.productId;
    case 'license':
      return target.license.productId;
    case 'machine':
      return target.machine.productId;
    default:
      return undefined;
  }
}

function productMay(productId: string, action: Action, target: Target): boolean {
  switch (action) {
    case 'entitlement.read':
    case 'user.create':
      return true;
    case 'user.read':
      return target.type !== 'user' || target.heldByProduct === true;
    case 'admin.create':
    case 'product.create':
    case 'entitlement.create':
    case 'product.tokens.generate':
      return false;
    default:
      // Everything else is the product's own catalogue, licenses and machines. List actions
      // have no target: the list itself is scoped to the product.
      return target.type === 'none' || productOf(target) === productId;
  }
}

/**
 * A license holds Keygen's default license permissions, on itself and its own machines only.
 * `license.read` with no target is the (self-scoped) license list.
 */
function licenseMay(licenseId: string, action: Action, target: Target): boolean {
  if (!LICENSE_PERMISSIONS.has(action)) return false;
  switch (target.type) {
    case 'license':
      return target.license.id === licenseId;
    case 'machine':
      return target.machine.licenseId === licenseId;
    case 'none':
      return true;
    default:
      return action === 'entitlement.read';
  }
}

/** Which product's records a bearer's lists and lookups are limited to (undefined: the whole account). */
export function productScope(bearer: Bearer | null): string | undefined {
  if (bearer === null) return undefined;
  switch (bearer.kind) {
    case 'admin':
      return undefined;
    case 'product':
      return bearer.id;
    case 'license':
      return bearer.license.productId;
  }
}

/** The single license a license bearer is limited to (undefined for other bearers). */
export function licenseScope(bearer: Bearer | null): string | undefined {
  return bearer?.kind === 'license' ? bearer.id : undefined;
}
