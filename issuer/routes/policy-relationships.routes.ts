/**
 * A policy's relationships (links from keygen-api `PolicySerializer`; `policies/relationships`
 * in `config/routes.rb`): its product, its licenses, its entitlements, and its key pool. The
 * issuer keeps no pooled keys, so the pool is always an empty list.
 */
import { bearerOf, ok, type RouteDefinition } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { authorize } from '../http/permissions.js';
import { serializeEntitlement } from '../serializers/entitlement.serializer.js';
import { serializeProduct } from '../serializers/product.serializer.js';
import { findPolicy } from './catalogue-lookup.js';
import { emptyReply, licensesReply, pageReply } from './related-lists.js';

/** Routes of the policy relationships. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '/policies/:id/product',
    auth: 'required',
    handler: (ctx) => {
      const policy = findPolicy(ctx);
      authorize(bearerOf(ctx), 'product.read', { type: 'product', productId: policy.productId });
      const product = ctx.store.products.findById(ctx.account.id, policy.productId);
      if (product === null) throw notFound('product');
      return ok({ data: serializeProduct(product, ctx) });
    },
  },
  {
    method: 'GET',
    path: '/policies/:id/licenses',
    auth: 'required',
    handler: (ctx) => {
      const policy = findPolicy(ctx);
      authorize(bearerOf(ctx), 'policy.read', { type: 'policy', policy });
      authorize(bearerOf(ctx), 'license.read');
      return licensesReply(ctx, { policyId: policy.id });
    },
  },
  {
    method: 'GET',
    path: '/policies/:id/entitlements',
    auth: 'required',
    handler: (ctx) => {
      const policy = findPolicy(ctx);
      authorize(bearerOf(ctx), 'policy.read', { type: 'policy', policy });
      authorize(bearerOf(ctx), 'entitlement.read');
      return pageReply(ctx, (window) => ctx.store.entitlements.list(ctx.account.id, window, { policyId: policy.id }), (entitlement) => serializeEntitlement(entitlement, ctx));
    },
  },
  {
    method: 'GET',
    path: '/policies/:id/pool',
    auth: 'required',
    handler: (ctx) => {
      authorize(bearerOf(ctx), 'policy.read', { type: 'policy', policy: findPolicy(ctx) });
      return emptyReply(ctx);
    },
  },
];
