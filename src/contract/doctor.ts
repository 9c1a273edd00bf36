/**
 * What `tessera doctor` and the Settings screen's "Run checks" report: one entry per thing
 * Tessera depends on, with its verdict and the fix. Portable (the renderer shows it as is).
 */
import type { FailureCode } from './codes.js';

/** `ok`; `warn`: works, with something to know or improve; `fail`: broken, Tessera cannot rely on it. */
export type DoctorVerdict = 'ok' | 'warn' | 'fail';

/** The checks, in the order they are shown. */
export const DOCTOR_CHECK_IDS = ['config', 'keychain', 'data-folder', 'state', 'proxy', 'dns', 'tcp', 'tls', 'clock'] as const;
export type DoctorCheckId = (typeof DOCTOR_CHECK_IDS)[number];

/** One check's outcome. Never carries a secret: keys, tokens and proxy passwords are left out. */
export interface DoctorCheck {
  readonly id: DoctorCheckId;
  /** A few words: "Keychain", "Data folder". */
  readonly title: string;
  readonly verdict: DoctorVerdict;
  /** What was found, in one sentence. */
  readonly summary: string;
  /** What to do about it; null when there is nothing to do. */
  readonly fix: string | null;
  /** The failure code behind a warning or a failure, when there is one. */
  readonly code: FailureCode | null;
}

export interface DoctorReport {
  /** True when no check failed (warnings allowed). */
  readonly ok: boolean;
  readonly checks: readonly DoctorCheck[];
}
