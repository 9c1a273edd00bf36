/**
 * A user's relationships (links from keygen-api `UserSerializer`; `users/relationships` in
 * `config/routes.rb`): the products and licenses the user holds (owned or attached), the
 * machines of those licenses, the user's tokens, and the user's group (none is a 404, as for
 * licenses and machines).
 */
import { bearerOf, ok, type RequestContext, type RouteDefinition } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { authorize, productScope, type Action } from '../http/permissions.js';
import { serializeGroup } from '../serializers/group.serializer.js';
import { serializeProduct } from '../serializers/product.serializer.js';
import { serializeToken } from '../serializers/token.serializer.js';
import type { User } from '../domain/types.js';
import { findUser } from './catalogue-lookup.js';
import { licensesReply, machinesReply, pageReply } from './related-lists.js';

/** The user at `:id`, once the bearer may read them and `action` the related records. */
function readable(ctx: RequestContext, action: Action): User {
  const { user, heldByProduct } = findUser(ctx);
  const bearer = bearerOf(ctx);
  authorize(bearer, 'user.read', { type: 'user', user, heldByProduct });
  authorize(bearer, action);
  return user;
}

/** Routes of the user relationships. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '/users/:id/group',
    auth: 'required',
    handler: (ctx) => {
      const user = readable(ctx, 'group.read');
      const group = user.groupId === null ? null : ctx.store.groups.findById(ctx.account.id, user.groupId);
      if (group === null) throw notFound('group');
      return ok({ data: serializeGroup(group, ctx) });
    },
  },
  {
    method: 'GET',
    path: '/users/:id/products',
    auth: 'required',
    handler: (ctx) => {
      const user = readable(ctx, 'product.read');
      const onlyId = productScope(ctx.bearer);
      return pageReply(ctx, (window) => ctx.store.products.listForUser(ctx.account.id, user.id, window, onlyId), (product) => serializeProduct(product, ctx));
    },
  },
  { method: 'GET', path: '/users/:id/licenses', auth: 'required', handler: (ctx) => licensesReply(ctx, { user: readable(ctx, 'license.read').id }) },
  { method: 'GET', path: '/users/:id/machines', auth: 'required', handler: (ctx) => machinesReply(ctx, { user: readable(ctx, 'machine.read').id }) },
  {
    method: 'GET',
    path: '/users/:id/tokens',
    auth: 'required',
    handler: (ctx) => {
      // A product reaches only users of its licenses (`findUser`), whose tokens Keygen's `Token.accessible_by` lets it see.
      const user = readable(ctx, 'token.read');
      const bearer = { type: 'users' as const, id: user.id };
      return pageReply(ctx, (window) => ctx.store.tokens.list(ctx.account.id, { bearer }, window), (token) => serializeToken(token, ctx));
    },
  },
];
