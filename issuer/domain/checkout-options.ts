/**
 * Check-out options resolved as Keygen resolves them (keygen-api `AbstractCheckoutService`,
 * `LicenseCheckoutService`, `MachineCheckoutService`; protocol §1.2 and §1.4): the include list
 * (legacy names mapped, checked against the kind's allow-list), the TTL (default one month, at
 * least one hour, null for a file that never expires) and the algorithm (as given, else the
 * encoding from `encrypt` and the signing part from the policy's scheme).
 */
import { ALGORITHMS, type Algorithm, type CertificateKind, type SigningAlgorithm } from '../../src/license-file/types.js';

/** What the request asked for, already typed; `undefined` means "not given". */
export interface RequestedCheckout {
  readonly encrypt?: boolean | null;
  readonly algorithm?: string | null;
  readonly ttl?: number | null;
  readonly include?: readonly string[];
}

/** The options a certificate is issued with. */
export interface CheckoutOptions {
  readonly algorithm: Algorithm;
  /** Seconds, or null: the file never expires. */
  readonly ttl: number | null;
  /** Include paths after mapping legacy names and dropping duplicates: the file's `includes`. */
  readonly includes: readonly string[];
}

/** Keygen's check-out error codes, each tied to the parameter it names. */
export type CheckoutOptionFailure =
  | { readonly code: 'CHECKOUT_INCLUDE_INVALID'; readonly parameter: 'include'; readonly detail: string }
  | { readonly code: 'CHECKOUT_TTL_INVALID'; readonly parameter: 'ttl'; readonly detail: string }
  | { readonly code: 'CHECKOUT_ALGORITHM_INVALID'; readonly parameter: 'algorithm'; readonly detail: string };

export type CheckoutOptionsResult = { readonly ok: true; readonly value: CheckoutOptions } | { readonly ok: false; readonly failure: CheckoutOptionFailure };

/** `1.month` in ActiveSupport seconds: Keygen's default TTL. */
export const DEFAULT_CHECKOUT_TTL = 2_629_746;
/** `1.hour`: Keygen's minimum TTL. */
export const MIN_CHECKOUT_TTL = 3_600;
/**
 * 1000 ActiveSupport years. Keygen has no maximum since keygen-api #796; the issuer caps the TTL
 * so that every expiry stays a representable date.
 */
export const MAX_CHECKOUT_TTL = 31_556_952_000;

const ALLOWED_INCLUDES: Readonly<Record<CertificateKind, readonly string[]>> = {
  license: ['entitlements', 'environment', 'product', 'policy', 'group', 'owner', 'users'],
  machine: [
    'license',
    'license.entitlements',
    'license.product',
    'license.policy',
    'license.owner',
    'license.users',
    'components',
    'environment',
    'group',
    'owner',
  ],
};

/** The pre-1.5 name of the owner include, and what it became. */
const LEGACY_OWNER: Readonly<Record<CertificateKind, readonly [string, string]>> = {
  license: ['user', 'owner'],
  machine: ['license.user', 'license.owner'],
};

/** The read permission a bearer needs for each include (keygen-api `LicenseFilePolicy`, `MachineFilePolicy`). */
const INCLUDE_PERMISSIONS: Readonly<Record<string, string>> = {
  entitlements: 'entitlement.read',
  environment: 'environment.read',
  product: 'product.read',
  policy: 'policy.read',
  group: 'group.read',
  owner: 'user.read',
  users: 'user.read',
  license: 'license.read',
  'license.entitlements': 'entitlement.read',
  'license.product': 'product.read',
  'license.policy': 'policy.read',
  'license.owner': 'user.read',
  'license.users': 'user.read',
  components: 'component.read',
};

const ENCODINGS = ['aes-256-gcm', 'base64'] as const;
const SIGNINGS: readonly string[] = ['ed25519', 'rsa-pss-sha256', 'rsa-sha256', 'ecdsa-p256'];

/**
 * The signing part Keygen uses when no algorithm is given: the one matching the license's
 * policy scheme, Ed25519 otherwise (protocol §1.2).
 */
export function defaultSigningAlgorithm(scheme: string | null): SigningAlgorithm {
  switch (scheme) {
    case 'RSA_2048_PKCS1_PSS_SIGN':
    case 'RSA_2048_PKCS1_PSS_SIGN_V2':
      return 'rsa-pss-sha256';
    case 'RSA_2048_PKCS1_SIGN':
    case 'RSA_2048_PKCS1_SIGN_V2':
    case 'RSA_2048_PKCS1_ENCRYPT':
    case 'RSA_2048_JWT_RS256':
      return 'rsa-sha256';
    case 'ECDSA_P256_SIGN':
      return 'ecdsa-p256';
    default:
      return 'ed25519';
  }
}

/** The controllers' transform: every legacy owner name is removed and the new one appended. */
function normalizeIncludes(kind: CertificateKind, include: readonly string[]): string[] {
  const [legacy, current] = LEGACY_OWNER[kind];
  const list = include.filter((path) => path !== legacy);
  if (list.length !== include.length) list.push(current);
  return [...new Set(list)];
}

/** The algorithm as given (blank counts as absent), else the default; or why it is not one Keygen issues. */
function resolveAlgorithm(requested: RequestedCheckout, scheme: string | null): Algorithm | CheckoutOptionFailure {
  const given = requested.algorithm?.trim() === '' ? null : (requested.algorithm ?? null);
  const algorithm = given ?? `${requested.encrypt === true ? 'aes-256-gcm' : 'base64'}+${defaultSigningAlgorithm(scheme)}`;
  const plus = algorithm.indexOf('+');
  const encoding = plus === -1 ? algorithm : algorithm.slice(0, plus);
  const signing = plus === -1 ? null : algorithm.slice(plus + 1);
  if (!(ENCODINGS as readonly string[]).includes(encoding)) {
    return { code: 'CHECKOUT_ALGORITHM_INVALID', parameter: 'algorithm', detail: 'invalid encoding algorithm' };
  }
  if (signing === null || !SIGNINGS.includes(signing) || !(ALGORITHMS as readonly string[]).includes(algorithm)) {
    return { code: 'CHECKOUT_ALGORITHM_INVALID', parameter: 'algorithm', detail: 'invalid signing algorithm' };
  }
  return algorithm as Algorithm;
}

/**
 * Resolves and checks the options of a `kind` check-out, in Keygen's order: includes, then
 * TTL, then algorithm. An explicit `algorithm` wins over `encrypt`, as in Keygen, so
 * `encrypt=true` with a `base64+…` algorithm issues an unencrypted file. Returns the first
 * failure as one of Keygen's `CHECKOUT_*_INVALID` codes.
 */
export function resolveCheckoutOptions(kind: CertificateKind, requested: RequestedCheckout, scheme: string | null): CheckoutOptionsResult {
  const includes = normalizeIncludes(kind, requested.include ?? []);
  if (includes.some((path) => !ALLOWED_INCLUDES[kind].includes(path))) {
    return { ok: false, failure: { code: 'CHECKOUT_INCLUDE_INVALID', parameter: 'include', detail: 'invalid includes' } };
  }
  const ttl = requested.ttl === undefined ? DEFAULT_CHECKOUT_TTL : requested.ttl;
  if (ttl !== null && ttl < MIN_CHECKOUT_TTL) {
    return { ok: false, failure: { code: 'CHECKOUT_TTL_INVALID', parameter: 'ttl', detail: 'must be greater than or equal to 3600 (1 hour)' } };
  }
  if (ttl !== null && ttl > MAX_CHECKOUT_TTL) {
    return { ok: false, failure: { code: 'CHECKOUT_TTL_INVALID', parameter: 'ttl', detail: `must be less than or equal to ${MAX_CHECKOUT_TTL} (1000 years)` } };
  }
  const algorithm = resolveAlgorithm(requested, scheme);
  if (typeof algorithm !== 'string') return { ok: false, failure: algorithm };
  return { ok: true, value: { algorithm, ttl, includes } };
}

/** The read permissions a bearer needs to receive a file with these includes. */
export function includePermissions(includes: readonly string[]): string[] {
  return [...new Set(includes.map((path) => INCLUDE_PERMISSIONS[path]).filter((permission) => permission !== undefined))];
}
