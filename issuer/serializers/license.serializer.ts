/**
 * The license object, attribute for attribute as in the reference's example (keygen-licenses-api
 * "The license object" / "Create a license" 201): limits and flags inherited from the policy,
 * `status` computed at the request time, `relationships.users/machines.meta.count`.
 */
import { policyRules } from '../domain/policy-rules.js';
import type { Store } from '../db/store.js';
import { effectiveLimits, isProtected, licenseStatus, nextCheckIn } from '../domain/license-facts.js';
import { DEFAULT_LICENSE_PERMISSIONS } from '../domain/license-permissions.js';
import type { License, Policy } from '../domain/types.js';
import { accountRelationship, iso, isoOrNull, toMany, toOne, type SerializeContext } from './common.js';


/** Serializer context plus the store (for the policy, owner and counts) and a per-request policy cache. */
export interface LicenseSerializeContext extends SerializeContext {
  readonly store: Store;
  readonly policies?: Map<string, Policy>;
}

function policyFor(license: License, ctx: LicenseSerializeContext): Policy {
  const cached = ctx.policies?.get(license.policyId);
  if (cached !== undefined) return cached;
  const policy = ctx.store.policies.findById(license.accountId, license.policyId);
  if (policy === null) throw new Error(`license ${license.id} has no policy ${license.policyId}`);
  ctx.policies?.set(policy.id, policy);
  return policy;
}

/** Serializes a license resource object. */
export function serializeLicense(license: License, ctx: LicenseSerializeContext): Record<string, unknown> {
  const rules = policyRules(policyFor(license, ctx));
  const limits = effectiveLimits(license, rules);
  const owner = license.ownerId === null ? null : ctx.store.users.findById(license.accountId, license.ownerId);
  const self = `${ctx.base}/licenses/${license.id}`;
  return {
    id: license.id,
    type: 'licenses',
    links: { self },
    attributes: {
      name: license.name,
      key: license.key,
      expiry: isoOrNull(license.expiry),
      status: licenseStatus(license, owner?.bannedAt != null, ctx.now),
      uses: license.uses,
      protected: isProtected(license, rules),
      version: license.lastValidatedVersion,
      suspended: license.suspended,
      scheme: rules.scheme,
      encrypted: rules.encrypted,
      floating: rules.floating,
      strict: rules.strict,
      maxMachines: limits.maxMachines,
      maxProcesses: limits.maxProcesses,
      maxUsers: limits.maxUsers,
      maxCores: limits.maxCores,
      maxMemory: limits.maxMemory,
      maxDisk: limits.maxDisk,
      maxUses: limits.maxUses,
      requireHeartbeat: rules.requireHeartbeat,
      requireCheckIn: rules.requireCheckIn,
      lastValidated: isoOrNull(license.lastValidatedAt),
      lastCheckOut: isoOrNull(license.lastCheckOutAt),
      lastCheckIn: isoOrNull(license.lastCheckInAt),
      nextCheckIn: isoOrNull(nextCheckIn(license, rules)),
      permissions: DEFAULT_LICENSE_PERMISSIONS,
      metadata: license.metadata,
      created: iso(license.createdAt),
      updated: iso(license.updatedAt),
    },
    relationships: {
      account: accountRelationship(ctx.base, license.accountId),
      product: toOne(`${self}/product`, 'products', license.productId),
      policy: toOne(`${self}/policy`, 'policies', license.policyId),
      group: toOne(`${self}/group`, 'groups', license.groupId),
      owner: toOne(`${self}/owner`, 'users', license.ownerId),
      users: toMany(`${self}/users`, { count: ctx.store.licenses.attachedUserCount(license.id) }),
      machines: toMany(`${self}/machines`, { count: ctx.store.machines.countForLicense(license.id).count }),
      tokens: toMany(`${self}/tokens`),
      entitlements: toMany(`${self}/entitlements`),
    },
  };
}
