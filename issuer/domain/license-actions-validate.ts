/**
 * One license validation against the store, as Keygen's validations controller runs it:
 * cull dead machines, decide (`validateLicense`), then record the validation on the license
 * (`lastValidatedAt` always, the validated version when a scope resolved one) and start the
 * license's clock when its policy expires it from the first validation.
 */
import type { Store } from '../db/store.js';
import { cullDeadMachines } from './culling.js';
import { expiryOnFirst } from './license-actions-expiry.js';
import type { License, Policy } from './types.js';
import { notFoundResult, validateLicense } from './validation.js';
import type { ValidationResult, ValidationScope } from './validation.types.js';
import { loadValidationInput } from './validation-input.js';

/** What a validation decided, and the license as it stands afterwards (null when not found). */
export interface ValidationOutcome {
  readonly result: ValidationResult;
  readonly license: License | null;
}

/** How a validation was asked for. */
export interface ValidationRequest {
  /** `false` is the quick (GET) validation: no scopes, and no first-validation expiry. */
  readonly scope: ValidationScope | false;
  readonly now: number;
}

/** The fingerprints a validation scope names (`fingerprint`, `fingerprints`), without blanks. */
function namedFingerprints(scope: ValidationScope): string[] {
  const named = [scope.fingerprint, ...(scope.fingerprints ?? [])];
  return named.filter((fingerprint): fingerprint is string => typeof fingerprint === 'string' && fingerprint !== '');
}

function policyOf(store: Store, license: License): Policy {
  const policy = store.policies.findById(license.accountId, license.policyId);
  if (policy === null) throw new Error(`license ${license.id} has no policy ${license.policyId}`);
  return policy;
}

/**
 * Validates `license` (null: an unknown key, NOT_FOUND) and records the validation. The
 * decision is made before the first-validation expiry is set, as in Keygen, where that expiry
 * follows the validation event. Throws only on a store failure.
 */
export function validateAndRecord(store: Store, license: License | null, request: ValidationRequest): ValidationOutcome {
  if (license === null) return { result: notFoundResult(), license: null };
  const { scope, now } = request;
  return store.transaction(() => {
    cullDeadMachines(store, license.id, now);
    const policy = policyOf(store, license);
    const result = validateLicense(loadValidationInput(store, license, policy, scope, now));
    const version = result.touches.lastValidatedVersion;
    let recorded = store.licenses.update(license, { lastValidatedAt: now, ...(version === undefined ? {} : { lastValidatedVersion: version }) }, now, {
      touch: false,
    });
    // The machines the validation named by fingerprint were seen now (the seat list's "last validated").
    if (scope !== false) store.machines.recordValidation(license.id, namedFingerprints(scope), now);
    const expiry = scope === false ? null : expiryOnFirst('validation', recorded, policy, now);
    if (expiry !== null) recorded = store.licenses.update(recorded, { expiry }, now);
    return { result, license: recorded };
  });
}
