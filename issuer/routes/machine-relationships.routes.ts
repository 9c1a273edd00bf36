/**
 * A machine's to-one relationships (links from keygen-api `MachineSerializer`; controllers
 * `machines/relationships/{product,license,groups,owners}_controller.rb`): its product, its
 * license, its group (the license's, as the issuer's machine object reports it; none is a 404,
 * as Keygen's `Machine#group!`) and its owner (none is `data: null`, as Keygen renders a nil owner).
 */
import { bearerOf, ok, type RequestContext, type RouteDefinition } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { authorize } from '../http/permissions.js';
import { serializeGroup } from '../serializers/group.serializer.js';
import { serializeLicense } from '../serializers/license.serializer.js';
import { serializeProduct } from '../serializers/product.serializer.js';
import { serializeUser } from '../serializers/user.serializer.js';
import type { License, Machine } from '../domain/types.js';
import { findMachine } from './lookup.js';

/** The machine at `:id` (in the bearer's scope) and its license. */
function machineAndLicense(ctx: RequestContext): { machine: Machine; license: License } {
  const machine = findMachine(ctx);
  const license = ctx.store.licenses.findById(ctx.account.id, machine.licenseId);
  if (license === null) throw notFound('license');
  return { machine, license };
}

/** Routes of the machine relationships. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '/machines/:id/product',
    auth: 'required',
    handler: (ctx) => {
      const { machine } = machineAndLicense(ctx);
      authorize(bearerOf(ctx), 'product.read', { type: 'product', productId: machine.productId });
      const product = ctx.store.products.findById(ctx.account.id, machine.productId);
      if (product === null) throw notFound('product');
      return ok({ data: serializeProduct(product, ctx) });
    },
  },
  {
    method: 'GET',
    path: '/machines/:id/license',
    auth: 'required',
    handler: (ctx) => {
      const { license } = machineAndLicense(ctx);
      authorize(bearerOf(ctx), 'license.read', { type: 'license', license });
      return ok({ data: serializeLicense(license, { ...ctx }) });
    },
  },
  {
    method: 'GET',
    path: '/machines/:id/group',
    auth: 'required',
    handler: (ctx) => {
      const { license } = machineAndLicense(ctx);
      const group = license.groupId === null ? null : ctx.store.groups.findById(ctx.account.id, license.groupId);
      if (group === null) throw notFound('group');
      authorize(bearerOf(ctx), 'group.read', { type: 'license', license });
      return ok({ data: serializeGroup(group, ctx) });
    },
  },
  {
    method: 'GET',
    path: '/machines/:id/owner',
    auth: 'required',
    handler: (ctx) => {
      const { machine, license } = machineAndLicense(ctx);
      const owner = machine.ownerId === null ? null : ctx.store.users.findById(ctx.account.id, machine.ownerId);
      authorize(bearerOf(ctx), 'user.read', owner === null ? { type: 'license', license } : { type: 'user', user: owner, heldByProduct: true });
      return ok({ data: owner === null ? null : serializeUser(owner, ctx) });
    },
  },
];
