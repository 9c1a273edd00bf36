/** `/entitlements`: create, retrieve, list. A license bearer lists the entitlements it has. */
import { z } from 'zod';
import { invalidAttribute } from '../domain/invalid.js';
import { MAX_METADATA_KEYS, normalizeMetadata } from '../domain/metadata.js';
import { bearerOf, created, ok, type RouteDefinition } from '../http/context.js';
import { notFound, unprocessable } from '../http/errors.js';
import { paginationLinks, parsePaging } from '../http/pagination.js';
import { metadata, parseDocument } from '../http/params.js';
import { authorize, licenseScope } from '../http/permissions.js';
import { serializeEntitlement } from '../serializers/entitlement.serializer.js';

const CREATE = z.strictObject({
  data: z.strictObject({
    type: z.enum(['entitlement', 'entitlements']),
    attributes: z.strictObject({ name: z.string(), code: z.string(), metadata: metadata().optional() }),
  }),
});

/** Routes of the entitlement resource. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'POST',
    path: '/entitlements',
    auth: 'required',
    handler: (ctx) => {
      const { data } = parseDocument(CREATE, ctx.body);
      authorize(bearerOf(ctx), 'entitlement.create');
      const { name, code } = data.attributes;
      const failures = [];
      if (name.trim() === '') failures.push(invalidAttribute('name', "can't be blank", 'missing'));
      if (code.trim() === '') failures.push(invalidAttribute('code', "can't be blank", 'missing'));
      else if (ctx.store.entitlements.findByCode(ctx.account.id, code) !== null) failures.push(invalidAttribute('code', 'has already been taken', 'taken'));
      if (Object.keys(data.attributes.metadata ?? {}).length > MAX_METADATA_KEYS) {
        failures.push(invalidAttribute('metadata', `too many keys (exceeded limit of ${MAX_METADATA_KEYS} keys)`, 'too_long'));
      }
      if (failures.length > 0) throw unprocessable('entitlements', failures);
      const entitlement = ctx.store.entitlements.create(
        ctx.account.id,
        { name, code, metadata: normalizeMetadata(data.attributes.metadata ?? {}) },
        ctx.now,
      );
      return created({ data: serializeEntitlement(entitlement, ctx) }, `${ctx.base}/entitlements/${entitlement.id}`);
    },
  },
  {
    method: 'GET',
    path: '/entitlements',
    auth: 'required',
    handler: (ctx) => {
      authorize(bearerOf(ctx), 'entitlement.read');
      const paging = parsePaging(ctx.query);
      const slice = ctx.store.entitlements.list(ctx.account.id, paging.window, { licenseId: licenseScope(ctx.bearer) });
      const links = paginationLinks(ctx.path, ctx.query, paging, slice.total);
      return ok({ data: slice.items.map((entitlement) => serializeEntitlement(entitlement, ctx)), ...(links ? { links } : {}) });
    },
  },
  {
    method: 'GET',
    path: '/entitlements/:id',
    auth: 'required',
    handler: (ctx) => {
      authorize(bearerOf(ctx), 'entitlement.read');
      const id = ctx.params.id ?? '';
      const entitlement = ctx.store.entitlements.findById(ctx.account.id, id.toLowerCase());
      const scope = licenseScope(ctx.bearer);
      const visible =
        entitlement !== null && (scope === undefined || ctx.store.entitlements.codesForLicense(scope).includes(entitlement.code));
      if (!visible) throw notFound('entitlement', id);
      return ok({ data: serializeEntitlement(entitlement, ctx) });
    },
  },
];
