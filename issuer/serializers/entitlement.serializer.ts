/** The entitlement object, as in the reference's "List license entitlements" example. */
import type { Entitlement } from '../domain/types.js';
import { accountRelationship, iso, type SerializeContext } from './common.js';

/** Serializes an entitlement resource object. */
export function serializeEntitlement(entitlement: Entitlement, ctx: SerializeContext): Record<string, unknown> {
  return {
    id: entitlement.id,
    type: 'entitlements',
    attributes: {
      name: entitlement.name,
      code: entitlement.code,
      metadata: entitlement.metadata,
      created: iso(entitlement.createdAt),
      updated: iso(entitlement.updatedAt),
    },
    relationships: { account: accountRelationship(ctx.base, entitlement.accountId) },
    links: { self: `${ctx.base}/entitlements/${entitlement.id}` },
  };
}
