/**
 * The failure table: for every code, how it is answered where it surfaces — the local agent's
 * HTTP status, the command line's exit code, and whether the same request is worth repeating
 * as is. The words a person reads (title, sentence, next step) sit beside it in `messages.ts`;
 * `describeFailure` joins both. `satisfies Record<FailureCode, …>` makes the compiler fail
 * when a code has no row, so no code can fall through to a default.
 */
import type { FailureCode } from './codes.js';
import { MESSAGES, type CodeMessage } from './messages.js';

/** How one failure is answered. */
export interface FailureHandling {
  /** The local agent's HTTP status when it answers with this failure. */
  readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 422 | 429 | 500 | 502 | 503;
  /**
   * The command line's exit status: 1 refused or not licensed, 2 usage error (the request
   * itself is malformed), 3 the licensing server could not be reached or answered with a
   * persistent error.
   */
  readonly exit: 1 | 2 | 3;
  /**
   * Whether the same request, repeated later unchanged, may succeed without anyone acting (a
   * network fault, a busy server, another process holding the state). Retries follow this.
   */
  readonly transient: boolean;
}

/** Refused: malformed, not genuine, expired, not for this machine or product, or a Keygen refusal. */
const REFUSED = { status: 400, exit: 1, transient: false } as const;
/** Nothing is installed, or not the license asked about. */
const NOT_INSTALLED = { status: 404, exit: 1, transient: false } as const;
/** This installation is broken (configuration, keychain, state, data folder): someone must fix it. */
const LOCAL_FAULT = { status: 500, exit: 1, transient: false } as const;
/** The licensing server's answer cannot be trusted as it is: a bad gateway, never a refusal. */
const UNTRUSTED_ANSWER = { status: 502, exit: 1, transient: false } as const;
/** The licensing server cannot be asked now; the same request may well work later. */
const SERVER_UNAVAILABLE = { status: 503, exit: 3, transient: true } as const;
/** The request to the agent (or an operation) is malformed: a usage error. */
const BAD_REQUEST = { status: 400, exit: 2, transient: false } as const;

export const FAILURES = {
  // The offline license-file engine.
  LICENSE_FILE_MALFORMED: REFUSED,
  LICENSE_FILE_TOO_LARGE: REFUSED,
  LICENSE_FILE_UNSUPPORTED_ALGORITHM: REFUSED,
  LICENSE_FILE_NOT_GENUINE: REFUSED,
  LICENSE_FILE_DECRYPTION_FAILED: REFUSED,
  LICENSE_FILE_KIND_MISMATCH: REFUSED,
  FINGERPRINT_MISMATCH: REFUSED,
  LICENSE_FILE_ISSUED_IN_FUTURE: REFUSED,
  LICENSE_FILE_EXPIRED: REFUSED,
  CLOCK_ROLLED_BACK: REFUSED,

  // Keygen response signatures: a forged, altered or stale answer is refused, never trusted,
  // and never retried (the same forgery would come back).
  RESPONSE_SIGNATURE_MISSING: UNTRUSTED_ANSWER,
  RESPONSE_SIGNATURE_MALFORMED: UNTRUSTED_ANSWER,
  RESPONSE_SIGNATURE_UNSUPPORTED_ALGORITHM: UNTRUSTED_ANSWER,
  RESPONSE_SIGNATURE_INVALID: UNTRUSTED_ANSWER,
  RESPONSE_DIGEST_MISMATCH: UNTRUSTED_ANSWER,
  RESPONSE_DATE_OUT_OF_WINDOW: UNTRUSTED_ANSWER,

  LICENSE_KEY_MALFORMED: REFUSED,
  LICENSE_KEY_NOT_GENUINE: REFUSED,
  ACTIVATION_PROOF_MALFORMED: REFUSED,
  ACTIVATION_PROOF_NOT_GENUINE: REFUSED,
  PUBLIC_KEY_INVALID: LOCAL_FAULT,

  // Platform services.
  KEYCHAIN_UNAVAILABLE: LOCAL_FAULT,
  // A keychain that does not answer in time may only be slow, or waiting on an unlock prompt
  // that someone answers: worth asking again. Unavailable for now (503), never "refused".
  KEYCHAIN_TIMEOUT: { status: 503, exit: 1, transient: true },
  SECRET_FILE_UNUSABLE: LOCAL_FAULT,
  MACHINE_ID_UNAVAILABLE: LOCAL_FAULT,

  // Keygen's validation codes (`meta.code`): what the licensing server decided.
  NOT_FOUND: REFUSED,
  SUSPENDED: REFUSED,
  EXPIRED: REFUSED,
  OVERDUE: REFUSED,
  BANNED: REFUSED,
  NO_MACHINE: REFUSED,
  NO_MACHINES: REFUSED,
  HEARTBEAT_NOT_STARTED: REFUSED,
  HEARTBEAT_DEAD: REFUSED,
  TOO_MANY_MACHINES: REFUSED,
  TOO_MANY_CORES: REFUSED,
  TOO_MUCH_MEMORY: REFUSED,
  TOO_MUCH_DISK: REFUSED,
  TOO_MANY_PROCESSES: REFUSED,
  TOO_MANY_USERS: REFUSED,
  PRODUCT_SCOPE_REQUIRED: REFUSED,
  PRODUCT_SCOPE_MISMATCH: REFUSED,
  POLICY_SCOPE_REQUIRED: REFUSED,
  POLICY_SCOPE_MISMATCH: REFUSED,
  USER_SCOPE_REQUIRED: REFUSED,
  USER_SCOPE_MISMATCH: REFUSED,
  MACHINE_SCOPE_REQUIRED: REFUSED,
  MACHINE_SCOPE_MISMATCH: REFUSED,
  FINGERPRINT_SCOPE_REQUIRED: REFUSED,
  FINGERPRINT_SCOPE_MISMATCH: REFUSED,
  FINGERPRINT_SCOPE_EMPTY: REFUSED,
  COMPONENTS_SCOPE_REQUIRED: REFUSED,
  COMPONENTS_SCOPE_MISMATCH: REFUSED,
  COMPONENTS_SCOPE_EMPTY: REFUSED,
  ENTITLEMENTS_MISSING: REFUSED,
  ENTITLEMENTS_SCOPE_EMPTY: REFUSED,
  CHECKSUM_SCOPE_REQUIRED: REFUSED,
  CHECKSUM_SCOPE_MISMATCH: REFUSED,
  VERSION_SCOPE_REQUIRED: REFUSED,
  VERSION_SCOPE_MISMATCH: REFUSED,

  // Keygen's error codes (`errors[].code`). They are the licensing server's refusals, not the
  // agent's own: TOKEN_INVALID is a Keygen token the server refused, so 400, not 401.
  MACHINE_LIMIT_EXCEEDED: REFUSED,
  MACHINE_CORE_LIMIT_EXCEEDED: REFUSED,
  MACHINE_MEMORY_LIMIT_EXCEEDED: REFUSED,
  MACHINE_DISK_LIMIT_EXCEEDED: REFUSED,
  FINGERPRINT_TAKEN: REFUSED,
  MACHINE_HEARTBEAT_DEAD: REFUSED,
  LICENSE_INVALID: REFUSED,
  LICENSE_SUSPENDED: REFUSED,
  LICENSE_EXPIRED: REFUSED,
  LICENSE_BANNED: REFUSED,
  LICENSE_NOT_ALLOWED: REFUSED,
  TOKEN_INVALID: REFUSED,
  TOKEN_EXPIRED: REFUSED,
  TOKEN_NOT_ALLOWED: REFUSED,
  ACCESS_DENIED: REFUSED,
  ACTIVATIONS_LIMIT_EXCEEDED: REFUSED,
  DEACTIVATIONS_LIMIT_EXCEEDED: REFUSED,
  USES_LIMIT_EXCEEDED: REFUSED,
  CHECK_IN_NOT_REQUIRED: REFUSED,
  RESOURCE_NOT_FOUND: REFUSED,
  REQUEST_REFUSED: REFUSED,

  // Talking to the licensing server.
  ISSUER_UNREACHABLE: SERVER_UNAVAILABLE,
  ISSUER_RATE_LIMITED: SERVER_UNAVAILABLE,
  // A signed 5xx that outlasted the retries: the server is there but failing. Not a refusal
  // (exit 1 would say "not licensed"): exit 3, like unreachable, and worth asking again later.
  ISSUER_ERROR: { status: 502, exit: 3, transient: true },
  RESPONSE_MALFORMED: UNTRUSTED_ANSWER,
  RESPONSE_NONCE_MISMATCH: UNTRUSTED_ANSWER,
  RESPONSE_SCOPE_MISMATCH: UNTRUSTED_ANSWER,

  // The local state, configuration and agent.
  NOT_ACTIVATED: NOT_INSTALLED,
  LICENSE_NOT_INSTALLED: NOT_INSTALLED,
  LICENSE_KEY_REQUIRED: REFUSED,
  OFFLINE_DEACTIVATION_UNAVAILABLE: SERVER_UNAVAILABLE,
  CONFIG_NOT_FOUND: LOCAL_FAULT,
  CONFIG_INVALID: LOCAL_FAULT,
  STATE_UNREADABLE: LOCAL_FAULT,
  ADMIN_CREDENTIALS_REQUIRED: REFUSED,
  INVALID_INPUT: BAD_REQUEST,
  SESSION_REQUIRED: { status: 401, exit: 1, transient: false },
  // Met by the web console's page when the agent behind it is gone; it may come back.
  AGENT_UNREACHABLE: { status: 503, exit: 1, transient: true },

  // Trust and faults.
  CONFIG_OVERRIDE_REFUSED: LOCAL_FAULT,
  MACHINE_FILE_REQUIRED: REFUSED,
  LICENSE_FILE_NEVER_EXPIRES: REFUSED,
  LICENSE_FILE_LIFETIME_TOO_LONG: REFUSED,
  // The server returned another lifetime than asked: something rewrote the request on the way.
  CHECKOUT_TTL_MISMATCH: UNTRUSTED_ANSWER,
  PRODUCT_MISMATCH: REFUSED,
  CERTIFICATE_OLDER_THAN_INSTALLED: REFUSED,
  // The server's signed word that the seat is gone: a refusal, until the machine is activated again.
  MACHINE_DEACTIVATED: REFUSED,
  STATE_TOO_NEW: LOCAL_FAULT,
  // Another Tessera process holds the state's lock: it finishes, and the same request then works.
  STATE_BUSY: { status: 503, exit: 1, transient: true },
  DATA_FOLDER_READ_ONLY: LOCAL_FAULT,
  DISK_FULL: LOCAL_FAULT,
  DATA_FOLDER_UNUSABLE: LOCAL_FAULT,
  // A seat is taken and a local note says so, and the server could not be reached to finish
  // or release it: running the activation again finishes it without a second seat, so
  // repeating is safe and often all it takes (503 and exit 3, like an unreachable server).
  ACTIVATION_INCOMPLETE: SERVER_UNAVAILABLE,
  // The local half is done (no longer licensed here); the seat waits for a connection to be
  // freed, exactly like OFFLINE_DEACTIVATION_UNAVAILABLE: exit 3 and worth repeating.
  DEACTIVATION_INCOMPLETE: SERVER_UNAVAILABLE,
  // Unlocking needs a person, so repeating as is does not help; but the keychain is there and
  // will answer once unlocked: unavailable for now (503), not a broken installation (500).
  KEYCHAIN_LOCKED: { status: 503, exit: 1, transient: false },
  // Something other than the licensing server answered (a gateway error, a captive portal, a
  // cut-off reply): as good as unreachable (exit 3), and retried like a network error. 502: it
  // is literally a bad gateway's answer.
  ISSUER_ANSWER_UNVERIFIABLE: { status: 502, exit: 3, transient: true },
  // TLS failures: the licensing server could not be reached securely (exit 3, the machine stays
  // licensed offline), but repeating the same handshake meets the same certificate: never
  // retried. 502: whatever answered presented an identity Tessera does not accept.
  TLS_CERTIFICATE_UNTRUSTED: { status: 502, exit: 3, transient: false },
  TLS_CERTIFICATE_NAME_MISMATCH: { status: 502, exit: 3, transient: false },
  TLS_CERTIFICATE_EXPIRED: { status: 502, exit: 3, transient: false },
  TLS_HANDSHAKE_FAILED: { status: 502, exit: 3, transient: false },

  // The agent's own HTTP layer, with the statuses the README's agent table documents.
  UNAUTHORIZED: { status: 401, exit: 1, transient: false },
  FORBIDDEN: { status: 403, exit: 1, transient: false },
  HOST_NOT_ALLOWED: { status: 403, exit: 1, transient: false },
  ENDPOINT_NOT_FOUND: { status: 404, exit: 2, transient: false },
  METHOD_NOT_ALLOWED: { status: 405, exit: 2, transient: false },
  PAYLOAD_TOO_LARGE: { status: 413, exit: 2, transient: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: 2, transient: false },
  INVALID_REQUEST: BAD_REQUEST,
  INVALID_ID: BAD_REQUEST,
  LICENSE_ID_MISMATCH: REFUSED,
  MACHINE_MISMATCH: { status: 422, exit: 1, transient: false },
  INTERNAL_ERROR: LOCAL_FAULT,
  // Console sessions bound to their tab and origin, and signed requests (Tessera-HMAC).
  CROSS_ORIGIN_REQUEST: { status: 403, exit: 1, transient: false },
  CONSOLE_SESSION_UNBOUND: { status: 403, exit: 1, transient: false },
  SIGNATURE_INVALID: { status: 401, exit: 1, transient: false },
  // A signed request out of its time window: the caller's clock, not the request, is at fault.
  SIGNATURE_EXPIRED: { status: 401, exit: 1, transient: false },
  SIGNATURE_REPLAYED: { status: 401, exit: 1, transient: false },
  // The replay memory is full: the same request, signed anew, works a minute later.
  TOO_MANY_SIGNED_REQUESTS: { status: 429, exit: 1, transient: true },

  // The administrator views. A token that is missing, refused, expired or not an
  // administrator's needs a person to sign in again: 403, never retried.
  ADMIN_SIGN_IN_REQUIRED: { status: 403, exit: 1, transient: false },
  ADMIN_TOKEN_REFUSED: { status: 403, exit: 1, transient: false },
  ADMIN_TOKEN_EXPIRED: { status: 403, exit: 1, transient: false },
  ADMIN_TOKEN_NOT_ADMIN: { status: 403, exit: 1, transient: false },
  ADMIN_TOKEN_OTHER_PRODUCT: { status: 403, exit: 1, transient: false },
  ADMIN_LICENSE_NOT_FOUND: NOT_INSTALLED,
  // An export that stopped part-way wrote nothing; its detail names the page and the cause.
  // Running it again walks every page anew, a choice left to the person (not retried as is).
  EXPORT_INCOMPLETE: { status: 503, exit: 1, transient: false },
  EXPORT_WRITE_FAILED: LOCAL_FAULT,
  AUDIT_LOG_UNUSABLE: LOCAL_FAULT,
  BULK_JOB_NOT_FOUND: NOT_INSTALLED,
  // One bulk deactivation at a time: the next may start once this one ends.
  BULK_JOB_RUNNING: { status: 503, exit: 1, transient: true },

  // Air-gapped machines: a carried file that is not what it claims, or not for here, is refused.
  AIRGAP_FILE_MALFORMED: REFUSED,
  AIRGAP_FILE_TOO_LARGE: REFUSED,
  AIRGAP_FILE_UNSUPPORTED_VERSION: REFUSED,
  AIRGAP_FILE_NOT_REGULAR: REFUSED,
  AIRGAP_FILE_UNREADABLE: LOCAL_FAULT,
  AIRGAP_FILE_NOT_GENUINE: REFUSED,
  AIRGAP_FILE_WRONG_STEP: REFUSED,
  AIRGAP_REQUEST_EXPIRED: REFUSED,
  AIRGAP_FILE_FROM_FUTURE: REFUSED,
  AIRGAP_PRODUCT_MISMATCH: REFUSED,
  AIRGAP_MACHINE_KEY_MISMATCH: REFUSED,
  AIRGAP_MACHINE_KEY_MISSING: REFUSED,
  AIRGAP_MACHINE_UNKNOWN: REFUSED,
  AIRGAP_RECEIPT_MISMATCH: REFUSED,
  AIRGAP_NOT_A_MACHINE_LICENSE: REFUSED,
  AIRGAP_OUTPUT_UNWRITABLE: LOCAL_FAULT,
  FULFIL_CREDENTIALS_REQUIRED: REFUSED,
  // An outcome reported beside successes (a receipt applied twice), never an exit of its own.
  MACHINE_ALREADY_DEACTIVATED: NOT_INSTALLED,
  DRIVE_NOT_FOUND: NOT_INSTALLED,
} as const satisfies Record<FailureCode, FailureHandling>;

/** The agent's HTTP status for a failure. */
export function statusFor(code: FailureCode): FailureHandling['status'] {
  return FAILURES[code].status;
}

/** The command line's exit status for a failure (1, 2 or 3; 0 is success). */
export function exitCodeFor(code: FailureCode): FailureHandling['exit'] {
  return FAILURES[code].exit;
}

/** Whether repeating the same request later, unchanged, may succeed: retry these, and only these. */
export function isTransient(code: FailureCode): boolean {
  return FAILURES[code].transient;
}

/** Everything about one code: its words and how it is answered. */
export function describeFailure(code: FailureCode): CodeMessage & FailureHandling & { readonly code: FailureCode } {
  return { code, ...MESSAGES[code], ...FAILURES[code] };
}
