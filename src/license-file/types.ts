import type { LicenseFileCode, Result } from '../contract/codes.js';

/** The two certificate kinds Keygen issues; the armor names one, `data.type` must agree. */
export type CertificateKind = 'license' | 'machine';

/** Every `alg` value Keygen produces (api: app/models/license_file.rb). */
export const ALGORITHMS = [
  'aes-256-gcm+ed25519',
  'aes-256-gcm+ecdsa-p256',
  'aes-256-gcm+rsa-pss-sha256',
  'aes-256-gcm+rsa-sha256',
  'base64+ed25519',
  'base64+ecdsa-p256',
  'base64+rsa-pss-sha256',
  'base64+rsa-sha256',
] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
export type SigningAlgorithm = 'ed25519' | 'ecdsa-p256' | 'rsa-pss-sha256' | 'rsa-sha256';

/** Largest certificate accepted, in bytes. Real files are a few KB to a few tens of KB. */
export const MAX_CERTIFICATE_BYTES = 1024 * 1024;

/** Default tolerance for `meta.issued` ahead of the local clock (keygen-go's MaxClockDrift). */
export const DEFAULT_MAX_CLOCK_DRIFT_MS = 5 * 60 * 1000;

/** A JSON:API resource object as found in `data` and `included`. */
export interface Resource {
  readonly id: string;
  readonly type: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly relationships?: Readonly<Record<string, unknown>>;
}

/** `meta` of a certificate payload, used as given: `expiry` is never recomputed from `ttl`. */
export interface CertificateMeta {
  /** ISO-8601 string exactly as in the file. */
  readonly issued: string;
  readonly expiry: string | null;
  readonly ttl: number | null;
}

/** What a verified certificate says, after every check passed. */
export interface VerifiedLicenseFile {
  readonly kind: CertificateKind;
  readonly alg: Algorithm;
  readonly encrypted: boolean;
  readonly meta: CertificateMeta;
  /** The license: `data` of a license file, or the included license of a machine file (or null). */
  readonly license: Resource | null;
  /** `data` of a machine file; null for license files. */
  readonly machine: Resource | null;
  readonly product: Resource | null;
  readonly policy: Resource | null;
  readonly entitlements: readonly Resource[];
  readonly owner: Resource | null;
  readonly users: readonly Resource[];
  readonly components: readonly Resource[];
  /** Everything in `included`, in file order. */
  readonly included: readonly Resource[];
  /** The decoded payload text exactly as signed (decrypted or base64-decoded). */
  readonly payload: string;
}

/** The trust inputs that decide whether untrusted bytes are a genuine, current certificate. */
export interface VerifyOptions {
  /** License key; required to decrypt `aes-256-gcm+…` files (license key + fingerprint for machine files). */
  readonly licenseKey?: string | null | undefined;
  /** This machine's fingerprint; machine files must be bound to it. */
  readonly fingerprint?: string | null | undefined;
  /** "Now", in milliseconds since the epoch. Injected so that tests and callers control the clock. */
  readonly now: number;
  /** How far `meta.issued` may be ahead of `now`. Default 5 minutes. */
  readonly maxClockDriftMs?: number | undefined;
  /** Latest trusted time already seen (rollback watermark), in ms; `now` before it is a rollback. */
  readonly watermark?: number | null | undefined;
  /**
   * Skip the checks against the clock (issued in the future, rollback, expiry): for reading a
   * genuine file's own dates (which of two files was issued first), never for a licensing decision.
   */
  readonly ignoreDates?: boolean | undefined;
  /** Algorithms this vendor allows; default: every algorithm of the pinned key's family. */
  readonly allowedAlgorithms?: readonly Algorithm[] | undefined;
}

export type LicenseFileResult = Result<VerifiedLicenseFile, LicenseFileCode>;
