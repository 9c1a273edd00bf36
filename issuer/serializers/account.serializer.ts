/**
 * The account object (keygen-api `AccountSerializer`): what every resource's `account`
 * relationship links to. Attributes are the ones the issuer keeps (name, slug, timestamps);
 * Keygen's billing-side `status`, `protected` and `apiVersion`, and its `meta` of public keys
 * in Keygen's own encodings, are left out rather than guessed. The relationships link the
 * collections the issuer keeps; Keygen's links to releases, artifacts, platforms, arches,
 * channels, pooled keys and webhooks are left out because the issuer keeps none of those.
 */
import type { Account } from '../domain/types.js';
import { iso, toMany } from './common.js';

/** The collections an account object links to, in Keygen's order. */
const COLLECTIONS = ['products', 'policies', 'users', 'licenses', 'machines', 'processes', 'tokens'] as const;

/** Serializes an account resource object. */
export function serializeAccount(account: Account): Record<string, unknown> {
  const self = `/v1/accounts/${account.id}`;
  return {
    id: account.id,
    type: 'accounts',
    attributes: { name: account.name, slug: account.slug, created: iso(account.createdAt), updated: iso(account.updatedAt) },
    relationships: Object.fromEntries(COLLECTIONS.map((name) => [name, toMany(`${self}/${name}`)])),
    links: { self },
  };
}
