/**
 * The terms a file must meet to license this machine offline, from the vendor configuration
 * with its defaults applied: these are security terms, so only the vendor's configuration sets
 * them.
 */
import type { VendorConfig } from '../config/vendor-config.types.js';

/** Keygen's longest check-out: one year, as Keygen counts it (365.2425 days). */
export const DEFAULT_MAX_FILE_TTL_SECONDS = 31_556_952;
/** How far the clock may be off before time is distrusted: drift and small steps back. */
export const DEFAULT_CLOCK_TOLERANCE_MINUTES = 15;
/**
 * Slack on a file's lifetime: Keygen adds TTLs in calendar units (a "month" of 31 days, a leap
 * day in a year), so `expiry − issued` may exceed the TTL in seconds by up to a day.
 */
const CALENDAR_SLACK_MS = 86_400_000 + 3_600_000;

export interface OfflineTerms {
  /** The product every license must belong to, or null. */
  readonly product: string | null;
  /** Entitlement codes every license must grant. */
  readonly requiredEntitlements: readonly string[];
  readonly licenseFiles: 'never' | 'unlimited-only' | 'always';
  readonly allowPerpetual: boolean;
  /** The longest accepted lifetime of a file (ms), calendar slack included. */
  readonly maxFileLifetimeMs: number;
  /** The longest lifetime the vendor asks for (s), without slack: what a check-out asks and must get. */
  readonly maxFileTtlSeconds: number;
  /** How far this computer's clock may be off (ms). */
  readonly clockToleranceMs: number;
}

/** The vendor's terms, defaults applied; a check-out TTL, when set, is the longest lifetime. */
export function offlineTerms(config: VendorConfig): OfflineTerms {
  const offline = config.offline ?? {};
  const maxFileTtlSeconds = offline.maxFileTtl ?? (typeof config.checkoutTtl === 'number' ? config.checkoutTtl : DEFAULT_MAX_FILE_TTL_SECONDS);
  return {
    product: config.product,
    requiredEntitlements: config.requiredEntitlements ?? [],
    licenseFiles: offline.licenseFiles ?? 'unlimited-only',
    allowPerpetual: offline.allowPerpetual ?? config.checkoutTtl === null,
    maxFileLifetimeMs: maxFileTtlSeconds * 1000 + CALENDAR_SLACK_MS,
    maxFileTtlSeconds,
    clockToleranceMs: (offline.clockToleranceMinutes ?? DEFAULT_CLOCK_TOLERANCE_MINUTES) * 60_000,
  };
}
