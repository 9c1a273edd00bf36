/**
 * A product's to-many relationships (links from keygen-api `ProductSerializer`;
 * `products/relationships` in `config/routes.rb`): its policies, licenses, machines, users and
 * tokens, and its release catalogue (platforms, channels, releases, artifacts). The issuer
 * distributes no releases, so those four are always empty lists, as Keygen answers for a product
 * that has none.
 */
import { bearerOf, type RequestContext, type Reply, type RouteDefinition } from '../http/context.js';
import { authorize, type Action } from '../http/permissions.js';
import { serializePolicy } from '../serializers/policy.serializer.js';
import { serializeToken } from '../serializers/token.serializer.js';
import { serializeUser } from '../serializers/user.serializer.js';
import type { Product } from '../domain/types.js';
import { findProduct } from './catalogue-lookup.js';
import { emptyReply, licensesReply, machinesReply, pageReply } from './related-lists.js';

/** The product at `:id`, once the bearer may read it and `action` the related records. */
function readable(ctx: RequestContext, action: Action): Product {
  const product = findProduct(ctx);
  const bearer = bearerOf(ctx);
  authorize(bearer, 'product.read', { type: 'product', productId: product.id });
  authorize(bearer, action, { type: 'product', productId: product.id });
  return product;
}

function route(path: string, handler: (ctx: RequestContext) => Reply): RouteDefinition {
  return { method: 'GET', path: `/products/:id/${path}`, auth: 'required', handler };
}

/** Routes of the product relationships. */
export const routes: readonly RouteDefinition[] = [
  route('policies', (ctx) => {
    const product = readable(ctx, 'policy.read');
    return pageReply(ctx, (window) => ctx.store.policies.list(ctx.account.id, window, { productId: product.id }), (policy) => serializePolicy(policy, ctx));
  }),
  route('licenses', (ctx) => licensesReply(ctx, { productId: readable(ctx, 'license.read').id })),
  route('machines', (ctx) => machinesReply(ctx, { productId: readable(ctx, 'machine.read').id })),
  route('users', (ctx) => {
    const product = readable(ctx, 'user.read');
    return pageReply(ctx, (window) => ctx.store.users.list(ctx.account.id, window, { productId: product.id }), (user) => serializeUser(user, ctx));
  }),
  route('tokens', (ctx) => {
    const product = readable(ctx, 'token.read');
    const bearer = { type: 'products' as const, id: product.id };
    return pageReply(ctx, (window) => ctx.store.tokens.list(ctx.account.id, { bearer }, window), (token) => serializeToken(token, ctx));
  }),
  ...['platforms', 'channels', 'releases', 'artifacts'].map((path) =>
    route(path, (ctx) => {
      readable(ctx, 'product.read');
      return emptyReply(ctx);
    }),
  ),
];
