/** `/products`: create, retrieve, list, and product tokens (`POST /products/:id/tokens`). */
import { z } from 'zod';
import { MAX_METADATA_KEYS, normalizeMetadata } from '../domain/metadata.js';
import { invalidAttribute } from '../domain/invalid.js';
import { bearerOf, created, ok, type RouteDefinition } from '../http/context.js';
import { unprocessable } from '../http/errors.js';
import { paginationLinks, parsePaging } from '../http/pagination.js';
import { metadata, parseDocument, timestamp } from '../http/params.js';
import { authorize, productScope } from '../http/permissions.js';
import { serializeProduct } from '../serializers/product.serializer.js';
import { serializeToken } from '../serializers/token.serializer.js';
import { findProduct } from './catalogue-lookup.js';

const DISTRIBUTION_STRATEGIES = ['LICENSED', 'OPEN', 'CLOSED'];

const CREATE = z.strictObject({
  data: z.strictObject({
    type: z.enum(['product', 'products']),
    attributes: z.strictObject({
      name: z.string(),
      code: z.string().nullable().optional(),
      distributionStrategy: z.string().nullable().optional(),
      url: z.string().nullable().optional(),
      platforms: z.array(z.string()).nullable().optional(),
      metadata: metadata().optional(),
    }),
  }),
});

const CREATE_TOKEN = z.strictObject({
  data: z
    .strictObject({
      type: z.enum(['token', 'tokens']),
      attributes: z.strictObject({ name: z.string().nullable().optional(), expiry: timestamp().optional() }).optional(),
    })
    .optional(),
});

/** Routes of the product resource. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'POST',
    path: '/products',
    auth: 'required',
    handler: (ctx) => {
      const { data } = parseDocument(CREATE, ctx.body);
      authorize(bearerOf(ctx), 'product.create');
      const a = data.attributes;
      const failures = [];
      if (a.name.trim() === '') failures.push(invalidAttribute('name', "can't be blank", 'missing'));
      if (a.distributionStrategy != null && !DISTRIBUTION_STRATEGIES.includes(a.distributionStrategy)) {
        failures.push(invalidAttribute('distributionStrategy', 'unsupported distribution strategy', 'not_allowed'));
      }
      if (Object.keys(a.metadata ?? {}).length > MAX_METADATA_KEYS) {
        failures.push(invalidAttribute('metadata', `too many keys (exceeded limit of ${MAX_METADATA_KEYS} keys)`, 'too_long'));
      }
      if (failures.length > 0) throw unprocessable('products', failures);
      const product = ctx.store.products.create(ctx.account.id, { ...a, metadata: normalizeMetadata(a.metadata ?? {}) }, ctx.now);
      return created({ data: serializeProduct(product, ctx) }, `${ctx.base}/products/${product.id}`);
    },
  },
  {
    method: 'GET',
    path: '/products',
    auth: 'required',
    handler: (ctx) => {
      authorize(bearerOf(ctx), 'product.read');
      const paging = parsePaging(ctx.query);
      const slice = ctx.store.products.list(ctx.account.id, paging.window, productScope(ctx.bearer));
      const links = paginationLinks(ctx.path, ctx.query, paging, slice.total);
      return ok({ data: slice.items.map((product) => serializeProduct(product, ctx)), ...(links ? { links } : {}) });
    },
  },
  {
    method: 'GET',
    path: '/products/:id',
    auth: 'required',
    handler: (ctx) => {
      const product = findProduct(ctx);
      authorize(bearerOf(ctx), 'product.read', { type: 'product', productId: product.id });
      return ok({ data: serializeProduct(product, ctx) });
    },
  },
  {
    method: 'POST',
    path: '/products/:id/tokens',
    auth: 'required',
    handler: (ctx) => {
      const product = findProduct(ctx);
      authorize(bearerOf(ctx), 'product.tokens.generate', { type: 'product', productId: product.id });
      const { data } = parseDocument(CREATE_TOKEN, ctx.body ?? {});
      const expiry = data?.attributes?.expiry;
      const { token, secret } = ctx.store.tokens.create(
        ctx.account.id,
        {
          kind: 'product-token',
          bearerType: 'products',
          bearerId: product.id,
          name: data?.attributes?.name ?? null,
          expiry: expiry == null ? null : Date.parse(expiry),
        },
        ctx.now,
      );
      return created({ data: serializeToken(token, ctx, secret) }, `${ctx.base}/tokens/${token.id}`);
    },
  },
];
