/**
 * Status reports: the shape of "not licensed", the warnings beside a verdict, how a server's
 * answer refines the offline verdict (verdict.ts), and which installed license is the active
 * one. Pure: the manager gathers the inputs and these functions decide.
 */
import { isFailureCode, type FailureCode, type Result } from '../contract/codes.js';
import { isTransient } from '../contract/failures.js';
import { messageFor } from '../contract/messages.js';
import type { ApiResource, ClientFailure, Validation } from '../keygen/client.types.js';
import type { VerifiedLicenseFile } from '../license-file/types.js';
import { isoOf, timeOf, withLiveLicense } from './facts.js';
import type { InstalledLicense, LicenseFacts, StatusReport, StatusWarning } from './manager.types.js';
import type { InstalledRecord } from './state.types.js';

const DAY = 86_400_000;
/** A license expiring sooner than this is announced. */
export const LICENSE_EXPIRING_WITHIN_MS = 30 * DAY;
/** A file expiring sooner than this is announced (it needs a connection to be renewed). */
export const FILE_EXPIRING_WITHIN_MS = 3 * DAY;
/** A check-in due sooner than this (or a quarter of its interval, when shorter) is announced. */
export const CHECK_IN_DUE_WITHIN_MS = DAY;

/**
 * Whether a failure to ask the licensing server says nothing about the license: the server was
 * not reached, was busy or failing, something else answered, or TLS failed. The offline verdict
 * stands meanwhile, and an operation in flight may be finished later.
 */
export function serverSaidNothing(code: FailureCode): boolean {
  return isTransient(code) || code.startsWith('TLS_');
}

const VALID_MESSAGE = 'This machine is licensed.';

/**
 * A refusal to authenticate with the license key (a 403 of any endpoint) said as the verdict
 * says it, so a suspended license reads the same online and offline.
 */
const VERDICT_CODE_OF_REFUSAL: Partial<Record<FailureCode, FailureCode>> = { LICENSE_SUSPENDED: 'SUSPENDED', LICENSE_BANNED: 'BANNED', LICENSE_EXPIRED: 'EXPIRED' };

/** A Keygen code as one of ours; a code we do not know is a plain refusal. */
export function asFailureCode(code: string): FailureCode {
  return isFailureCode(code) ? code : 'REQUEST_REFUSED';
}

/** The sentence of a verdict code. */
export function messageOf(code: 'VALID' | FailureCode): string {
  return code === 'VALID' ? VALID_MESSAGE : messageFor(code).message;
}

/** The report when nothing is installed. */
export function notActivatedReport(): StatusReport {
  return failureReport('NOT_ACTIVATED');
}

/** The report for a failure that prevents any decision (unreadable state, keychain down, a refused file). */
export function failureReport(code: FailureCode): StatusReport {
  return {
    licensed: false,
    code,
    message: messageOf(code),
    summary: messageOf(code),
    source: 'offline',
    license: null,
    fileExpiry: null,
    lastCheckIn: null,
    nextCheckIn: null,
    basis: null,
    warnings: [],
  };
}

/** Facts from the server's license alone, when the stored file could not be read. */
function liveFacts(license: ApiResource, keyHint: string | null): LicenseFacts {
  const empty: LicenseFacts = { id: license.id, name: null, keyHint, status: null, expiry: null, policy: null, product: null, entitlements: [], machine: null };
  return withLiveLicense(empty, license);
}

/** What the server answered to a validation, as the status merges it. */
export type OnlineAnswer = Result<Validation> & { readonly detail?: string };

/**
 * Refines an offline report with the server's answer. A verified validation decides (source
 * `online`). An unreachable, rate-limited or failing server, an answer that could not be
 * verified (a gateway's page, a cut-off reply) or a TLS failure leave the offline verdict,
 * with a warning naming what came back. A forged or altered signed answer, or a refusal, is
 * "not licensed" with its code. `now` recomputes the warnings.
 */
export function mergeOnline(offline: StatusReport, answer: OnlineAnswer, context: { readonly keyHint: string | null; readonly now: number }): StatusReport {
  if (!answer.ok) {
    if (!serverSaidNothing(answer.code)) {
      const code = VERDICT_CODE_OF_REFUSAL[answer.code] ?? answer.code;
      return { ...offline, licensed: false, code, message: messageOf(code), source: 'online', warnings: [] };
    }
    const failure = answer as ClientFailure;
    if (answer.code === 'ISSUER_UNREACHABLE' || answer.code === 'ISSUER_RATE_LIMITED') return offline;
    const warning: StatusWarning = {
      code: 'ANSWER_UNVERIFIABLE',
      message: `${messageFor(answer.code).title}: ${failure.detail ?? messageFor(answer.code).message} The offline verdict stands.`,
      at: new Date(context.now).toISOString(),
    };
    return { ...offline, warnings: [...offline.warnings, warning] };
  }
  const { valid, code: keygenCode, license } = answer.value;
  const code: 'VALID' | FailureCode = valid ? 'VALID' : asFailureCode(keygenCode);
  let facts = offline.license;
  if (license !== null) facts = facts === null ? liveFacts(license, context.keyHint) : withLiveLicense(facts, license);
  const liveNext = license === null ? undefined : license.attributes.nextCheckIn;
  const nextCheckIn = liveNext === undefined ? offline.nextCheckIn : isoOf(timeOf(liveNext));
  const liveLast = license === null ? undefined : license.attributes.lastCheckIn;
  const lastCheckIn = liveLast === undefined ? offline.lastCheckIn : isoOf(timeOf(liveLast));
  const basis = offline.basis === null ? null : { ...offline.basis, checkInBy: nextCheckIn };
  return withWarnings(
    { ...offline, licensed: valid, code, message: messageOf(code), source: 'online', license: facts, nextCheckIn, lastCheckIn, basis },
    timeOf(lastCheckIn),
    context.now,
  );
}

/** The warnings of a report: the verdict's own ones only beside a licensed report. */
export function withWarnings(report: StatusReport, lastCheckInAt: number | null, now: number): StatusReport {
  const kept = report.warnings.filter((warning) => !VERDICT_WARNINGS.has(warning.code));
  return { ...report, warnings: [...(report.licensed ? warningsFor(report, lastCheckInAt, now) : []), ...kept] };
}

const VERDICT_WARNINGS: ReadonlySet<StatusWarning['code']> = new Set(['LICENSE_EXPIRING', 'FILE_EXPIRING', 'CHECK_IN_OVERDUE']);

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

/**
 * The active record, never switched silently: the one chosen (`pinned`), else the only one,
 * else the earliest installed (a person is told to choose). A record being deactivated is
 * never active.
 */
export function pickActive(evaluated: readonly Evaluated[]): Evaluated | null {
  const candidates = evaluated.filter((entry) => entry.record.deactivating === null);
  const chosen = candidates.find((entry) => entry.record.pinned);
  if (chosen !== undefined) return chosen;
  const byInstall = [...candidates].sort((a, b) => a.record.installedAt - b.record.installedAt || a.record.id.localeCompare(b.record.id));
  return byInstall[0] ?? null;
}

/** The warning beside the status when several licenses are installed and none was chosen. */
export function severalLicensesWarning(evaluated: readonly Evaluated[], active: Evaluated | null, now: number): StatusWarning | null {
  const usable = evaluated.filter((entry) => entry.record.deactivating === null);
  if (usable.length < 2 || active === null || active.record.pinned) return null;
  const situation = `${usable.length} licenses are installed and none was chosen, so the first installed one answers`;
  return {
    code: 'SEVERAL_LICENSES',
    message: `${situation}: choose one (tessera licenses use ID, or "Use" on the Status screen).`,
    uiMessage: `${situation}: choose one with "Use" under Installed licenses.`,
    at: new Date(now).toISOString(),
  };
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
