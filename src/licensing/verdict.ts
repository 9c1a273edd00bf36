/**
 * The offline verdict on one installed license: a pure function of signed evidence (the
 * verified certificate, the server's kept answers, their dates), the vendor's terms and the
 * time. Nothing a person can edit without the vendor's key decides here.
 */
import type { FailureCode, Result } from '../contract/codes.js';
import type { ApiResource } from '../keygen/client.types.js';
import type { VerifiedLicenseFile } from '../license-file/types.js';
import { describeDuration } from './clock.js';
import { licenseOf, refusalOf, type ReadAnswer } from './evidence.js';
import { factsOf, fileExpiryOf, fileIssuedOf, isoOf, timeOf } from './facts.js';
import type { StatusReport, StatusWarning } from './manager.types.js';
import type { OfflineTerms } from './offline-terms.js';
import { failureReport, messageOf, withWarnings } from './status.js';
import type { InstalledRecord } from './state.types.js';

/** The time a decision is made at, and how far it can be trusted. */
export interface DecisionTime {
  /** The time decided at: the local clock, corrected by a fresh signed server time when this process has one. */
  readonly now: number;
  /** The local clock. */
  readonly local: number;
  /** Whether `now` comes from a fresh signed server time (then a wrong local clock does not matter). */
  readonly trusted: boolean;
  /** The latest signed date seen (files' `issued`, kept answers' `Date`); 0 when none. */
  readonly watermark: number;
  readonly toleranceMs: number;
}

/** Everything the verdict on one license rests on. */
export interface VerdictInputs {
  readonly record: InstalledRecord;
  /** The engine's result on the certificate, or the failure that kept it from reading it. */
  readonly verified: Result<VerifiedLicenseFile>;
  /** The record's kept answers, verified again (null when absent or no longer verifying). */
  readonly confirmation: ReadAnswer | null;
  readonly refusal: ReadAnswer | null;
  readonly keyHint: string | null;
  readonly time: DecisionTime;
  readonly terms: OfflineTerms;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "5 Jan 2027" (UTC): a date for people, the same on every machine. */
export function formatDay(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()] ?? ''} ${date.getUTCFullYear()}`;
}

/** The license attributes the newest signed evidence gives: a confirmation newer than the file, else the file's. */
function currentLicense(file: VerifiedLicenseFile, confirmation: ReadAnswer | null): ApiResource | null {
  const fromFile = file.license as ApiResource | null;
  const confirmed = confirmation === null ? null : licenseOf(confirmation);
  const issued = fileIssuedOf(file) ?? 0;
  return confirmed !== null && confirmation !== null && confirmation.date > issued ? confirmed : fromFile;
}

/** Why the file may not license this machine offline, or null when its terms are met. */
export function termsFailure(file: VerifiedLicenseFile, terms: OfflineTerms): FailureCode | null {
  if (file.kind === 'license') {
    const maxMachines = file.license?.attributes.maxMachines;
    const unlimited = maxMachines === null || maxMachines === undefined;
    if (terms.licenseFiles === 'never' || (terms.licenseFiles === 'unlimited-only' && !unlimited)) return 'MACHINE_FILE_REQUIRED';
  }
  const issued = fileIssuedOf(file);
  const expiry = fileExpiryOf(file);
  if (expiry === null) {
    if (!terms.allowPerpetual) return 'LICENSE_FILE_NEVER_EXPIRES';
  } else if (issued === null || expiry - issued > terms.maxFileLifetimeMs || (typeof file.meta.ttl === 'number' && file.meta.ttl > terms.maxFileTtlSeconds)) {
    // The signed TTL, and the span it gave on the calendar (a file without a TTL is judged by its span).
    return 'LICENSE_FILE_LIFETIME_TOO_LONG';
  }
  if (terms.product !== null) {
    const product = file.product?.id ?? relatedId(file.license, 'product');
    if (product === null || product.toLowerCase() !== terms.product.toLowerCase()) return 'PRODUCT_MISMATCH';
  }
  if (terms.requiredEntitlements.length > 0) {
    const granted = new Set(file.entitlements.map((entitlement) => entitlement.attributes.code));
    if (terms.requiredEntitlements.some((code) => !granted.has(code))) return 'ENTITLEMENTS_MISSING';
  }
  return null;
}

function relatedId(resource: { readonly relationships?: Readonly<Record<string, unknown>> } | null, name: string): string | null {
  const relationship = resource?.relationships?.[name] as { data?: { id?: unknown } } | undefined;
  const id = relationship?.data?.id;
  return typeof id === 'string' ? id : null;
}

/**
 * Decides one license offline. In order: a deactivation in progress; the engine's refusal of
 * the file (signature, decryption, binding: the engine leaves dates to this function); a clock
 * set back before the latest signed date (beyond the tolerance); a file issued in the future or
 * expired; the vendor's terms (what a license file may license, lifetime, product,
 * entitlements); a kept signed refusal newer than the file and than any confirmation; the
 * license's own signed state (suspended, expired, check-in overdue); else licensed. Never fails.
 */
export function judge(inputs: VerdictInputs): StatusReport {
  const { record, verified, time, terms } = inputs;
  if (record.deactivating !== null) return failureReport('DEACTIVATION_INCOMPLETE');
  if (!verified.ok) return failureReport(verified.code);
  const file = verified.value;
  if (!time.trusted && time.local < time.watermark - time.toleranceMs) {
    return {
      ...failureReport('CLOCK_ROLLED_BACK'),
      message: `This computer's clock says ${new Date(time.local).toISOString()}, but the licensing server's signed answers show that it was already ${new Date(time.watermark).toISOString()}.`,
    };
  }
  const issued = fileIssuedOf(file) ?? 0;
  const fileExpiry = fileExpiryOf(file);
  if (issued > time.now + time.toleranceMs) return failureReport('LICENSE_FILE_ISSUED_IN_FUTURE');
  // `meta.expiry` as given: Keygen adds TTLs in calendar units, so issued + ttl is wrong.
  if (fileExpiry !== null && time.now > fileExpiry) return { ...failureReport('LICENSE_FILE_EXPIRED'), license: factsOf(file, inputs.keyHint), fileExpiry: isoOf(fileExpiry) };
  const refusedByTerms = termsFailure(file, terms);
  if (refusedByTerms !== null) return failureReport(refusedByTerms);

  const refusal = inputs.refusal;
  const refusedAt = refusal === null ? null : refusal.date;
  // An answer's signed date (its Date header) has one-second resolution, a file's issue date
  // milliseconds: a refusal in the same second as the file or the confirmation is taken as the
  // later one (a confirmation that arrives after it clears it anyway).
  const issuedSecond = Math.floor(issued / 1000) * 1000;
  if (refusal !== null && refusedAt !== null && refusedAt >= issuedSecond && refusedAt >= (inputs.confirmation?.date ?? 0)) {
    const code = refusalOf(refusal, record.kind);
    if (code !== null) return { ...failureReport(code), source: 'offline', license: factsOf(file, inputs.keyHint) };
  }

  const license = currentLicense(file, inputs.confirmation);
  const attributes = license?.attributes ?? {};
  const expiry = timeOf(attributes.expiry);
  const strategy = file.policy?.attributes.expirationStrategy;
  const keepsAccess = strategy === 'MAINTAIN_ACCESS' || strategy === 'ALLOW_ACCESS';
  const nextCheckIn = timeOf(attributes.nextCheckIn);
  const lastCheckIn = timeOf(attributes.lastCheckIn);
  let code: 'VALID' | FailureCode = 'VALID';
  if (attributes.suspended === true) code = 'SUSPENDED';
  else if (expiry !== null && expiry <= time.now && !keepsAccess) code = 'EXPIRED';
  else if (nextCheckIn !== null && nextCheckIn <= time.now) code = 'OVERDUE';

  const facts = factsOf(file, inputs.keyHint);
  const report: StatusReport = {
    licensed: code === 'VALID',
    code,
    message: messageOf(code),
    summary: messageOf(code),
    source: 'offline',
    license: license === null ? facts : { ...facts, status: typeof attributes.status === 'string' ? attributes.status : facts.status, expiry: isoOf(expiry) },
    fileExpiry: isoOf(fileExpiry),
    lastCheckIn: isoOf(lastCheckIn),
    nextCheckIn: isoOf(nextCheckIn),
    basis: {
      kind: file.kind === 'machine' ? 'machine-file' : 'license-file',
      until: isoOf(earliest([fileExpiry, keepsAccess ? null : expiry])),
      checkInBy: isoOf(nextCheckIn),
    },
    warnings: [],
  };
  return withWarnings(report, lastCheckIn, time.now);
}

function earliest(times: readonly (number | null)[]): number | null {
  const known = times.filter((value): value is number => value !== null);
  return known.length === 0 ? null : Math.min(...known);
}

/** "Licensed offline until 5 Jan 2027 (machine file); check in by 12 Dec 2026.": what a licensed verdict rests on; else why not. */
export function summaryOf(report: StatusReport): string {
  if (!report.licensed) return report.message;
  const basis = report.basis;
  if (basis === null) return report.message;
  const what = basis.kind === 'machine-file' ? 'machine file' : 'license file';
  const where = report.source === 'online' ? 'Licensed (confirmed online now)' : 'Licensed offline';
  const until = timeOf(basis.until);
  const checkIn = timeOf(basis.checkInBy);
  return `${where}${until === null ? '' : ` until ${formatDay(until)}`} (${what})${checkIn === null ? '' : `; check in by ${formatDay(checkIn)}`}.`;
}

/** The report with its summary sentence made from what it says now. */
export function withSummary(report: StatusReport): StatusReport {
  return { ...report, summary: summaryOf(report) };
}

/** The warning when this computer's clock and the licensing server's differ by more than the tolerance. */
export function clockWarning(local: number, server: number, toleranceMs: number): StatusWarning | null {
  const skew = local - server;
  if (Math.abs(skew) <= toleranceMs) return null;
  const side = skew > 0 ? 'ahead of' : 'behind';
  return {
    code: 'CLOCK_SKEWED',
    message: `This computer's clock is ${describeDuration(skew)} ${side} the licensing server's (here ${new Date(local).toISOString()}, server ${new Date(server).toISOString()}): set it to automatic time.`,
    at: new Date(server).toISOString(),
  };
}
