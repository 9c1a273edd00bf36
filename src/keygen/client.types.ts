/**
 * The Keygen API client's interface. Every method returns a `Result`: expected failures are
 * values with a closed code (network, signature, Keygen refusals); bugs throw.
 *
 * Every response the server signs is verified before anything in it is used: `Keygen-Signature`
 * against the pinned key, `Digest`, the `Date` window, our own request target and host. A
 * response without a valid signature is a failure (`RESPONSE_SIGNATURE_*`), whatever its status.
 */
import type { Failure, FailureCode, Result } from '../contract/codes.js';

/** A JSON:API resource object as the server sent it. */
export interface ApiResource {
  readonly id: string;
  readonly type: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly relationships?: Readonly<Record<string, unknown>>;
}

/**
 * A verified answer of the licensing server kept whole, so that it can be verified again later
 * with the pinned key: what Tessera stores as evidence (a validation, a refusal, the latest
 * signed date it has seen). Everything the signature covers is here; `status` is not covered.
 */
export interface SignedAnswer {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path and query exactly as sent (the signed request target). */
  readonly target: string;
  /** The host name as signed (without port). */
  readonly host: string;
  /** The HTTP status: not signed, kept for reference only. */
  readonly status: number;
  /** The signed `Date` value (RFC 1123). */
  readonly date: string;
  /** The signed `Digest` value (`sha-256=…`). */
  readonly digest: string;
  /** The `Keygen-Signature` header. */
  readonly signature: string;
  /** The body, as UTF-8 text. */
  readonly body: string;
}

/** A result that also carries the verified answer it came from. */
export interface Answered {
  readonly answer: SignedAnswer;
}

/** How the client authenticates: `Authorization: License <key>` or `Bearer <token>`. */
export type Credentials = { readonly kind: 'license-key'; readonly key: string } | { readonly kind: 'token'; readonly token: string };

/** The scope of a validation (`meta.scope`); every given key must come back in the response. */
export interface ValidationScope {
  readonly product?: string;
  readonly fingerprint?: string;
  readonly entitlements?: readonly string[];
}

/** A verified validation answer. `code` is Keygen's `meta.code` (`VALID`, `NO_MACHINE`, …). */
export interface Validation {
  readonly valid: boolean;
  readonly code: string;
  readonly detail: string;
  /** The license, or null for NOT_FOUND. */
  readonly license: ApiResource | null;
  /** The signed answer, for keeping as evidence. */
  readonly answer: SignedAnswer;
  /**
   * The server's signed `Date`, in ms. A validation carries our random nonce back, so this is
   * the server's clock at the time of asking, whatever this computer's clock says.
   */
  readonly serverTime: number;
}

/** Hardware description sent on activation. */
export interface MachineAttributes {
  readonly fingerprint: string;
  readonly name?: string;
  readonly hostname?: string;
  readonly platform?: string;
  readonly cores?: number;
  readonly memory?: number;
  readonly disk?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Options of a machine-file check-out. */
export interface CheckoutOptions {
  /** Seconds (≥ 3600) or null for no expiry; default: the server's (one month). */
  readonly ttl?: number | null;
  readonly encrypt?: boolean;
  /** e.g. `['license', 'license.entitlements']`. */
  readonly include?: readonly string[];
  /** e.g. `aes-256-gcm+ed25519`; default: the server's. */
  readonly algorithm?: string;
}

/** One page of a list. */
export interface Page<T> {
  readonly data: readonly T[];
  /** The next page's number, or null on the last page. */
  readonly next: number | null;
  /** The whole list's length (`links.meta.count`), when the server gave it. */
  readonly total?: number | null;
}

/** The Keygen API, as Tessera uses it. */
export interface KeygenClient {
  /** `POST /licenses/actions/validate-key` with a random nonce; nonce and scope must come back. */
  validateKey(key: string, scope: ValidationScope): Promise<Result<Validation>>;
  /** `POST /licenses/{id}/actions/validate` (credentials required), same nonce and scope checks. */
  validate(licenseId: string, scope: ValidationScope, credentials: Credentials): Promise<Result<Validation>>;
  /** `POST /machines`: 201 → the machine. */
  activate(licenseId: string, machine: MachineAttributes, credentials: Credentials): Promise<Result<ApiResource>>;
  /** `GET /machines/{id|fingerprint}`. */
  machine(idOrFingerprint: string, credentials: Credentials): Promise<Result<ApiResource>>;
  /** `POST /machines/{id|fingerprint}/actions/check-out`: the machine file's certificate text. */
  checkOutMachine(idOrFingerprint: string, options: CheckoutOptions, credentials: Credentials): Promise<Result<string>>;
  /** `POST /licenses/{id}/actions/check-in`: the license after check-in, with the signed answer. */
  checkIn(licenseId: string, credentials: Credentials): Promise<Result<ApiResource & Answered>>;
  /** `POST /machines/{id|fingerprint}/actions/ping`: the machine, with the signed answer. */
  ping(idOrFingerprint: string, credentials: Credentials): Promise<Result<ApiResource & Answered>>;
  /** `DELETE /machines/{id|fingerprint}`: 204. */
  deactivate(idOrFingerprint: string, credentials: Credentials): Promise<Result<void>>;
  /** `GET /licenses/{id}/machines?page[number]=n&page[size]=size`. */
  licenseMachines(licenseId: string, page: { readonly number: number; readonly size: number }, credentials: Credentials): Promise<Result<Page<ApiResource>>>;
}

/**
 * A failure of a call. A refusal the server signed (a 404 for a machine that is gone, a 403
 * for a suspended license) carries that signed answer, so that it can be kept as evidence.
 */
export type ClientFailure = Failure & { readonly detail?: string; readonly answer?: SignedAnswer };

/**
 * The rate-limit hints of a response: `X-RateLimit-Limit`, `-Remaining`, `-Reset` and, on a
 * 429, `Retry-After`. No signature covers these headers (and Keygen's 429 is not signed at
 * all), so they may only ever decide how long to wait, never what happened to a request.
 */
export interface RateLimitHint {
  readonly limit: number | null;
  readonly remaining: number | null;
  /** When the window resets, in ms on this computer's clock (the reset read against the response's own Date), or null. */
  readonly resetAtMs: number | null;
  /** A 429's Retry-After, in ms, or null. */
  readonly retryAfterMs: number | null;
}

/** What one deactivation request did, answered once: a 429 is reported, not waited out. */
export type PacedDeactivation =
  | { readonly kind: 'deactivated' }
  /** A signed 404: the machine is not there (already deactivated). */
  | { readonly kind: 'gone' }
  /** A 429: nothing about the machine is known; only the wait it asks for is used. */
  | { readonly kind: 'rate-limited' }
  | { readonly kind: 'failed'; readonly failure: Failure };

/** An outcome with the rate-limit hints of the response that gave it. */
export interface Paced<T> {
  readonly outcome: T;
  readonly hint: RateLimitHint;
}

/** The bearer of a token (`GET /me`), and the token's id as the server names it. */
export interface TokenBearer {
  readonly resource: ApiResource;
  /** `Keygen-Token` / `Keygen-Token-Id` when it is a UUID; null otherwise. Unsigned: a label for the audit log only. */
  readonly tokenId: string | null;
}

/** The calls only the administrator views make (admin or product token). */
export interface KeygenAdminClient {
  /** `GET /me`: who the credentials belong to. */
  me(credentials: Credentials): Promise<Result<TokenBearer>>;
  /** `GET /licenses/{id|key}`. */
  license(idOrKey: string, credentials: Credentials): Promise<Result<ApiResource>>;
  /** `GET /licenses?<filters>&page[number]=n&page[size]=size`, newest first. */
  licenses(filters: Readonly<Record<string, string>>, page: { readonly number: number; readonly size: number }, credentials: Credentials): Promise<Result<Page<ApiResource>>>;
  /** `GET /policies?<filters>&page[number]=n&page[size]=size`. */
  policies(filters: Readonly<Record<string, string>>, page: { readonly number: number; readonly size: number }, credentials: Credentials): Promise<Result<Page<ApiResource>>>;
  /** `GET /licenses/{id}/machines?…`, as `KeygenClient.licenseMachines`. */
  licenseMachines(licenseId: string, page: { readonly number: number; readonly size: number }, credentials: Credentials): Promise<Result<Page<ApiResource>>>;
  /**
   * `DELETE /machines/{id}` once: network errors and 5xx are retried as usual, a 429 is not —
   * it comes back as `rate-limited` with its hints, for the caller to pace itself.
   */
  deactivatePaced(idOrFingerprint: string, credentials: Credentials): Promise<Paced<PacedDeactivation>>;
}

/** Failure codes the client can return (for exhaustive handling by callers). */
export type ClientFailureCode = FailureCode;
