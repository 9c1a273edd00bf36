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

/** Failures of offline activation proofs (`proof/…`, `src/license-file/activation-proof.ts`). */
export const ACTIVATION_PROOF_CODES = ['ACTIVATION_PROOF_MALFORMED', 'ACTIVATION_PROOF_NOT_GENUINE'] as const;
export type ActivationProofCode = (typeof ACTIVATION_PROOF_CODES)[number];

/** Failures of the public-key input (vendor configuration or `--public-key`). */
export const PUBLIC_KEY_CODES = ['PUBLIC_KEY_INVALID'] as const;
export type PublicKeyCode = (typeof PUBLIC_KEY_CODES)[number];

/** Failures of the platform services (`src/machine/`, `src/vault/`). */
export const PLATFORM_CODES = ['KEYCHAIN_UNAVAILABLE', 'KEYCHAIN_TIMEOUT', 'SECRET_FILE_UNUSABLE', 'MACHINE_ID_UNAVAILABLE'] as const;
export type PlatformCode = (typeof PLATFORM_CODES)[number];

/**
 * Refusals from the licensing server, named exactly as Keygen names them: validation codes
 * (`meta.code`) and error codes (`errors[].code`) that a client can meet.
 */
export const KEYGEN_VALIDATION_CODES = [
  'NOT_FOUND', 'SUSPENDED', 'EXPIRED', 'OVERDUE', 'BANNED',
  'NO_MACHINE', 'NO_MACHINES', 'HEARTBEAT_NOT_STARTED', 'HEARTBEAT_DEAD',
  'TOO_MANY_MACHINES', 'TOO_MANY_CORES', 'TOO_MUCH_MEMORY', 'TOO_MUCH_DISK', 'TOO_MANY_PROCESSES', 'TOO_MANY_USERS',
  'PRODUCT_SCOPE_REQUIRED', 'PRODUCT_SCOPE_MISMATCH', 'POLICY_SCOPE_REQUIRED', 'POLICY_SCOPE_MISMATCH',
  'USER_SCOPE_REQUIRED', 'USER_SCOPE_MISMATCH', 'MACHINE_SCOPE_REQUIRED', 'MACHINE_SCOPE_MISMATCH',
  'FINGERPRINT_SCOPE_REQUIRED', 'FINGERPRINT_SCOPE_MISMATCH', 'FINGERPRINT_SCOPE_EMPTY',
  'COMPONENTS_SCOPE_REQUIRED', 'COMPONENTS_SCOPE_MISMATCH', 'COMPONENTS_SCOPE_EMPTY',
  'ENTITLEMENTS_MISSING', 'ENTITLEMENTS_SCOPE_EMPTY',
  'CHECKSUM_SCOPE_REQUIRED', 'CHECKSUM_SCOPE_MISMATCH', 'VERSION_SCOPE_REQUIRED', 'VERSION_SCOPE_MISMATCH',
] as const;
export type KeygenValidationCode = (typeof KEYGEN_VALIDATION_CODES)[number];

export const KEYGEN_ERROR_CODES = [
  'MACHINE_LIMIT_EXCEEDED',
  'MACHINE_CORE_LIMIT_EXCEEDED',
  'MACHINE_MEMORY_LIMIT_EXCEEDED',
  'MACHINE_DISK_LIMIT_EXCEEDED',
  'FINGERPRINT_TAKEN',
  'MACHINE_HEARTBEAT_DEAD',
  'LICENSE_INVALID',
  'LICENSE_SUSPENDED',
  'LICENSE_EXPIRED',
  'LICENSE_BANNED',
  'LICENSE_NOT_ALLOWED',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_NOT_ALLOWED',
  'ACCESS_DENIED',
  'ACTIVATIONS_LIMIT_EXCEEDED',
  'DEACTIVATIONS_LIMIT_EXCEEDED',
  'USES_LIMIT_EXCEEDED',
  'CHECK_IN_NOT_REQUIRED',
  'RESOURCE_NOT_FOUND',
  'REQUEST_REFUSED',
] as const;
export type KeygenErrorCode = (typeof KEYGEN_ERROR_CODES)[number];

/** Failures of talking to the licensing server (`src/keygen/client`). */
export const CLIENT_CODES = [
  'ISSUER_UNREACHABLE',
  'ISSUER_RATE_LIMITED',
  'ISSUER_ERROR',
  'RESPONSE_MALFORMED',
  'RESPONSE_NONCE_MISMATCH',
  'RESPONSE_SCOPE_MISMATCH',
] as const;
export type ClientCode = (typeof CLIENT_CODES)[number];

/** Failures of the local licensing state, configuration and agent (`src/licensing/`, `src/agent/`). */
export const LOCAL_CODES = [
  'NOT_ACTIVATED',
  'LICENSE_NOT_INSTALLED',
  'LICENSE_KEY_REQUIRED',
  'OFFLINE_DEACTIVATION_UNAVAILABLE',
  'CONFIG_NOT_FOUND',
  'CONFIG_INVALID',
  'STATE_UNREADABLE',
  'ADMIN_CREDENTIALS_REQUIRED',
  'INVALID_INPUT',
  'SESSION_REQUIRED',
  'AGENT_UNREACHABLE',
] as const;
export type LocalCode = (typeof LOCAL_CODES)[number];

/**
 * Failures of trusting what is installed and of surviving faults: the vendor's trust anchor,
 * the terms a file must meet offline, the local state and its folder, interrupted operations,
 * and connections whose answers cannot be verified.
 */
export const TRUST_CODES = [
  'CONFIG_OVERRIDE_REFUSED',
  'MACHINE_FILE_REQUIRED',
  'LICENSE_FILE_NEVER_EXPIRES',
  'LICENSE_FILE_LIFETIME_TOO_LONG',
  'CHECKOUT_TTL_MISMATCH',
  'PRODUCT_MISMATCH',
  'CERTIFICATE_OLDER_THAN_INSTALLED',
  'MACHINE_DEACTIVATED',
  'STATE_TOO_NEW',
  'STATE_BUSY',
  'DATA_FOLDER_READ_ONLY',
  'DISK_FULL',
  'DATA_FOLDER_UNUSABLE',
  'ACTIVATION_INCOMPLETE',
  'DEACTIVATION_INCOMPLETE',
  'KEYCHAIN_LOCKED',
  'ISSUER_ANSWER_UNVERIFIABLE',
  'TLS_CERTIFICATE_UNTRUSTED',
  'TLS_CERTIFICATE_NAME_MISMATCH',
  'TLS_CERTIFICATE_EXPIRED',
  'TLS_HANDSHAKE_FAILED',
] as const;
export type TrustCode = (typeof TRUST_CODES)[number];

/**
 * Failures of the local agent's own HTTP layer (`src/agent/`), answered before any licensing
 * code runs, and an unexpected internal error. `ENDPOINT_NOT_FOUND` is a path the agent does
 * not serve; Keygen's `NOT_FOUND` is a license key the licensing server does not know.
 */
export const AGENT_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'HOST_NOT_ALLOWED',
  'ENDPOINT_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_REQUEST',
  'INVALID_ID',
  'LICENSE_ID_MISMATCH',
  'MACHINE_MISMATCH',
  'INTERNAL_ERROR',
  'CROSS_ORIGIN_REQUEST',
  'CONSOLE_SESSION_UNBOUND',
  'SIGNATURE_INVALID',
  'SIGNATURE_EXPIRED',
  'SIGNATURE_REPLAYED',
  'TOO_MANY_SIGNED_REQUESTS',
] as const;
export type AgentCode = (typeof AGENT_CODES)[number];

/**
 * Failures of the administrator views (`src/admin/`): signing in with an admin or product
 * token, product-wide lists, exports, bulk deactivation jobs and the audit log.
 */
export const ADMIN_CODES = [
  'ADMIN_SIGN_IN_REQUIRED',
  'ADMIN_TOKEN_REFUSED',
  'ADMIN_TOKEN_EXPIRED',
  'ADMIN_TOKEN_NOT_ADMIN',
  'ADMIN_TOKEN_OTHER_PRODUCT',
  'ADMIN_LICENSE_NOT_FOUND',
  'EXPORT_INCOMPLETE',
  'EXPORT_WRITE_FAILED',
  'AUDIT_LOG_UNUSABLE',
  'BULK_JOB_NOT_FOUND',
  'BULK_JOB_RUNNING',
] as const;
export type AdminCode = (typeof ADMIN_CODES)[number];

/**
 * Air-gapped machines (`src/airgap/`): activation requests, responses and deactivation
 * receipts carried on removable media, and their fulfilment on a connected machine.
 * `MACHINE_ALREADY_DEACTIVATED` is an outcome, not a failure: a receipt applied twice succeeds.
 */
export const AIRGAP_CODES = [
  'AIRGAP_FILE_MALFORMED',
  'AIRGAP_FILE_TOO_LARGE',
  'AIRGAP_FILE_UNSUPPORTED_VERSION',
  'AIRGAP_FILE_NOT_REGULAR',
  'AIRGAP_FILE_UNREADABLE',
  'AIRGAP_FILE_NOT_GENUINE',
  'AIRGAP_FILE_WRONG_STEP',
  'AIRGAP_REQUEST_EXPIRED',
  'AIRGAP_FILE_FROM_FUTURE',
  'AIRGAP_PRODUCT_MISMATCH',
  'AIRGAP_MACHINE_KEY_MISMATCH',
  'AIRGAP_MACHINE_KEY_MISSING',
  'AIRGAP_MACHINE_UNKNOWN',
  'AIRGAP_RECEIPT_MISMATCH',
  'AIRGAP_NOT_A_MACHINE_LICENSE',
  'AIRGAP_OUTPUT_UNWRITABLE',
  'FULFIL_CREDENTIALS_REQUIRED',
  'MACHINE_ALREADY_DEACTIVATED',
  'DRIVE_NOT_FOUND',
] as const;
export type AirgapCode = (typeof AIRGAP_CODES)[number];

export const FAILURE_CODES = [
  ...LICENSE_FILE_CODES,
  ...RESPONSE_SIGNATURE_CODES,
  ...SIGNED_KEY_CODES,
  ...ACTIVATION_PROOF_CODES,
  ...PUBLIC_KEY_CODES,
  ...PLATFORM_CODES,
  ...KEYGEN_VALIDATION_CODES,
  ...KEYGEN_ERROR_CODES,
  ...CLIENT_CODES,
  ...LOCAL_CODES,
  ...TRUST_CODES,
  ...AGENT_CODES,
  ...ADMIN_CODES,
  ...AIRGAP_CODES,
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
