/**
 * The status decision: offline from the stored, verified certificate first, then refined by what
 * the licensing server answers. Pure: the manager gathers the inputs (engine result, clock,
 * server answer) and these functions decide.
 */
import { isFailureCode, type FailureCode, type Result } from '../contract/codes.js';
import { messageFor } from '../contract/messages.js';
import type { ApiResource, Validation } from '../keygen/client.types.js';
import type { VerifiedLicenseFile } from '../license-file/types.js';
import { factsOf, fileExpiryOf, isoOf, licenseTimesOf, timeOf, withLiveLicense } from './facts.js';
import type { InstalledLicense, LicenseFacts, StatusReport, StatusWarning } from './manager.types.js';
import type { InstalledRecord } from './state.types.js';

const DAY = 86_400_000;
/** A license expiring sooner than this is announced. */
export const LICENSE_EXPIRING_WITHIN_MS = 30 * DAY;
/** A file expiring sooner than this is announced (it needs a connection to be renewed). */
export const FILE_EXPIRING_WITHIN_MS = 3 * DAY;
/** A check-in due sooner than this (or a quarter of its interval, when shorter) is announced. */
export const CHECK_IN_DUE_WITHIN_MS = DAY;

/** Answers from the server that say nothing about the license: the stored file decides meanwhile. */
const SERVER_SILENT: ReadonlySet<FailureCode> = new Set(['ISSUER_UNREACHABLE', 'ISSUER_RATE_LIMITED', 'ISSUER_ERROR']);

/** Policies under which an expired license keeps working (Keygen's `expirationStrategy`). */
const KEEPS_ACCESS_WHEN_EXPIRED: ReadonlySet<string> = new Set(['MAINTAIN_ACCESS', 'ALLOW_ACCESS']);

const VALID_MESSAGE = 'This machine is licensed.';

/** A Keygen code as one of ours; a code we do not know is a plain refusal. */
export function asFailureCode(code: string): FailureCode {
  return isFailureCode(code) ? code : 'REQUEST_REFUSED';
}

function messageOf(code: 'VALID' | FailureCode): string {
  return code === 'VALID' ? VALID_MESSAGE : messageFor(code).message;
}

/** The report when nothing is installed. */
export function notActivatedReport(): StatusReport {
  return {
    licensed: false,
    code: 'NOT_ACTIVATED',
    message: messageOf('NOT_ACTIVATED'),
    source: 'offline',
    license: null,
    fileExpiry: null,
    lastCheckIn: null,
    nextCheckIn: null,
    warnings: [],
  };
}

/** The report for a failure that prevents any decision (unreadable state, keychain down). */
export function failureReport(code: FailureCode, record: InstalledRecord | null): StatusReport {
  return {
    ...notActivatedReport(),
    code,
    message: messageOf(code),
    lastCheckIn: isoOf(record?.lastCheckInAt ?? null),
    nextCheckIn: isoOf(record?.nextCheckInAt ?? null),
  };
}

/** What the offline decision needs about one installed license. */
export interface OfflineInputs {
  readonly record: InstalledRecord;
  /** The engine's verdict on the stored certificate, or the failure that kept it from reading it. */
  readonly verified: Result<VerifiedLicenseFile>;
  /** The masked license key, or null. */
  readonly keyHint: string | null;
  readonly now: number;
}

/**
 * Decides from the stored certificate alone: the engine's code when it refused the file, else
 * SUSPENDED (signed in the file), EXPIRED (the license's own expiry, unless the policy keeps
 * access), OVERDUE (the next check-in passed), else VALID. Never fails.
 */
export function decideOffline(inputs: OfflineInputs): StatusReport {
  const { record, verified, keyHint, now } = inputs;
  if (!verified.ok) return failureReport(verified.code, record);
  const file = verified.value;
  const times = licenseTimesOf(file);
  const nextCheckIn = record.nextCheckInAt ?? times.nextCheckIn;
  const strategy = file.policy?.attributes.expirationStrategy;
  const keepsAccess = typeof strategy === 'string' && KEEPS_ACCESS_WHEN_EXPIRED.has(strategy);
  let code: 'VALID' | FailureCode = 'VALID';
  if (times.suspended) code = 'SUSPENDED';
  else if (times.expiry !== null && times.expiry <= now && !keepsAccess) code = 'EXPIRED';
  else if (nextCheckIn !== null && nextCheckIn <= now) code = 'OVERDUE';
  return withWarnings(
    {
      licensed: code === 'VALID',
      code,
      message: messageOf(code),
      source: 'offline',
      license: factsOf(file, keyHint),
      fileExpiry: isoOf(fileExpiryOf(file)),
      lastCheckIn: isoOf(record.lastCheckInAt),
      nextCheckIn: isoOf(nextCheckIn),
      warnings: [],
    },
    record.lastCheckInAt,
    now,
  );
}

/** Facts from the server's license alone, when the stored file could not be read. */
function liveFacts(license: ApiResource, keyHint: string | null): LicenseFacts {
  const empty: LicenseFacts = {
    id: license.id,
    name: null,
    keyHint,
    status: null,
    expiry: null,
    policy: null,
    product: null,
    entitlements: [],
    machine: null,
  };
  return withLiveLicense(empty, license);
}

/**
 * Refines an offline report with the server's answer. A verified validation decides (source
 * `online`); an unreachable, rate-limited or failing server leaves the offline answer; an answer
 * that cannot be trusted (signature, nonce, scope, malformed) or a refusal is "not licensed" with
 * its code. `lastCheckInAt` and `now` recompute the warnings.
 */
export function mergeOnline(
  offline: StatusReport,
  answer: Result<Validation>,
  context: { readonly keyHint: string | null; readonly lastCheckInAt: number | null; readonly now: number },
): StatusReport {
  if (!answer.ok) {
    if (SERVER_SILENT.has(answer.code)) return offline;
    return withWarnings({ ...offline, licensed: false, code: answer.code, message: messageOf(answer.code), source: 'online' }, context.lastCheckInAt, context.now);
  }
  const { valid, code: keygenCode, license } = answer.value;
  const code: 'VALID' | FailureCode = valid ? 'VALID' : asFailureCode(keygenCode);
  let facts = offline.license;
  if (license !== null) facts = facts === null ? liveFacts(license, context.keyHint) : withLiveLicense(facts, license);
  const liveNext = license === null ? undefined : license.attributes.nextCheckIn;
  const nextCheckIn = liveNext === undefined ? offline.nextCheckIn : isoOf(timeOf(liveNext));
  return withWarnings(
    { ...offline, licensed: valid, code, message: messageOf(code), source: 'online', license: facts, nextCheckIn },
    context.lastCheckInAt,
    context.now,
  );
}

/** The warnings of a report: only a licensed report carries any. */
export function withWarnings(report: StatusReport, lastCheckInAt: number | null, now: number): StatusReport {
  return { ...report, warnings: report.licensed ? warningsFor(report, lastCheckInAt, now) : [] };
}

function warningsFor(report: StatusReport, lastCheckInAt: number | null, now: number): StatusWarning[] {
  const warnings: StatusWarning[] = [];
  const licenseExpiry = timeOf(report.license?.expiry ?? null);
  if (licenseExpiry !== null && licenseExpiry - now <= LICENSE_EXPIRING_WITHIN_MS) {
    const at = new Date(licenseExpiry).toISOString();
    const message = licenseExpiry <= now ? `The license expired on ${at}.` : `The license expires on ${at}.`;
    warnings.push({ code: 'LICENSE_EXPIRING', message, at });
  }
  const fileExpiry = timeOf(report.fileExpiry);
  if (fileExpiry !== null && fileExpiry - now <= FILE_EXPIRING_WITHIN_MS) {
    const at = new Date(fileExpiry).toISOString();
    warnings.push({ code: 'FILE_EXPIRING', message: `The license file stops working offline on ${at}: connect to renew it.`, at });
  }
  const nextCheckIn = timeOf(report.nextCheckIn);
  if (nextCheckIn !== null) {
    const interval = lastCheckInAt !== null && nextCheckIn > lastCheckInAt ? nextCheckIn - lastCheckInAt : null;
    const within = interval === null ? CHECK_IN_DUE_WITHIN_MS : Math.min(CHECK_IN_DUE_WITHIN_MS, interval / 4);
    if (nextCheckIn - now <= within) {
      const at = new Date(nextCheckIn).toISOString();
      const message = nextCheckIn <= now ? `The check-in due on ${at} is overdue: connect and check in.` : `Check in before ${at}.`;
      warnings.push({ code: 'CHECK_IN_OVERDUE', message, at });
    }
  }
  return warnings;
}

/** An installed license with the offline verdict on its certificate, and the key that opened it. */
export interface Evaluated {
  readonly record: InstalledRecord;
  readonly report: StatusReport;
  readonly file: VerifiedLicenseFile | null;
  readonly key: string | null;
}

/** The active record: the pinned one, else the most recently updated licensed one, else the most recently updated. */
export function pickActive(evaluated: readonly Evaluated[]): Evaluated | null {
  const pinned = evaluated.find((entry) => entry.record.pinned);
  if (pinned !== undefined) return pinned;
  const newest = [...evaluated].sort((a, b) => b.record.updatedAt - a.record.updatedAt || a.record.id.localeCompare(b.record.id));
  return newest.find((entry) => entry.report.licensed) ?? newest[0] ?? null;
}

/** An installed license as listed; `active` is the one `status` answers for. */
export function toInstalled(entry: Evaluated, active: Evaluated | null): InstalledLicense {
  const { record, report } = entry;
  return {
    id: record.id,
    kind: record.kind,
    source: record.source,
    label: record.label,
    pinned: record.pinned,
    active: active?.record.id === record.id,
    licensed: report.licensed,
    code: report.code,
    license: report.license,
    fileExpiry: report.fileExpiry,
    installedAt: new Date(record.installedAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}
