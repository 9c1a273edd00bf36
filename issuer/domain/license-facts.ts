/**
 * What a license is, derived from its row and its policy: status, expiry, limits, next check-in.
 * Pure functions of their inputs and the clock, shared by serializers, filters and auth.
 */
import { advance, checkInDuration } from './calendar.js';
import type { License, LicenseOverrides, PolicyRules } from './types.js';

export type LicenseStatus = 'ACTIVE' | 'INACTIVE' | 'EXPIRING' | 'EXPIRED' | 'SUSPENDED' | 'BANNED';

const DAY_MS = 86_400_000;
/** Activity within 90 days makes a license ACTIVE; expiry within 3 days makes it EXPIRING. */
const ACTIVE_WINDOW_MS = 90 * DAY_MS;
const EXPIRING_WINDOW_MS = 3 * DAY_MS;

/** Whether the license has an expiry in the past (`expiry < now`). */
export function isExpired(license: License, now: number): boolean {
  return license.expiry !== null && license.expiry < now;
}

/** Keygen's status at a glance, in its order of precedence (License#status). */
export function licenseStatus(license: License, ownerBanned: boolean, now: number): LicenseStatus {
  if (ownerBanned) return 'BANNED';
  if (license.suspended) return 'SUSPENDED';
  if (isExpired(license, now)) return 'EXPIRED';
  if (license.expiry !== null && license.expiry > now && license.expiry < now + EXPIRING_WINDOW_MS) return 'EXPIRING';
  const since = now - ACTIVE_WINDOW_MS;
  const active = [license.createdAt, license.lastValidatedAt, license.lastCheckOutAt, license.lastCheckInAt].some(
    (at) => at !== null && at >= since,
  );
  return active ? 'ACTIVE' : 'INACTIVE';
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
  if (!rules.requireCheckIn || license.lastCheckInAt === null) return null;
  const duration = checkInDuration(rules.checkInInterval ?? '', rules.checkInIntervalCount ?? 0);
  return duration === null ? null : advance(license.lastCheckInAt, duration);
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
