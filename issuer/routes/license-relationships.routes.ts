/**
 * `/licenses/:id/…` relationships (reference "License relationships"; keygen-api
 * `Licenses::Relationships::*Controller`): the license's users and entitlements (list, show,
 * attach, detach) and its policy, product, owner and group (read, and change where Keygen
 * allows it: policy, owner, group). Every change answers with the license object, as Keygen does.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { overageStrategyOf, withinOverage } from '../domain/overage.js';
import { expiryFromDuration } from '../domain/expiry.js';
import { invalidRelationship, type Invalid } from '../domain/invalid.js';
import { effectiveLimits } from '../domain/license-facts.js';
import { policyRules } from '../domain/policy-rules.js';
import type { Group, License, Policy, User } from '../domain/types.js';
import { bearerOf, noContent, ok, type Reply, type RequestContext, type RouteDefinition } from '../http/context.js';
import { ApiError, badRequest, notFound, unprocessable } from '../http/errors.js';
import { paginationLinks, parsePaging } from '../http/pagination.js';
import { linkage, nullableLinkage, parseDocument, uuid } from '../http/params.js';
import { authorize } from '../http/permissions.js';
import { accountRelationship, iso, toOne } from '../serializers/common.js';
import { serializeEntitlement } from '../serializers/entitlement.serializer.js';
import { serializeGroup } from '../serializers/group.serializer.js';
import { serializeLicense } from '../serializers/license.serializer.js';
import { serializePolicy } from '../serializers/policy.serializer.js';
import { serializeProduct } from '../serializers/product.serializer.js';
import { serializeUser } from '../serializers/user.serializer.js';
import { findLicense, policyOf } from './lookup.js';

/** keygen-api's typed params cap attach/detach documents at 100 linkages. */
const MAX_LINKAGES = 100;

/** Uniqueness strategies from least to most strict (Keygen's `*_uniqueness_strategy_rank`). */
const UNIQUENESS_RANK = ['UNIQUE_PER_MACHINE', 'UNIQUE_PER_LICENSE', 'UNIQUE_PER_POLICY', 'UNIQUE_PER_PRODUCT', 'UNIQUE_PER_ACCOUNT'];

/**
 * Reads `{"data": [{"type", "id"}, …]}` and returns the ids, lower-cased, in request order.
 * Throws Keygen's 400s (typed params wording) for a bad document or an empty or oversized list.
 */
function parseLinkages(types: readonly [string, ...string[]], body: unknown): string[] {
  const { data } = parseDocument(z.strictObject({ data: z.array(z.strictObject({ type: z.enum(types), id: uuid() })) }), body);
  if (data.length < 1) throw badRequest('length must be greater than or equal to 1', { source: { pointer: '/data' } });
  if (data.length > MAX_LINKAGES) throw badRequest(`length must be less than or equal to ${MAX_LINKAGES}`, { source: { pointer: '/data' } });
  return data.map((item) => item.id.toLowerCase());
}

/** Keygen's `render_unprocessable_entity` (a 422 about the request, not a record: no code). */
function unprocessableEntity(detail: string, pointer: string): ApiError {
  return new ApiError(422, [{ title: 'Unprocessable entity', detail, source: { pointer } }]);
}

/** Keygen's `render_forbidden` with a reason and a pointer (no code). */
function forbidden(detail: string, pointer: string): ApiError {
  return new ApiError(403, [{ title: 'Access denied', detail, source: { pointer } }]);
}

/**
 * A stable UUID for a join row. The issuer's join tables are keyed by their two ids, so the
 * join object's id is derived from them (name-based, RFC 4122 §4.3 layout): the same
 * attachment always has the same id.
 */
function joinId(kind: string, licenseId: string, otherId: string): string {
  const hex = createHash('sha256').update(`${kind}/${licenseId}/${otherId}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A `license-users` or `license-entitlements` object, as in the reference's attach examples. */
function serializeJoin(ctx: RequestContext, license: License, join: { kind: 'users' | 'entitlements'; otherId: string; at: number }): Record<string, unknown> {
  const licenseLink = toOne(`${ctx.base}/licenses/${license.id}`, 'licenses', license.id);
  const otherLink = toOne(`${ctx.base}/${join.kind}/${join.otherId}`, join.kind, join.otherId);
  const account = accountRelationship(ctx.base, license.accountId);
  return {
    id: joinId(join.kind, license.id, join.otherId),
    type: `license-${join.kind}`,
    attributes: { created: iso(join.at), updated: iso(join.at) },
    relationships: join.kind === 'users' ? { account, license: licenseLink, user: otherLink } : { account, entitlement: otherLink, license: licenseLink },
    links: { related: `${ctx.base}/licenses/${license.id}/${join.kind}/${join.otherId}` },
  };
}


/** The list response: `data` plus `links` in page mode. */
function listReply<T>(ctx: RequestContext, list: (window: { limit: number; offset: number }) => { items: T[]; total: number }, serialize: (item: T) => unknown): Reply {
  const paging = parsePaging(ctx.query);
  const slice = list(paging.window);
  const links = paginationLinks(ctx.path, ctx.query, paging, slice.total);
  return ok({ data: slice.items.map(serialize), ...(links ? { links } : {}) });
}

/**
 * Attaches users. Each one must exist, not be attached yet (nor be the owner), and fit under
 * `maxUsers`, which counts the owner and every attached user (LicenseUser's validations).
 */
function attachUsers(ctx: RequestContext): Reply {
  const license = findLicense(ctx);
  authorize(bearerOf(ctx), 'license.users.attach', { type: 'license', license });
  const ids = parseLinkages(['user', 'users'], ctx.body);
  const policy = policyOf(ctx, license);
  const maxUsers = effectiveLimits(license, policyRules(policy)).maxUsers;
  let count = (license.ownerId === null ? 0 : 1) + ctx.store.licenses.attachedUserCount(license.id);
  const seen = new Set<string>();
  for (const id of ids) {
    const failures: Invalid[] = [];
    if (ctx.store.users.findById(ctx.account.id, id) === null) failures.push(invalidRelationship('user', 'must exist', 'not_found'));
    else if (seen.has(id) || ctx.store.licenses.userAttachedAt(license.id, id) !== null) failures.push(invalidRelationship('user', 'already exists', 'taken'));
    else if (id === license.ownerId) failures.push(invalidRelationship('user', 'already exists (user is attached through owner)', 'conflict'));
    if (maxUsers !== null && count + 1 > maxUsers && !withinOverage(overageStrategyOf(policy.attributes.overageStrategy), count + 1, maxUsers)) {
      // Keygen names this code after the singular (`USER_…`) though the pointer is the `users` relationship.
      failures.push({ detail: `user count has exceeded maximum allowed for license (${maxUsers})`, code: 'USER_LIMIT_EXCEEDED', pointer: '/data/relationships/users' });
    }
    if (failures.length > 0) throw unprocessable('licenses', failures);
    seen.add(id);
    count += 1;
  }
  ctx.store.transaction(() => ids.forEach((id) => ctx.store.licenses.attachUser(license, id, ctx.now)));
  return { status: 201, body: { data: ids.map((id) => serializeJoin(ctx, license, { kind: 'users', otherId: id, at: ctx.now })) } };
}

/** Detaches users: never the owner (403), and every one must be attached (422). */
function detachUsers(ctx: RequestContext): Reply {
  const license = findLicense(ctx);
  authorize(bearerOf(ctx), 'license.users.detach', { type: 'license', license });
  const ids = parseLinkages(['user', 'users'], ctx.body);
  const owner = license.ownerId === null ? -1 : ids.indexOf(license.ownerId);
  if (owner >= 0) throw forbidden(`cannot detach user '${ids[owner]}' (user is attached through owner)`, `/data/${owner}`);
  const missing = ids.findIndex((id) => ctx.store.licenses.userAttachedAt(license.id, id) === null);
  if (missing >= 0) throw unprocessableEntity(`cannot detach user '${ids[missing]}' (user is not attached)`, `/data/${missing}`);
  ctx.store.transaction(() => ids.forEach((id) => ctx.store.licenses.detachUser(license, id)));
  return noContent();
}

/** Attaches entitlements the license does not have yet, neither itself nor through its policy. */
function attachEntitlements(ctx: RequestContext): Reply {
  const license = findLicense(ctx);
  authorize(bearerOf(ctx), 'license.entitlements.attach', { type: 'license', license });
  const ids = parseLinkages(['entitlement', 'entitlements'], ctx.body);
  const seen = new Set<string>();
  for (const id of ids) {
    const failures: Invalid[] = [];
    if (ctx.store.entitlements.findById(ctx.account.id, id) === null) failures.push(invalidRelationship('entitlement', 'must exist', 'not_found'));
    else if (seen.has(id) || ctx.store.entitlements.licenseAttachedAt(license.id, id) !== null) failures.push(invalidRelationship('entitlement', 'already exists', 'taken'));
    else if (ctx.store.entitlements.grantedByPolicy(license.policyId, id)) {
      failures.push(invalidRelationship('entitlement', 'already exists (entitlement is attached through policy)', 'conflict'));
    }
    if (failures.length > 0) throw unprocessable('entitlements', failures);
    seen.add(id);
  }
  ctx.store.transaction(() => ids.forEach((id) => ctx.store.entitlements.attachToLicense(ctx.account.id, license.id, id, ctx.now)));
  return { status: 201, body: { data: ids.map((id) => serializeJoin(ctx, license, { kind: 'entitlements', otherId: id, at: ctx.now })) } };
}

/** Detaches the license's own entitlements: policy grants are detached from the policy (403). */
function detachEntitlements(ctx: RequestContext): Reply {
  const license = findLicense(ctx);
  authorize(bearerOf(ctx), 'license.entitlements.detach', { type: 'license', license });
  const ids = parseLinkages(['entitlement', 'entitlements'], ctx.body);
  const granted = ids.findIndex((id) => ctx.store.entitlements.grantedByPolicy(license.policyId, id));
  if (granted >= 0) throw forbidden(`cannot detach entitlement '${ids[granted]}' (entitlement is attached through policy)`, `/data/${granted}`);
  const missing = ids.findIndex((id) => ctx.store.entitlements.licenseAttachedAt(license.id, id) === null);
  if (missing >= 0) throw unprocessableEntity(`cannot detach entitlement '${ids[missing]}' (entitlement is not attached)`, `/data/${missing}`);
  ctx.store.transaction(() => ids.forEach((id) => ctx.store.entitlements.detachFromLicense(license.id, id)));
  return noContent();
}

/** Why `next` cannot replace `prev` (License's policy-change validation, first match wins), or null. */
function policyIncompatibility(prev: Policy, next: Policy): string | null {
  const a = prev.attributes;
  const b = next.attributes;
  const rank = (value: unknown, fallback: string): number => UNIQUENESS_RANK.indexOf(typeof value === 'string' ? value : fallback);
  if ((a.encrypted === true) !== (b.encrypted === true)) return 'cannot change from an encrypted policy to an unencrypted policy (or vice-versa)';
  if ((a.usePool === true) !== (b.usePool === true)) return 'cannot change from a pooled policy to an unpooled policy (or vice-versa)';
  if ((a.scheme ?? null) !== (b.scheme ?? null)) return 'cannot change to a policy with a different scheme';
  const [prevMachine, nextMachine] = [rank(a.machineUniquenessStrategy, 'UNIQUE_PER_LICENSE'), rank(b.machineUniquenessStrategy, 'UNIQUE_PER_LICENSE')];
  if (prevMachine !== nextMachine) return nextMachine > prevMachine ? 'cannot change to a policy with a more strict machine uniqueness strategy' : null;
  const [prevComponent, nextComponent] = [rank(a.componentUniquenessStrategy, 'UNIQUE_PER_MACHINE'), rank(b.componentUniquenessStrategy, 'UNIQUE_PER_MACHINE')];
  return nextComponent > prevComponent ? 'cannot change to a policy with a more strict component uniqueness strategy' : null;
}

/** Moves the license to another policy; `RESET_EXPIRY` restarts its expiry from the new policy's duration. */
function changePolicy(ctx: RequestContext): Reply {
  const bearer = bearerOf(ctx);
  const license = findLicense(ctx);
  authorize(bearer, 'license.policy.update', { type: 'license', license });
  const { data } = parseDocument(linkage(['policy', 'policies']), ctx.body);
  const next = ctx.store.policies.findById(ctx.account.id, data.id.toLowerCase());
  if (next === null) throw unprocessable('licenses', [invalidRelationship('policy', 'must exist', 'not_found')]);
  // A product may move its licenses only between its own policies.
  authorize(bearer, 'license.policy.update', { type: 'policy', policy: next });
  const incompatible = policyIncompatibility(policyOf(ctx, license), next);
  if (incompatible !== null) throw unprocessable('licenses', [invalidRelationship('policy', incompatible, 'not_compatible')]);
  const duration = policyRules(next).duration;
  const expiry = next.attributes.transferStrategy === 'RESET_EXPIRY' ? (duration === null ? null : expiryFromDuration(ctx.now, duration)) : license.expiry;
  const moved = ctx.store.transaction(() => ctx.store.licenses.transferPolicy(license, { policyId: next.id, productId: next.productId, expiry }, ctx.now));
  return ok({ data: serializeLicense(moved, { ...ctx }) });
}

/** The group's `maxLicenses` check for a license joining `group`. */
function groupLimitFailure(ctx: RequestContext, group: Group): Invalid | null {
  if (group.maxLicenses === null || ctx.store.licenses.countInGroup(group.id) < group.maxLicenses) return null;
  return invalidRelationship('group', `license count has exceeded maximum allowed by current group (${group.maxLicenses})`, 'license_limit_exceeded');
}

/** Sets or clears the owner. A new owner's group becomes the license's when it has none. */
function changeOwner(ctx: RequestContext): Reply {
  const license = findLicense(ctx);
  authorize(bearerOf(ctx), 'license.owner.update', { type: 'license', license });
  const { data } = parseDocument(nullableLinkage(['user', 'users']), ctx.body);
  const owner: User | null = data === null ? null : ctx.store.users.findById(ctx.account.id, data.id.toLowerCase());
  const changed = (owner?.id ?? null) !== license.ownerId;
  const groupId = changed && owner !== null && license.groupId === null ? owner.groupId : license.groupId;
  const group = groupId === null || groupId === license.groupId ? null : ctx.store.groups.findById(ctx.account.id, groupId);
  const failures: Invalid[] = [];
  if (data !== null && owner === null) failures.push(invalidRelationship('owner', 'must exist', 'not_found'));
  const overGroup = group === null ? null : groupLimitFailure(ctx, group);
  if (overGroup !== null) failures.push(overGroup);
  if (changed && owner !== null && ctx.store.licenses.userAttachedAt(license.id, owner.id) !== null) {
    failures.push(invalidRelationship('owner', 'already exists (user is attached through users)', 'invalid'));
  }
  if (failures.length > 0) throw unprocessable('licenses', failures);
  const updated = ctx.store.licenses.update(license, { ownerId: owner?.id ?? null, groupId }, ctx.now);
  return ok({ data: serializeLicense(updated, { ...ctx }) });
}

/** Sets or clears the group, within the group's `maxLicenses`. */
function changeGroup(ctx: RequestContext): Reply {
  const license = findLicense(ctx);
  authorize(bearerOf(ctx), 'license.group.update', { type: 'license', license });
  const { data } = parseDocument(nullableLinkage(['group', 'groups']), ctx.body);
  const group = data === null ? null : ctx.store.groups.findById(ctx.account.id, data.id.toLowerCase());
  if (data !== null && group === null) throw unprocessable('licenses', [invalidRelationship('group', 'must exist', 'not_found')]);
  const overGroup = group === null || group.id === license.groupId ? null : groupLimitFailure(ctx, group);
  if (overGroup !== null) throw unprocessable('licenses', [overGroup]);
  const updated = ctx.store.licenses.update(license, { groupId: group?.id ?? null }, ctx.now);
  return ok({ data: serializeLicense(updated, { ...ctx }) });
}

/** Routes of the license relationships. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '/licenses/:id/users',
    auth: 'required',
    handler: (ctx) => {
      const license = findLicense(ctx);
      authorize(bearerOf(ctx), 'user.read', { type: 'license', license });
      return listReply(ctx, (window) => ctx.store.users.listForLicense(ctx.account.id, license.id, window), (user) => serializeUser(user, ctx));
    },
  },
  {
    method: 'GET',
    path: '/licenses/:id/users/:user',
    auth: 'required',
    handler: (ctx) => {
      const license = findLicense(ctx);
      const id = ctx.params.user ?? '';
      const user = ctx.store.users.findForLicense(ctx.account.id, license.id, id);
      if (user === null) throw notFound('user', id);
      // The license is in the bearer's scope, so a product holds this user through it.
      authorize(bearerOf(ctx), 'user.read', { type: 'user', user, heldByProduct: true });
      return ok({ data: serializeUser(user, ctx) });
    },
  },
  { method: 'POST', path: '/licenses/:id/users', auth: 'required', handler: attachUsers },
  { method: 'DELETE', path: '/licenses/:id/users', auth: 'required', handler: detachUsers },
  {
    method: 'GET',
    path: '/licenses/:id/entitlements',
    auth: 'required',
    handler: (ctx) => {
      const license = findLicense(ctx);
      authorize(bearerOf(ctx), 'entitlement.read', { type: 'license', license });
      return listReply(ctx, (window) => ctx.store.entitlements.list(ctx.account.id, window, { licenseId: license.id }), (e) => serializeEntitlement(e, ctx));
    },
  },
  {
    method: 'GET',
    path: '/licenses/:id/entitlements/:entitlement',
    auth: 'required',
    handler: (ctx) => {
      const license = findLicense(ctx);
      authorize(bearerOf(ctx), 'entitlement.read', { type: 'license', license });
      const id = ctx.params.entitlement ?? '';
      const entitlement = ctx.store.entitlements.findForLicense(ctx.account.id, license.id, id.toLowerCase());
      if (entitlement === null) throw notFound('entitlement', id);
      return ok({ data: serializeEntitlement(entitlement, ctx) });
    },
  },
  { method: 'POST', path: '/licenses/:id/entitlements', auth: 'required', handler: attachEntitlements },
  { method: 'DELETE', path: '/licenses/:id/entitlements', auth: 'required', handler: detachEntitlements },
  {
    method: 'GET',
    path: '/licenses/:id/policy',
    auth: 'required',
    handler: (ctx) => {
      const policy = policyOf(ctx, findLicense(ctx));
      authorize(bearerOf(ctx), 'policy.read', { type: 'policy', policy });
      return ok({ data: serializePolicy(policy, ctx) });
    },
  },
  { method: 'PUT', path: '/licenses/:id/policy', auth: 'required', handler: changePolicy },
  {
    method: 'GET',
    path: '/licenses/:id/product',
    auth: 'required',
    handler: (ctx) => {
      const license = findLicense(ctx);
      authorize(bearerOf(ctx), 'product.read', { type: 'product', productId: license.productId });
      const product = ctx.store.products.findById(ctx.account.id, license.productId);
      if (product === null) throw notFound('product');
      return ok({ data: serializeProduct(product, ctx) });
    },
  },
  {
    method: 'GET',
    path: '/licenses/:id/owner',
    auth: 'required',
    handler: (ctx) => {
      const license = findLicense(ctx);
      const owner = license.ownerId === null ? null : ctx.store.users.findById(ctx.account.id, license.ownerId);
      authorize(bearerOf(ctx), 'user.read', owner === null ? { type: 'license', license } : { type: 'user', user: owner, heldByProduct: true });
      return ok({ data: owner === null ? null : serializeUser(owner, ctx) });
    },
  },
  { method: 'PUT', path: '/licenses/:id/owner', auth: 'required', handler: changeOwner },
  {
    method: 'GET',
    path: '/licenses/:id/group',
    auth: 'required',
    handler: (ctx) => {
      const license = findLicense(ctx);
      const group = license.groupId === null ? null : ctx.store.groups.findById(ctx.account.id, license.groupId);
      // Keygen's `License#group!`: no group is a 404, not `data: null`.
      if (group === null) throw notFound('group');
      authorize(bearerOf(ctx), 'group.read', { type: 'license', license });
      return ok({ data: serializeGroup(group, ctx) });
    },
  },
  { method: 'PUT', path: '/licenses/:id/group', auth: 'required', handler: changeGroup },
];
