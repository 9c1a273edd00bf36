/**
 * The `uses` counter of a license (increment-usage, decrement-usage): Keygen's License model
 * validations on `uses` — not below 0, not above the effective `maxUses` — plus the 4-byte
 * integer column it is stored in.
 */
import { invalidAttribute, type Invalid } from './invalid.js';

/** The largest value of Keygen's `uses` column (a PostgreSQL `integer`). */
export const MAX_USES_VALUE = 2_147_483_647;

/** The outcome of changing `uses` by a step. */
export type UsageChange =
  | { readonly kind: 'ok'; readonly uses: number }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'invalid'; readonly failure: Invalid };

/**
 * `uses + step` checked as Keygen's License model checks it. `too-large` when the step or the
 * result does not fit the column (Keygen's 400 "integer is too large"); `invalid` with
 * Keygen's 422 failure when the result is negative (`USES_INVALID`) or over `maxUses`
 * (`USES_LIMIT_EXCEEDED`); else the new count.
 */
export function changeUses(uses: number, step: number, maxUses: number | null): UsageChange {
  const next = uses + step;
  if (Math.abs(step) > MAX_USES_VALUE || next > MAX_USES_VALUE) return { kind: 'too-large' };
  if (next < 0) {
    return { kind: 'invalid', failure: invalidAttribute('uses', 'must be greater than or equal to 0', 'invalid') };
  }
  if (maxUses !== null && next > maxUses) {
    return {
      kind: 'invalid',
      failure: invalidAttribute('uses', `usage exceeds maximum allowed by current policy (${maxUses})`, 'limit_exceeded'),
    };
  }
  return { kind: 'ok', uses: next };
}
