/**
 * Finding the `:id` of a route within what the bearer may see, as Keygen's `authorized_scope`
 * does: a record outside the bearer's scope is a 404, never a 403, so that ids and keys of
 * other customers cannot be probed.
 */
import type { MachineScope } from '../db/machines.repo.js';
import { cullDeadMachines } from '../domain/culling.js';
import type { License, Machine, Policy } from '../domain/types.js';
import type { RequestContext } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { licenseScope, productScope } from '../http/permissions.js';

/** The product and license the bearer's lookups are limited to (none for admins). */
export function scopeOf(ctx: RequestContext): MachineScope {
  const productId = productScope(ctx.bearer);
  const licenseId = licenseScope(ctx.bearer);
  return { ...(productId === undefined ? {} : { productId }), ...(licenseId === undefined ? {} : { licenseId }) };
}

/** The license at `:id` (a UUID or a key) within the bearer's scope; else 404. */
export function findLicense(ctx: RequestContext): License {
  const id = ctx.params.id ?? '';
  const license = ctx.store.licenses.findByIdOrKey(ctx.account.id, id);
  const { productId, licenseId } = scopeOf(ctx);
  if (license === null || (productId !== undefined && license.productId !== productId) || (licenseId !== undefined && license.id !== licenseId)) {
    throw notFound('license', id);
  }
  return license;
}

/**
 * The machine at `:id` (a UUID or a fingerprint) within the bearer's scope; else 404. Dead
 * machines of its license are culled first, so a culled machine is gone here too.
 */
export function findMachine(ctx: RequestContext): Machine {
  const id = ctx.params.id ?? '';
  const found = ctx.store.machines.findInScope(ctx.account.id, id, scopeOf(ctx));
  const culled = found !== null && cullDeadMachines(ctx.store, found.licenseId, ctx.now) > 0;
  const machine = culled ? ctx.store.machines.findById(ctx.account.id, found.id) : found;
  if (machine === null) throw notFound('machine', id);
  return machine;
}

/** The license's policy (the schema guarantees one). */
export function policyOf(ctx: RequestContext, license: License): Policy {
  const policy = ctx.store.policies.findById(ctx.account.id, license.policyId);
  if (policy === null) throw new Error(`license ${license.id} has no policy ${license.policyId}`);
  return policy;
}
