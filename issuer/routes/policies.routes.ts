/** `/policies`: create, retrieve, update, list (`?product=`). */
import { z } from 'zod';
import { checkNewPolicyScheme, checkPolicy } from '../domain/policy-checks.js';
import { withPolicyDefaults } from '../domain/policy-defaults.js';
import { POLICY_FIELDS, type PolicyField } from '../domain/policy-fields.js';
import { normalizeMetadata } from '../domain/metadata.js';
import { bearerOf, created, ok, type RouteDefinition } from '../http/context.js';
import { unprocessable } from '../http/errors.js';
import { paginationLinks, parsePaging } from '../http/pagination.js';
import { linkage, metadata, parseDocument } from '../http/params.js';
import { authorize, productScope } from '../http/permissions.js';
import { scalarParam } from '../http/query.js';
import { serializePolicy } from '../serializers/policy.serializer.js';
import { findPolicy } from './catalogue-lookup.js';

function fieldSchema(field: PolicyField): z.ZodType {
  switch (field.kind) {
    case 'bool':
      return z.boolean();
    case 'int':
      return z.int().nullable();
    case 'json':
      return metadata();
    case 'text':
      return field.attr === 'name' ? z.string() : z.string().nullable();
  }
}

function attributesSchema(onCreate: boolean) {
  const shape: Record<string, z.ZodType> = {};
  for (const field of POLICY_FIELDS) if (field.writable && (onCreate || !field.createOnly)) shape[field.attr] = fieldSchema(field).optional();
  return z.strictObject(shape);
}

const TYPE = z.enum(['policy', 'policies']);
const CREATE = z.strictObject({
  data: z.strictObject({
    type: TYPE,
    attributes: attributesSchema(true),
    relationships: z.strictObject({ product: linkage(['product', 'products']) }),
  }),
});
const UPDATE = z.strictObject({
  data: z.strictObject({ type: TYPE, id: z.string().optional(), attributes: attributesSchema(false) }),
});

function normalized(attributes: Record<string, unknown>): Record<string, unknown> {
  const metadataValue = attributes.metadata as Record<string, unknown> | undefined;
  return metadataValue === undefined ? attributes : { ...attributes, metadata: normalizeMetadata(metadataValue) };
}

/** Routes of the policy resource. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'POST',
    path: '/policies',
    auth: 'required',
    handler: (ctx) => {
      const { data } = parseDocument(CREATE, ctx.body);
      const productId = data.relationships.product.data.id.toLowerCase();
      const product = ctx.store.products.findById(ctx.account.id, productId);
      if (product === null) {
        throw unprocessable('policies', [{ detail: 'must exist', code: 'PRODUCT_NOT_FOUND', pointer: '/data/relationships/product' }]);
      }
      authorize(bearerOf(ctx), 'policy.create', { type: 'product', productId });
      const attributes = withPolicyDefaults(normalized(data.attributes));
      const failures = [...checkPolicy({ ...attributes, maxMachines: data.attributes.maxMachines ?? null }), ...checkNewPolicyScheme(attributes)];
      if (failures.length > 0) throw unprocessable('policies', failures);
      const policy = ctx.store.policies.create(ctx.account.id, productId, attributes, ctx.now);
      return created({ data: serializePolicy(policy, ctx) }, `${ctx.base}/policies/${policy.id}`);
    },
  },
  {
    method: 'GET',
    path: '/policies',
    auth: 'required',
    handler: (ctx) => {
      authorize(bearerOf(ctx), 'policy.read');
      const paging = parsePaging(ctx.query);
      const scope = productScope(ctx.bearer);
      const requested = scalarParam(ctx.query, 'product') || undefined;
      const productId = scope ?? requested?.toLowerCase();
      const slice =
        scope !== undefined && requested !== undefined && requested.toLowerCase() !== scope
          ? { items: [], total: 0 }
          : ctx.store.policies.list(ctx.account.id, paging.window, { productId });
      const links = paginationLinks(ctx.path, ctx.query, paging, slice.total);
      return ok({ data: slice.items.map((policy) => serializePolicy(policy, ctx)), ...(links ? { links } : {}) });
    },
  },
  {
    method: 'GET',
    path: '/policies/:id',
    auth: 'required',
    handler: (ctx) => {
      const policy = findPolicy(ctx);
      authorize(bearerOf(ctx), 'policy.read', { type: 'policy', policy });
      return ok({ data: serializePolicy(policy, ctx) });
    },
  },
  {
    method: 'PATCH',
    path: '/policies/:id',
    auth: 'required',
    handler: (ctx) => {
      const policy = findPolicy(ctx);
      authorize(bearerOf(ctx), 'policy.update', { type: 'policy', policy });
      const { data } = parseDocument(UPDATE, ctx.body);
      const changes = normalized(data.attributes);
      const failures = checkPolicy({ ...policy.attributes, ...changes });
      if (failures.length > 0) throw unprocessable('policies', failures);
      return ok({ data: serializePolicy(ctx.store.policies.update(policy, changes, ctx.now), ctx) });
    },
  },
];
