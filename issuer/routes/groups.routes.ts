/**
 * `/groups` (read side): list, retrieve, and a group's users, licenses, machines and owners
 * (keygen-api `config/routes.rb` `resources :groups` with `groups/relationships`; links from
 * `GroupSerializer`). A product sees the groups holding its licenses, a license its own group.
 * The issuer keeps no group owners, so that list is always empty.
 */
import { bearerOf, ok, type RouteDefinition } from '../http/context.js';
import { authorize, licenseScope, productScope, type Target } from '../http/permissions.js';
import { serializeGroup } from '../serializers/group.serializer.js';
import { serializeUser } from '../serializers/user.serializer.js';
import type { RequestContext } from '../http/context.js';
import { findGroup } from './catalogue-lookup.js';
import { emptyReply, licensesReply, machinesReply, pageReply } from './related-lists.js';

/** A license bearer acts on groups through its own license (`licenseMay` checks the license); others need no target. */
function groupTarget(ctx: RequestContext): Target {
  const bearer = bearerOf(ctx);
  return bearer.kind === 'license' ? { type: 'license', license: bearer.license } : { type: 'none' };
}

/** Routes of the group resource and its relationships. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '/groups',
    auth: 'required',
    handler: (ctx) => {
      authorize(bearerOf(ctx), 'group.read', groupTarget(ctx));
      const scope = { productId: productScope(ctx.bearer), licenseId: licenseScope(ctx.bearer) };
      return pageReply(ctx, (window) => ctx.store.groups.list(ctx.account.id, window, scope), (group) => serializeGroup(group, ctx));
    },
  },
  {
    method: 'GET',
    path: '/groups/:id',
    auth: 'required',
    handler: (ctx) => {
      const group = findGroup(ctx);
      authorize(bearerOf(ctx), 'group.read', groupTarget(ctx));
      return ok({ data: serializeGroup(group, ctx) });
    },
  },
  {
    method: 'GET',
    path: '/groups/:id/users',
    auth: 'required',
    handler: (ctx) => {
      const group = findGroup(ctx);
      authorize(bearerOf(ctx), 'group.users.read', groupTarget(ctx));
      const productId = productScope(ctx.bearer);
      return pageReply(ctx, (window) => ctx.store.users.list(ctx.account.id, window, { productId, groupId: group.id }), (user) => serializeUser(user, ctx));
    },
  },
  {
    method: 'GET',
    path: '/groups/:id/licenses',
    auth: 'required',
    handler: (ctx) => {
      const group = findGroup(ctx);
      authorize(bearerOf(ctx), 'group.licenses.read', groupTarget(ctx));
      return licensesReply(ctx, { groupId: group.id });
    },
  },
  {
    method: 'GET',
    path: '/groups/:id/machines',
    auth: 'required',
    handler: (ctx) => {
      const group = findGroup(ctx);
      authorize(bearerOf(ctx), 'group.machines.read', groupTarget(ctx));
      return machinesReply(ctx, { groupId: group.id });
    },
  },
  {
    method: 'GET',
    path: '/groups/:id/owners',
    auth: 'required',
    handler: (ctx) => {
      findGroup(ctx);
      authorize(bearerOf(ctx), 'group.owners.read', groupTarget(ctx));
      return emptyReply(ctx);
    },
  },
];
