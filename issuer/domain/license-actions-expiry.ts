/**
 * Expiry changes made by license actions: renewal by the policy's duration and renewal basis,
 * and the first-event expiry bases (Keygen's `set_expiry_on_first_validation!` and
 * `set_expiry_on_first_use!`). Durations are added the way Keygen adds them
 * (`ActiveSupport::Duration.build`, see duration.ts).
 */
import { addKeygenDuration } from './duration.js';
import { isExpired } from './license-facts.js';
import { policyRules } from './policy-rules.js';
import type { License, Policy } from './types.js';

/** Keygen's `renewalBasis` values. */
export type RenewalBasis = 'FROM_EXPIRY' | 'FROM_NOW' | 'FROM_NOW_IF_EXPIRED';

/** The first events that can start a license's clock (`expirationBasis` other than FROM_CREATION). */
export type FirstEvent = 'validation' | 'use';

const BASIS_FOR_EVENT: Readonly<Record<FirstEvent, string>> = {
  validation: 'FROM_FIRST_VALIDATION',
  use: 'FROM_FIRST_USE',
};

/** The policy's renewal basis; anything unknown is Keygen's default, FROM_EXPIRY. */
export function renewalBasis(policy: Policy): RenewalBasis {
  const basis = policy.attributes.renewalBasis;
  return basis === 'FROM_NOW' || basis === 'FROM_NOW_IF_EXPIRED' ? basis : 'FROM_EXPIRY';
}

/**
 * The expiry after a renewal at `now`, or null when the policy has no duration (the license
 * cannot be renewed). FROM_EXPIRY adds the duration to the current expiry, FROM_NOW to now,
 * FROM_NOW_IF_EXPIRED to now only when the license has already expired. A license without an
 * expiry renews from now (our choice: Keygen's `renew!` refuses it without saying why).
 */
export function renewedExpiry(license: License, policy: Policy, now: number): number | null {
  const duration = policyRules(policy).duration;
  if (duration === null) return null;
  let from: number;
  switch (renewalBasis(policy)) {
    case 'FROM_EXPIRY':
      from = license.expiry ?? now;
      break;
    case 'FROM_NOW':
      from = now;
      break;
    case 'FROM_NOW_IF_EXPIRED':
      from = license.expiry === null || isExpired(license, now) ? now : license.expiry;
      break;
  }
  return addKeygenDuration(from, duration).getTime();
}

/**
 * The expiry to set when `event` happens for the first time, or null when nothing changes: the
 * license already expires, the policy has no duration, or its expiration basis is another event.
 */
export function expiryOnFirst(event: FirstEvent, license: License, policy: Policy, now: number): number | null {
  const rules = policyRules(policy);
  if (license.expiry !== null || rules.duration === null || rules.expirationBasis !== BASIS_FOR_EVENT[event]) return null;
  return addKeygenDuration(now, rules.duration).getTime();
}
