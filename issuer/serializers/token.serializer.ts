/** The token object, as in the reference's "Generate a license token" example. */
import { DEFAULT_LICENSE_PERMISSIONS } from '../domain/license-permissions.js';
import type { Token } from '../domain/types.js';
import { accountRelationship, iso, isoOrNull, toOne, type SerializeContext } from './common.js';

/**
 * What a license token may do: everything its license may. Keygen gives a new token the
 * wildcard permission (`Token` `has_permissions … default: %w[*]`), and `Token#permissions`
 * then answers the bearer's role permissions (keygen-api `app/models/token.rb`); the issuer
 * enforces exactly that, authenticating a license token as its license.
 */
const ACTIVATION_TOKEN_PERMISSIONS = DEFAULT_LICENSE_PERMISSIONS;

/**
 * Serializes a token. `secret` is the token itself: pass it only in the response that created
 * the token (it is not stored and is never shown again).
 */
export function serializeToken(token: Token, ctx: SerializeContext, secret?: string): Record<string, unknown> {
  const bearerPath = `${ctx.base}/${token.bearerType}/${token.bearerId}`;
  const attributes: Record<string, unknown> = { kind: token.kind };
  if (secret !== undefined) attributes.token = secret;
  attributes.expiry = isoOrNull(token.expiry);
  if (token.kind === 'activation-token') {
    attributes.permissions = ACTIVATION_TOKEN_PERMISSIONS;
    attributes.maxActivations = token.maxActivations;
    attributes.activations = token.activations;
    attributes.maxDeactivations = token.maxDeactivations;
    attributes.deactivations = token.deactivations;
  }
  attributes.created = iso(token.createdAt);
  attributes.updated = iso(token.updatedAt);
  return {
    id: token.id,
    type: 'tokens',
    attributes,
    relationships: {
      account: accountRelationship(ctx.base, token.accountId),
      bearer: toOne(bearerPath, token.bearerType, token.bearerId),
    },
    links: { self: `${ctx.base}/tokens/${token.id}` },
  };
}
