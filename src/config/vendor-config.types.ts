/** The vendor configuration: which licensing API Tessera talks to, and whose key it trusts. */
import type { SecretStoreMode } from '../vault/secret-store.js';

/** A validated vendor configuration (`tessera.config.json`). */
export interface VendorConfig {
  /** Base URL of the Keygen-compatible API, without `/v1` (e.g. `https://api.keygen.sh`). */
  readonly apiUrl: string;
  /** Keygen account id (UUID) or slug. */
  readonly account: string;
  /** Product id the licenses must belong to (validation is scoped to it); null when unscoped. */
  readonly product: string | null;
  /** Pinned public key: Ed25519 as 64 hex characters, or a PEM (ECDSA P-256, RSA). */
  readonly publicKey: string;
  /** Requested check-out TTL in seconds (≥ 3600), or null for files that never expire; default 2629746 (1 month). */
  readonly checkoutTtl?: number | null;
  /** Entitlement codes the software needs; validation reports ENTITLEMENTS_MISSING without them. */
  readonly requiredEntitlements?: readonly string[];
  /**
   * Where secrets are kept: "keychain" (the default: the OS keychain, or an error without one),
   * "auto" (the keychain, else an owner-only file) or "file". `TESSERA_SECRET_STORE` overrides it.
   */
  readonly secretStore?: SecretStoreMode;
  /** The terms a file must meet to license this machine offline; see `offline-terms.ts` for the defaults. */
  readonly offline?: {
    /** Whether a license file (bound to no machine) may license a machine: never, only for licenses without a machine limit, or always. */
    readonly licenseFiles?: 'never' | 'unlimited-only' | 'always';
    /** Whether files that never expire are accepted. */
    readonly allowPerpetual?: boolean;
    /** The longest lifetime (expiry − issued) accepted, in seconds. */
    readonly maxFileTtl?: number;
    /** How far this computer's clock may be off, in minutes. */
    readonly clockToleranceMinutes?: number;
  };
}

/** Where a configuration came from, for diagnostics (`status --json`, the settings screen). */
export type ConfigSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'embedded-issuer'; readonly database: string };
