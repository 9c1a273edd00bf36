/**
 * The to-one relationships a process or component advertises in its `links.related`:
 * `/<resource>/:id/machine`, `/license` and `/product` (keygen-api `config/routes.rb`,
 * `MachineProcesses::Relationships::*Controller` and `MachineComponents::Relationships::*`).
 * Each reads the related record with the permission of that record (`machine.read`,
 * `license.read`, `product.read`), as the matching Keygen policies do; a license bearer holds
 * no `product.read` by default, so its `/product` is a 403.
 */
import type { Machine } from '../domain/types.js';
import { ok, type RequestContext, type RouteDefinition } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { serializeLicense } from '../serializers/license.serializer.js';
import { serializeMachine } from '../serializers/machine.serializer.js';
import { serializeProduct } from '../serializers/product.serializer.js';
import { authorizeBearer } from './machine-access.js';

/** Where a process or component sits. */
type Placement = Pick<Machine, 'licenseId' | 'productId'> & { readonly machineId: string };

/** The three to-one routes of `resource`, with `find` resolving `:id` within the bearer's scope (404 otherwise). */
export function childRelationshipRoutes(resource: 'processes' | 'components', find: (ctx: RequestContext) => Placement): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: `/${resource}/:id/machine`,
      auth: 'required',
      handler: (ctx) => {
        const placement = find(ctx);
        const machine = ctx.store.machines.findById(ctx.account.id, placement.machineId);
        if (machine === null) throw notFound('machine', placement.machineId);
        authorizeBearer(ctx, 'machine.read', { type: 'machine', machine });
        return ok({ data: serializeMachine(machine, ctx) });
      },
    },
    {
      method: 'GET',
      path: `/${resource}/:id/license`,
      auth: 'required',
      handler: (ctx) => {
        const placement = find(ctx);
        const license = ctx.store.licenses.findById(ctx.account.id, placement.licenseId);
        if (license === null) throw notFound('license', placement.licenseId);
        authorizeBearer(ctx, 'license.read', { type: 'license', license });
        return ok({ data: serializeLicense(license, ctx) });
      },
    },
    {
      method: 'GET',
      path: `/${resource}/:id/product`,
      auth: 'required',
      handler: (ctx) => {
        const placement = find(ctx);
        authorizeBearer(ctx, 'product.read', { type: 'product', productId: placement.productId });
        const product = ctx.store.products.findById(ctx.account.id, placement.productId);
        if (product === null) throw notFound('product', placement.productId);
        return ok({ data: serializeProduct(product, ctx) });
      },
    },
  ];
}
