/**
 * Finding the `:id` of a product, policy, user or group route within what the bearer may see
 * (see `lookup.ts` for licenses and machines): outside the bearer's scope a record is a 404,
 * as Keygen's `authorized_scope` makes it, so ids of other customers cannot be probed.
 */
import type { Group, Policy, Product, User } from '../domain/types.js';
import type { RequestContext } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { productScope } from '../http/permissions.js';

/** The product at `:id` (a product bearer sees only itself, a license only its product); else 404. */
export function findProduct(ctx: RequestContext): Product {
  const id = ctx.params.id ?? '';
  const product = ctx.store.products.findById(ctx.account.id, id.toLowerCase());
  const scope = productScope(ctx.bearer);
  if (product === null || (scope !== undefined && product.id !== scope)) throw notFound('product', id);
  return product;
}

/** The policy at `:id` within the bearer's product; else 404. */
export function findPolicy(ctx: RequestContext): Policy {
  const id = ctx.params.id ?? '';
  const policy = ctx.store.policies.findById(ctx.account.id, id.toLowerCase());
  const scope = productScope(ctx.bearer);
  if (policy === null || (scope !== undefined && policy.productId !== scope)) throw notFound('policy', id);
  return policy;
}

/**
 * The user at `:id` (a UUID or an email, as Keygen finds users), and whether a product bearer
 * holds them through one of its licenses; a product bearer sees no other user (404).
 */
export function findUser(ctx: RequestContext): { readonly user: User; readonly heldByProduct: boolean } {
  const id = ctx.params.id ?? '';
  const user = ctx.store.users.findById(ctx.account.id, id.toLowerCase()) ?? ctx.store.users.findByEmail(ctx.account.id, id);
  const bearer = ctx.bearer;
  const heldByProduct = user !== null && bearer?.kind === 'product' && ctx.store.users.belongsToProduct(user.id, bearer.id);
  if (user === null || (bearer?.kind === 'product' && !heldByProduct)) throw notFound('user', id);
  return { user, heldByProduct };
}

/** The group at `:id`: any for an admin, one holding its licenses for a product, its own for a license; else 404. */
export function findGroup(ctx: RequestContext): Group {
  const id = ctx.params.id ?? '';
  const group = ctx.store.groups.findById(ctx.account.id, id.toLowerCase());
  if (group === null || !groupInScope(ctx, group)) throw notFound('group', id);
  return group;
}

function groupInScope(ctx: RequestContext, group: Group): boolean {
  const bearer = ctx.bearer;
  switch (bearer?.kind) {
    case 'license':
      return bearer.license.groupId === group.id;
    case 'product':
      return ctx.store.groups.list(ctx.account.id, { limit: 1, offset: 0 }, { productId: bearer.id, groupId: group.id }).total > 0;
    default:
      return true;
  }
}
