/** The product object (keygen-api ProductSerializer, CE attributes). */
import type { Product } from '../domain/types.js';
import { accountRelationship, iso, toMany, type SerializeContext } from './common.js';

/** Serializes a product resource object. */
export function serializeProduct(product: Product, ctx: SerializeContext): Record<string, unknown> {
  const self = `${ctx.base}/products/${product.id}`;
  return {
    id: product.id,
    type: 'products',
    attributes: {
      name: product.name,
      code: product.code,
      distributionStrategy: product.distributionStrategy,
      url: product.url,
      platforms: product.platforms,
      metadata: product.metadata,
      created: iso(product.createdAt),
      updated: iso(product.updatedAt),
    },
    relationships: {
      account: accountRelationship(ctx.base, product.accountId),
      policies: toMany(`${self}/policies`),
      licenses: toMany(`${self}/licenses`),
      machines: toMany(`${self}/machines`),
      users: toMany(`${self}/users`),
      tokens: toMany(`${self}/tokens`),
      platforms: toMany(`${self}/platforms`),
      channels: toMany(`${self}/channels`),
      releases: toMany(`${self}/releases`),
      artifacts: toMany(`${self}/artifacts`),
    },
    links: { self },
  };
}
