/** The vendor configuration: which licensing API Tessera talks to, and whose key it trusts. */
import type { SecretStoreMode } from '../vault/secret-store.js';

/**
 * Whether a license file (signed for the license, not bound to this machine) may license a
 * machine offline: never; only when its license has no machine limit; or always.
 */
export type LicenseFileRule = 'never' | 'unlimited-only' | 'always';

/**
 * The vendor's terms for licensing offline, as written in the file (each optional). Security
 * terms: only the shipped configuration (or, in a development build, the override) sets them.
 * `offlinePolicy()` gives them with the defaults applied.
 */
export interface OfflineSettings {
  /** Default "unlimited-only". */
  readonly licenseFiles?: LicenseFileRule;
  /** Whether files that never expire are accepted; default false. */
  readonly allowPerpetual?: boolean;
  /** Longest accepted file lifetime, in seconds (≥ 3600); default `checkoutTtl` when set, else one year. */
  readonly maxFileTtl?: number;
  /** How far the local clock may be off (1 to 1440 minutes); default 15. */
  readonly clockToleranceMinutes?: number;
}

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
  /**
   * Requested check-out TTL in seconds (≥ 3600), or null for files that never expire (which
   * needs `offline.allowPerpetual`); when absent, Keygen's default 2629746 (1 month).
   */
  readonly checkoutTtl?: number | null;
  /** Entitlement codes the software needs; validation reports ENTITLEMENTS_MISSING without them. */
  readonly requiredEntitlements?: readonly string[];
  /**
   * Where secrets are kept: "keychain" (the default: the OS keychain, or an error without one),
   * "auto" (the keychain, else an owner-only file) or "file". `TESSERA_SECRET_STORE` overrides it.
   */
  readonly secretStore?: SecretStoreMode;
  /** The terms for licensing offline, as written; read them through `offlinePolicy()`. */
  readonly offline?: OfflineSettings;
}

/** A configuration file named by whoever runs Tessera, and how they named it. */
export interface OverrideFile {
  readonly path: string;
  readonly namedBy: '--config' | 'TESSERA_CONFIG';
}

/**
 * Where a configuration came from, for diagnostics (`status --json`, the settings screen):
 * - `shipped`: the vendor's file shipped with the app, the trust anchor; every field comes from
 *   it but `apiUrl` when `apiUrlFrom` names the override (a relay or proxy) that set it;
 * - `file`: a development build (nothing shipped): the file named by `--config` or `TESSERA_CONFIG`;
 * - `embedded-issuer`: a development build: the embedded local issuer's file, beside its database.
 */
export type ConfigSource =
  | { readonly kind: 'shipped'; readonly path: string; readonly apiUrlFrom: OverrideFile | null }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'embedded-issuer'; readonly database: string };
