/**
 * What a license is, derived from its row and its policy: status, expiry, limits, next check-in.
 * Pure functions of their inputs and the clock, shared by serializers, filters and auth.
 */
import { isExpired as isExpiredAt, licenseStatus as statusAt, nextCheckIn as nextCheckInAt } from './license-status.js';
import type { License, LicenseOverrides, PolicyRules } from './types.js';
import type { CheckInInterval, LicenseStatus } from './validation.types.js';

const CHECK_IN_INTERVALS: readonly CheckInInterval[] = ['day', 'week', 'month', 'year'];

export type { LicenseStatus };

/** Whether the license has an expiry in the past (`expiry < now`). */
export function isExpired(license: License, now: number): boolean {
  return isExpiredAt(license, now);
}

/** Keygen's status at a glance, in its order of precedence (License#status). */
export function licenseStatus(license: License, ownerBanned: boolean, now: number): LicenseStatus {
  return statusAt(
    {
      owner: { banned: ownerBanned },
      suspended: license.suspended,
      expiry: license.expiry,
      created: license.createdAt,
      lastValidated: license.lastValidatedAt,
      lastCheckOut: license.lastCheckOutAt,
      lastCheckIn: license.lastCheckInAt,
    },
    now,
  );
}

/** The license's limits: its own overrides, else the policy's. */
export function effectiveLimits(license: License, rules: PolicyRules): LicenseOverrides {
  const pick = (key: keyof LicenseOverrides): number | null => license.overrides[key] ?? rules[key];
  return {
    maxMachines: pick('maxMachines'),
    maxProcesses: pick('maxProcesses'),
    maxUsers: pick('maxUsers'),
    maxCores: pick('maxCores'),
    maxMemory: pick('maxMemory'),
    maxDisk: pick('maxDisk'),
    maxUses: pick('maxUses'),
  };
}

/** `protected`: the license's own value, else inherited from the policy. */
export function isProtected(license: License, rules: PolicyRules): boolean {
  return license.protected ?? rules.protected;
}

/** When the license must next check in; null when the policy does not require check-ins. */
export function nextCheckIn(license: License, rules: PolicyRules): number | null {
  const interval = CHECK_IN_INTERVALS.find((candidate) => candidate === rules.checkInInterval) ?? null;
  return nextCheckInAt({ requireCheckIn: rules.requireCheckIn, lastCheckIn: license.lastCheckInAt, checkInInterval: interval, checkInIntervalCount: rules.checkInIntervalCount });
}

/** Keygen's `revoke_access?`: an expired license under REVOKE_ACCESS may not authenticate. */
export function revokesAccessWhenExpired(rules: PolicyRules): boolean {
  return rules.expirationStrategy === 'REVOKE_ACCESS';
}

/** Whether license-key authentication (`Authorization: License …`) is allowed by the policy. */
export function allowsLicenseAuth(rules: PolicyRules): boolean {
  return rules.authenticationStrategy === 'LICENSE' || rules.authenticationStrategy === 'MIXED';
}

/** Whether a license token (`activ-…`) may authenticate (Keygen's `supports_token_auth?`). */
export function allowsTokenAuth(rules: PolicyRules): boolean {
  return rules.authenticationStrategy === 'TOKEN' || rules.authenticationStrategy === 'MIXED';
}
