/**
 * `/tokens`: list, retrieve, regenerate (`PUT`) and revoke (`DELETE`) API tokens, and
 * `GET /licenses/:id/tokens`. A bearer sees its own scope only: an admin every token of the
 * account, a product its own tokens and those of its licenses, a license its own tokens.
 * Secrets are stored hashed, so only a regenerate shows one (the new one), once.
 */
import type { TokenFilter } from '../db/tokens.repo.js';
import type { Token } from '../domain/types.js';
import { bearerOf, noContent, ok, type RequestContext, type Reply, type RouteDefinition } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { paginationLinks, parsePaging } from '../http/pagination.js';
import { authorize, type Target } from '../http/permissions.js';
import { serializeToken } from '../serializers/token.serializer.js';
import { findLicense, scopeOf } from './lookup.js';

/** What a token acts for, as a permission target: its license, its product, or a user (admins only). */
function targetOf(ctx: RequestContext, token: Token): Target | null {
  switch (token.bearerType) {
    case 'licenses': {
      const license = ctx.store.licenses.findById(ctx.account.id, token.bearerId);
      return license === null ? null : { type: 'license', license };
    }
    case 'products':
      return { type: 'product', productId: token.bearerId };
    case 'users': {
      const user = ctx.store.users.findById(ctx.account.id, token.bearerId);
      return user === null ? null : { type: 'user', user };
    }
  }
}

/** Whether the token lies in the bearer's scope (outside it, a token is a 404). */
function inScope(ctx: RequestContext, token: Token, target: Target): boolean {
  const { productId, licenseId } = scopeOf(ctx);
  if (licenseId !== undefined) return target.type === 'license' && target.license.id === licenseId;
  if (productId !== undefined) {
    return (target.type === 'product' && target.productId === productId) || (target.type === 'license' && target.license.productId === productId);
  }
  return token.accountId === ctx.account.id;
}

/** The token at `:id` within the bearer's scope, once the bearer may perform `action` on it. */
function tokenFor(ctx: RequestContext, action: 'token.read' | 'token.regenerate' | 'token.revoke'): Token {
  const id = (ctx.params.id ?? '').toLowerCase();
  const token = ctx.store.tokens.findById(ctx.account.id, id);
  const target = token === null ? null : targetOf(ctx, token);
  if (token === null || target === null || !inScope(ctx, token, target)) throw notFound('token', ctx.params.id);
  authorize(bearerOf(ctx), action, target);
  return token;
}

function list(ctx: RequestContext, filter: TokenFilter): Reply {
  const paging = parsePaging(ctx.query);
  const slice = ctx.store.tokens.list(ctx.account.id, filter, paging.window);
  const links = paginationLinks(ctx.path, ctx.query, paging, slice.total);
  return ok({ data: slice.items.map((token) => serializeToken(token, ctx)), ...(links ? { links } : {}) });
}

/** Routes of the token resource. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '/tokens',
    auth: 'required',
    handler: (ctx) => {
      authorize(bearerOf(ctx), 'token.read');
      const { productId, licenseId } = scopeOf(ctx);
      if (licenseId !== undefined) return list(ctx, { bearer: { type: 'licenses', id: licenseId } });
      return list(ctx, { productId });
    },
  },
  { method: 'GET', path: '/tokens/:id', auth: 'required', handler: (ctx) => ok({ data: serializeToken(tokenFor(ctx, 'token.read'), ctx) }) },
  {
    method: 'PUT',
    path: '/tokens/:id',
    auth: 'required',
    handler: (ctx) => {
      const { token, secret } = ctx.store.tokens.regenerate(tokenFor(ctx, 'token.regenerate'), ctx.now);
      return ok({ data: serializeToken(token, ctx, secret) });
    },
  },
  {
    method: 'DELETE',
    path: '/tokens/:id',
    auth: 'required',
    handler: (ctx) => {
      ctx.store.tokens.revoke(tokenFor(ctx, 'token.revoke'));
      return noContent();
    },
  },
  {
    method: 'GET',
    path: '/licenses/:id/tokens',
    auth: 'required',
    handler: (ctx) => {
      const license = findLicense(ctx);
      authorize(bearerOf(ctx), 'token.read', { type: 'license', license });
      return list(ctx, { bearer: { type: 'licenses', id: license.id } });
    },
  },
];
