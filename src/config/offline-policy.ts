/**
 * The vendor's terms for licensing offline (`offline` in `tessera.config.json`): strict parsing,
 * the checks across fields, and the terms with their defaults applied (`offlinePolicy`), which
 * the verdict reads. They are security terms: only the shipped configuration sets them (or, in a
 * development build, the override or the embedded issuer's file).
 */
import { accept, isPlainObject, own, reject, unknownKeys, type Field } from './config-fields.js';
import type { LicenseFileRule, OfflineSettings, VendorConfig } from './vendor-config.types.js';

export const LICENSE_FILE_RULES: readonly LicenseFileRule[] = ['never', 'unlimited-only', 'always'];

/** Keygen's shortest check-out TTL (`1.hour`; shorter is CHECKOUT_TTL_INVALID). */
export const MIN_FILE_TTL = 3_600;
/**
 * Keygen's maximum check-out TTL, `1.year` as ActiveSupport counts it (365.2425 days): keygen-api's
 * `LicenseFile` validated `ttl <= 1.year` until #796 lifted the cap. The default longest lifetime.
 */
export const KEYGEN_MAX_FILE_TTL = 31_556_952;
/** Keygen's default check-out TTL (`1.month`, 2629746 s), what a check-out without `checkoutTtl` gets. */
export const KEYGEN_DEFAULT_CHECKOUT_TTL = 2_629_746;
/** 1000 ActiveSupport years (the local issuer's bound): any longer and an expiry is no longer a representable date. */
export const MAX_FILE_TTL = 1_000 * KEYGEN_MAX_FILE_TTL;
export const DEFAULT_CLOCK_TOLERANCE_MINUTES = 15;
const MAX_CLOCK_TOLERANCE_MINUTES = 1_440;

const OFFLINE_KEYS: ReadonlySet<string> = new Set(['licenseFiles', 'allowPerpetual', 'maxFileTtl', 'clockToleranceMinutes']);

/** The offline terms with the defaults applied. */
export interface OfflinePolicy {
  /** Whether a license file (not bound to a machine) may license this machine offline. */
  readonly licenseFiles: LicenseFileRule;
  /** Whether a file that never expires (`meta.expiry` null) is accepted. */
  readonly allowPerpetual: boolean;
  /**
   * Longest accepted file lifetime, in seconds. Compare it with the file's signed `meta.ttl`:
   * Keygen computes `expiry` as `issued + ActiveSupport::Duration.build(ttl)` on the calendar,
   * which differs from `issued + ttl` by up to about half a day (keygen-protocol.md, "expiry is not issued + ttl").
   */
  readonly maxFileTtl: number;
  /** How far the local clock may be off, in minutes. */
  readonly clockToleranceMinutes: number;
}

const wholeNumber = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;

/**
 * Parses the `offline` group. The problem, when there is one, is a whole sentence naming the
 * field (`"offline.maxFileTtl" must be …`).
 */
export function parseOfflineSettings(value: unknown): Field<OfflineSettings | undefined> {
  if (value === undefined) return accept(undefined);
  if (!isPlainObject(value)) return reject('"offline" must be an object (licenseFiles, allowPerpetual, maxFileTtl, clockToleranceMinutes)');
  const unknown = unknownKeys(value, OFFLINE_KEYS, 'offline.');
  if (unknown !== null) return reject(unknown);

  const licenseFiles = own(value, 'licenseFiles');
  if (licenseFiles !== undefined && !(LICENSE_FILE_RULES as readonly unknown[]).includes(licenseFiles)) {
    return reject(`"offline.licenseFiles" must be one of ${LICENSE_FILE_RULES.map((rule) => `"${rule}"`).join(', ')}`);
  }
  const allowPerpetual = own(value, 'allowPerpetual');
  if (allowPerpetual !== undefined && typeof allowPerpetual !== 'boolean') return reject('"offline.allowPerpetual" must be true or false');
  const maxFileTtl = own(value, 'maxFileTtl');
  if (maxFileTtl !== undefined && !wholeNumber(maxFileTtl, MIN_FILE_TTL, MAX_FILE_TTL)) {
    return reject(`"offline.maxFileTtl" must be a whole number of seconds from ${MIN_FILE_TTL} (1 hour) to ${MAX_FILE_TTL}`);
  }
  const tolerance = own(value, 'clockToleranceMinutes');
  if (tolerance !== undefined && !wholeNumber(tolerance, 1, MAX_CLOCK_TOLERANCE_MINUTES)) {
    return reject(`"offline.clockToleranceMinutes" must be a whole number of minutes from 1 to ${MAX_CLOCK_TOLERANCE_MINUTES}`);
  }
  return accept({
    ...(licenseFiles === undefined ? {} : { licenseFiles: licenseFiles as LicenseFileRule }),
    ...(allowPerpetual === undefined ? {} : { allowPerpetual }),
    ...(maxFileTtl === undefined ? {} : { maxFileTtl }),
    ...(tolerance === undefined ? {} : { clockToleranceMinutes: tolerance }),
  });
}

/**
 * Checks the offline terms against the check-out TTL: Tessera must accept the files it asks
 * for. Returns the problem as a sentence, or null.
 */
export function offlineTermsProblem(checkoutTtl: number | null | undefined, offline: OfflineSettings | undefined): string | null {
  if (checkoutTtl === null && offline?.allowPerpetual !== true) {
    return '"checkoutTtl" is null, which asks for files that never expire: set "offline.allowPerpetual": true to accept them, or give checkoutTtl in seconds';
  }
  const maxFileTtl = offline?.maxFileTtl;
  if (maxFileTtl === undefined) return null;
  if (typeof checkoutTtl === 'number' && checkoutTtl > maxFileTtl) {
    return `"checkoutTtl" (${checkoutTtl} s) is longer than "offline.maxFileTtl" (${maxFileTtl} s): Tessera would refuse the files it asks for`;
  }
  if (checkoutTtl === undefined && KEYGEN_DEFAULT_CHECKOUT_TTL > maxFileTtl) {
    return `"offline.maxFileTtl" (${maxFileTtl} s) is shorter than the check-out TTL Keygen uses when none is given (${KEYGEN_DEFAULT_CHECKOUT_TTL} s, 1 month): set "checkoutTtl" too`;
  }
  return null;
}

/**
 * The vendor's offline terms with the defaults applied: license files only for licenses without
 * a machine limit, no file that never expires, a lifetime up to `checkoutTtl` when set (else one
 * Keygen year), a clock tolerance of 15 minutes.
 */
export function offlinePolicy(config: Pick<VendorConfig, 'checkoutTtl' | 'offline'>): OfflinePolicy {
  const offline = config.offline ?? {};
  return {
    licenseFiles: offline.licenseFiles ?? 'unlimited-only',
    allowPerpetual: offline.allowPerpetual ?? false,
    maxFileTtl: offline.maxFileTtl ?? (typeof config.checkoutTtl === 'number' ? config.checkoutTtl : KEYGEN_MAX_FILE_TTL),
    clockToleranceMinutes: offline.clockToleranceMinutes ?? DEFAULT_CLOCK_TOLERANCE_MINUTES,
  };
}
