/** The policy object (keygen-api PolicySerializer): attributes in `POLICY_FIELDS` order. */
import type { Policy } from '../domain/types.js';
import { POLICY_FIELDS } from '../domain/policy-fields.js';
import { accountRelationship, iso, toMany, toOne, type SerializeContext } from './common.js';

/** Serializes a policy resource object. */
export function serializePolicy(policy: Policy, ctx: SerializeContext): Record<string, unknown> {
  const self = `${ctx.base}/policies/${policy.id}`;
  const attributes: Record<string, unknown> = {};
  for (const field of POLICY_FIELDS) attributes[field.attr] = policy.attributes[field.attr] ?? null;
  attributes.created = iso(policy.createdAt);
  attributes.updated = iso(policy.updatedAt);
  return {
    id: policy.id,
    type: 'policies',
    attributes,
    relationships: {
      account: accountRelationship(ctx.base, policy.accountId),
      product: toOne(`${self}/product`, 'products', policy.productId),
      pool: toMany(`${self}/pool`),
      licenses: toMany(`${self}/licenses`),
      entitlements: toMany(`${self}/entitlements`),
    },
    links: { self },
  };
}
