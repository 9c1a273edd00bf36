/**
 * The closed set of expected-failure codes. Every failure that the product reports to a
 * person is one of these; `messages.ts` gives each exactly one title, sentence and action.
 */

/** Failures of the offline license-file engine (`src/license-file/`). */
export const LICENSE_FILE_CODES = [
  'LICENSE_FILE_MALFORMED',
  'LICENSE_FILE_TOO_LARGE',
  'LICENSE_FILE_UNSUPPORTED_ALGORITHM',
  'LICENSE_FILE_NOT_GENUINE',
  'LICENSE_FILE_DECRYPTION_FAILED',
  'LICENSE_FILE_KIND_MISMATCH',
  'FINGERPRINT_MISMATCH',
  'LICENSE_FILE_ISSUED_IN_FUTURE',
  'LICENSE_FILE_EXPIRED',
  'CLOCK_ROLLED_BACK',
] as const;
export type LicenseFileCode = (typeof LICENSE_FILE_CODES)[number];

/** Failures of Keygen response and webhook signature checks (`src/keygen/`). */
export const RESPONSE_SIGNATURE_CODES = [
  'RESPONSE_SIGNATURE_MISSING',
  'RESPONSE_SIGNATURE_MALFORMED',
  'RESPONSE_SIGNATURE_UNSUPPORTED_ALGORITHM',
  'RESPONSE_SIGNATURE_INVALID',
  'RESPONSE_DIGEST_MISMATCH',
  'RESPONSE_DATE_OUT_OF_WINDOW',
] as const;
export type ResponseSignatureCode = (typeof RESPONSE_SIGNATURE_CODES)[number];

/** Failures of signed license keys (`key/…` schemes). */
export const SIGNED_KEY_CODES = ['LICENSE_KEY_MALFORMED', 'LICENSE_KEY_NOT_GENUINE'] as const;
export type SignedKeyCode = (typeof SIGNED_KEY_CODES)[number];

/** Failures of the public-key input (vendor configuration or `--public-key`). */
export const PUBLIC_KEY_CODES = ['PUBLIC_KEY_INVALID'] as const;
export type PublicKeyCode = (typeof PUBLIC_KEY_CODES)[number];

/** Failures of the platform services (`src/machine/`, `src/vault/`). */
export const PLATFORM_CODES = ['KEYCHAIN_UNAVAILABLE', 'KEYCHAIN_TIMEOUT', 'MACHINE_ID_UNAVAILABLE'] as const;
export type PlatformCode = (typeof PLATFORM_CODES)[number];

export const FAILURE_CODES = [
  ...LICENSE_FILE_CODES,
  ...RESPONSE_SIGNATURE_CODES,
  ...SIGNED_KEY_CODES,
  ...PUBLIC_KEY_CODES,
  ...PLATFORM_CODES,
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/** An expected failure, returned as a value: never thrown. */
export interface Failure<C extends FailureCode = FailureCode> {
  readonly ok: false;
  readonly code: C;
  readonly message: string;
}

/** A success carrying its value. */
export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export type Result<T, C extends FailureCode = FailureCode> = Success<T> | Failure<C>;

/** Whether `value` is one of the closed set of failure codes. */
export function isFailureCode(value: unknown): value is FailureCode {
  return typeof value === 'string' && (FAILURE_CODES as readonly string[]).includes(value);
}

/** Compile-time exhaustiveness check for `switch` over a closed union. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
