/**
 * Keygen's license validations (keygen-api `License` model) as 422 failures: key rules on
 * create, limit overrides against the policy's floating/node-locked kind, metadata size.
 */
import { invalidAttribute, invalidId, type Invalid } from './invalid.js';
import { MAX_METADATA_KEYS } from './metadata.js';
import { INT_MAX } from './policy-checks.js';
import type { LicenseOverrides, PolicyRules } from './types.js';

/** Keys that would shadow routes (`/licenses/actions/…`): Keygen's `EXCLUDED_ALIASES`. */
const RESERVED_KEYS = new Set(['actions', 'action']);
/** The reference: "Must be at least 8 characters." (Keygen: keys of policies without a scheme.) */
export const MIN_KEY_LENGTH = 8;
/** Keygen's cap on key length (100 KiB). */
export const MAX_KEY_LENGTH = 100 * 1024;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the key checks need to know about the account's existing licenses and the policy. */
export interface KeyLookup {
  readonly keyTaken: (key: string) => boolean;
  readonly idTaken: (id: string) => boolean;
  /** The policy's key scheme: a schemed key is a seed, of any length from one character. */
  readonly scheme: string | null;
  /** An encrypted `LEGACY_ENCRYPT` policy, whose keys are always generated. */
  readonly legacyEncrypted: boolean;
}

/**
 * Failures of a client-chosen key (and id) on create. Keygen validates the key as supplied,
 * before a scheme signs it, so for schemed policies these rules apply to the seed.
 */
export function checkNewKey(key: string | undefined, id: string | undefined, lookup: KeyLookup): Invalid[] {
  const failures: Invalid[] = [];
  if (id !== undefined && lookup.idTaken(id.toLowerCase())) failures.push(invalidId('must not conflict with another license', 'conflict'));
  if (key === undefined) return failures;
  if (lookup.legacyEncrypted) failures.push(invalidAttribute('key', 'cannot be specified for a legacy encrypted license', 'not_supported'));
  if (RESERVED_KEYS.has(key)) failures.push(invalidAttribute('key', 'is reserved', 'not_allowed'));
  else if (UUID_RE.test(key) && lookup.idTaken(key.toLowerCase())) {
    failures.push(invalidAttribute('key', "must not conflict with another license's identifier (UUID)", 'conflict'));
  } else if (lookup.scheme === null && key.length < MIN_KEY_LENGTH) {
    failures.push(invalidAttribute('key', `is too short (minimum is ${MIN_KEY_LENGTH} characters)`, 'too_short'));
  } else if (key.length > MAX_KEY_LENGTH) {
    failures.push(invalidAttribute('key', `is too long (maximum is ${MAX_KEY_LENGTH} characters)`, 'too_long'));
  } else if (lookup.keyTaken(key)) {
    failures.push(invalidAttribute('key', 'has already been taken', 'taken'));
  }
  return failures;
}

/** Failures of the limit overrides being set (only those present in `overrides`). */
export function checkOverrides(overrides: Partial<LicenseOverrides>, rules: PolicyRules): Invalid[] {
  const failures: Invalid[] = [];
  const machines = overrides.maxMachines;
  if (machines !== undefined && machines !== null) {
    if (machines < 0 || machines > INT_MAX) failures.push(invalidAttribute('maxMachines', `must be greater than or equal to 0 and less than or equal to ${INT_MAX}`, 'invalid'));
    else if (rules.floating && machines < 1) failures.push(invalidAttribute('maxMachines', 'must be greater than or equal to 1 for floating policy', 'invalid'));
    else if (!rules.floating && machines !== 1) failures.push(invalidAttribute('maxMachines', 'must be equal to 1 for non-floating policy', 'invalid'));
  }
  const minimums: ReadonlyArray<readonly [keyof LicenseOverrides, number]> = [
    ['maxCores', 1],
    ['maxMemory', 1],
    ['maxDisk', 1],
    ['maxUses', 0],
    ['maxProcesses', 0],
    ['maxUsers', 0],
  ];
  for (const [attr, min] of minimums) {
    const value = overrides[attr];
    if (value !== undefined && value !== null && (value < min || value > INT_MAX)) {
      failures.push(invalidAttribute(attr, `must be greater than or equal to ${min} and less than or equal to ${INT_MAX}`, 'invalid'));
    }
  }
  return failures;
}

/** Keygen's metadata limit. */
export function checkMetadata(metadata: Readonly<Record<string, unknown>> | undefined): Invalid[] {
  if (metadata === undefined || Object.keys(metadata).length <= MAX_METADATA_KEYS) return [];
  return [invalidAttribute('metadata', `too many keys (exceeded limit of ${MAX_METADATA_KEYS} keys)`, 'too_long')];
}
