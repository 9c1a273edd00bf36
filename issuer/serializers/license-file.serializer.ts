/**
 * License files: the `license-files` resource a POST check-out answers (keygen-api
 * LicenseFileSerializer), and the JSON:API document a license file carries (the license, and
 * the records asked for with `include`, each once, in the order first reached).
 */
import type { CertificateDocument, IssuedCertificate } from '../domain/certificate.js';
import { attachedUsersOf, entitlementsOf } from '../domain/checkout-records.js';
import type { License } from '../domain/types.js';
import { accountRelationship, iso, isoOrNull, toOne, type SerializeContext } from './common.js';
import { serializeEntitlement } from './entitlement.serializer.js';
import { serializeGroup } from './group.serializer.js';
import { serializeLicense, type LicenseSerializeContext } from './license.serializer.js';
import { serializePolicy } from './policy.serializer.js';
import { serializeProduct } from './product.serializer.js';
import { serializeUser } from './user.serializer.js';

type Resource = Record<string, unknown>;

/** `included`, without duplicates (a user can be both owner and licensee). */
export class IncludedResources {
  private readonly seen = new Set<string>();
  readonly items: Resource[] = [];

  /** Appends `resource` unless a resource of the same type and id is already there. */
  add(resource: Resource): void {
    const key = `${String(resource.type)}:${String(resource.id)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(resource);
  }
}

/** Adds full linkage (`data: [{type, id}]`) to a to-many relationship whose records are included. */
export function withLinkage(resource: Resource, name: string, related: readonly Resource[]): Resource {
  const relationships = resource.relationships as Record<string, Record<string, unknown>>;
  const data = related.map((item) => ({ type: item.type, id: item.id }));
  return { ...resource, relationships: { ...relationships, [name]: { ...relationships[name], data } } };
}

/**
 * The license resource with the records of `paths` (license-relative: `entitlements`,
 * `product`, `policy`, `group`, `owner`, `users`; `environment` has nothing to include in a
 * single-environment issuer) added to `included`.
 */
export function licenseWithIncludes(license: License, paths: readonly string[], included: IncludedResources, ctx: LicenseSerializeContext): Resource {
  let data = serializeLicense(license, ctx);
  const { store } = ctx;
  for (const path of paths) {
    switch (path) {
      case 'entitlements': {
        const entitlements = entitlementsOf(store, license).map((entitlement) => serializeEntitlement(entitlement, ctx));
        entitlements.forEach((entitlement) => included.add(entitlement));
        data = withLinkage(data, 'entitlements', entitlements);
        break;
      }
      case 'users': {
        const users = attachedUsersOf(store, license).map((user) => serializeUser(user, ctx));
        users.forEach((user) => included.add(user));
        data = withLinkage(data, 'users', users);
        break;
      }
      case 'product': {
        const product = store.products.findById(license.accountId, license.productId);
        if (product !== null) included.add(serializeProduct(product, ctx));
        break;
      }
      case 'policy': {
        const policy = store.policies.findById(license.accountId, license.policyId);
        if (policy !== null) included.add(serializePolicy(policy, ctx));
        break;
      }
      case 'group': {
        const group = license.groupId === null ? null : store.groups.findById(license.accountId, license.groupId);
        if (group !== null) included.add(serializeGroup(group, ctx));
        break;
      }
      case 'owner': {
        const owner = license.ownerId === null ? null : store.users.findById(license.accountId, license.ownerId);
        if (owner !== null) included.add(serializeUser(owner, ctx));
        break;
      }
      default:
        break;
    }
  }
  return data;
}

/** The document a license file carries; `included` is present whenever includes were asked for. */
export function licenseFileDocument(license: License, includes: readonly string[], ctx: LicenseSerializeContext): CertificateDocument {
  const included = new IncludedResources();
  const data = licenseWithIncludes(license, includes, included, ctx);
  return includes.length === 0 ? { data } : { data, included: included.items };
}

/** The `license-files` resource: attributes in Keygen's order, `account` and `license` relationships. */
export function serializeLicenseFile(file: IssuedCertificate, ctx: SerializeContext): Record<string, unknown> {
  return {
    id: file.id,
    type: 'license-files',
    attributes: certificateAttributes(file),
    relationships: {
      account: accountRelationship(ctx.base, file.accountId),
      license: toOne(`${ctx.base}/licenses/${file.licenseId}`, 'licenses', file.licenseId),
    },
  };
}

/** `certificate, algorithm, includes, ttl, expiry, issued`, shared by license and machine files. */
export function certificateAttributes(file: IssuedCertificate): Record<string, unknown> {
  return {
    certificate: file.certificate,
    algorithm: file.algorithm,
    includes: file.includes,
    ttl: file.ttl,
    expiry: isoOrNull(file.expiry),
    issued: iso(file.issued),
  };
}
