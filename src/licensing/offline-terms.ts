/**
 * The terms a file must meet to license this machine offline, as the verdict reads them: the
 * vendor's offline policy (`src/config/offline-policy.ts`, defaults applied), its product and
 * required entitlements, and the slack Keygen's calendar arithmetic needs.
 */
import { offlinePolicy } from '../config/offline-policy.js';
import type { VendorConfig } from '../config/vendor-config.types.js';

/**
 * Slack on `expiry − issued`: Keygen adds TTLs in calendar units (`issued + Duration.build(ttl)`),
 * so the span may exceed the TTL in seconds by up to about half a day; a day covers it.
 */
const CALENDAR_SLACK_MS = 86_400_000;

export interface OfflineTerms {
  /** The product every license must belong to, or null. */
  readonly product: string | null;
  /** Entitlement codes every license must grant. */
  readonly requiredEntitlements: readonly string[];
  readonly licenseFiles: 'never' | 'unlimited-only' | 'always';
  readonly allowPerpetual: boolean;
  /** The longest accepted TTL (s): compared with a file's signed `meta.ttl`. */
  readonly maxFileTtlSeconds: number;
  /** The longest accepted `expiry − issued` (ms), calendar slack included. */
  readonly maxFileLifetimeMs: number;
  /** How far this computer's clock may be off (ms). */
  readonly clockToleranceMs: number;
}

/** The vendor's terms, defaults applied. */
export function offlineTerms(config: VendorConfig): OfflineTerms {
  const policy = offlinePolicy(config);
  return {
    product: config.product,
    requiredEntitlements: config.requiredEntitlements ?? [],
    licenseFiles: policy.licenseFiles,
    allowPerpetual: policy.allowPerpetual,
    maxFileTtlSeconds: policy.maxFileTtl,
    maxFileLifetimeMs: policy.maxFileTtl * 1000 + CALENDAR_SLACK_MS,
    clockToleranceMs: policy.clockToleranceMinutes * 60_000,
  };
}
