/**
 * License keys of schemed policies, made from their seed (`license-key-seed.ts`) as keygen-api's
 * `License#crypt_key` makes them (`app/models/license.rb`, `generate_*_key!`; protocol §1.7).
 * Every encoding is Ruby's `Base64.urlsafe_encode64`, which pads, except inside the JWT.
 *
 * | scheme | key |
 * |---|---|
 * | `ED25519_SIGN` | `key/<b64url(seed)>.<b64url(Ed25519 sig)>` |
 * | `ECDSA_P256_SIGN` | `key/<b64url(seed)>.<b64url(DER ECDSA P-256 SHA-256 sig)>` |
 * | `RSA_2048_PKCS1_PSS_SIGN_V2` / `…_PKCS1_SIGN_V2` | `key/<b64url(seed)>.<b64url(RSA sig)>`, signed over `key/<b64url(seed)>` |
 * | `RSA_2048_PKCS1_PSS_SIGN` / `…_PKCS1_SIGN` | `<b64url(seed)>.<b64url(RSA sig)>`, signed over the seed itself |
 * | `RSA_2048_PKCS1_ENCRYPT` | `b64url(RSA private-key encryption of the seed)` (≤ 245 bytes) |
 * | `RSA_2048_JWT_RS256` | a JWT, header `{"alg":"RS256"}`, claims the seed's JSON |
 *
 * RSA-PSS is SHA-256 with MGF1-SHA-256 and the maximum salt; the RSA key is the account's
 * RSA-2048 key, the Ed25519 key the one that signs responses.
 */
import { constants, privateEncrypt, type KeyObject } from 'node:crypto';
import { signWith } from '../../src/license-file/sign.js';
import type { SigningAlgorithm } from '../../src/license-file/types.js';
import { certificateSigningKey } from './checkout-keys.js';
import { invalidAttribute, type Invalid } from './invalid.js';
import { generateLicenseKey } from './license-key.js';
import { CRYPTO_SCHEMES } from './policy-fields.js';
import { defaultKeySeed, formatKeyTemplate, type KeyFacts } from './license-key-seed.js';
import type { Account } from './types.js';

/** The schemes whose keys the issuer makes: every Keygen scheme but `LEGACY_ENCRYPT`. */
export type KeyScheme = Exclude<(typeof CRYPTO_SCHEMES)[number], 'LEGACY_ENCRYPT'>;
export const KEY_SCHEMES: readonly KeyScheme[] = CRYPTO_SCHEMES.filter((scheme): scheme is KeyScheme => scheme !== 'LEGACY_ENCRYPT');

/** `RSA_MAX_BYTE_SIZE`: a 2048-bit modulus less PKCS#1 v1.5 padding (256 − 11 bytes). */
export const RSA_MAX_BYTE_SIZE = 245;

/** A key, or the 422 failure Keygen adds to the license while making it. */
export type CryptedKey = { readonly ok: true; readonly key: string } | { readonly ok: false; readonly failure: Invalid };

/** Whether `scheme` is one the issuer makes keys for. */
export function isKeyScheme(scheme: string | null): scheme is KeyScheme {
  return scheme !== null && (KEY_SCHEMES as readonly string[]).includes(scheme);
}

/** Ruby's `Base64.urlsafe_encode64`: base64url with its `=` padding kept. */
function urlsafe(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** `<prefix><b64url(seed)>.<b64url(signature over the first part, or over the seed)>`. */
function signedKey(seed: string, signing: SigningAlgorithm, key: KeyObject, version: 'v1' | 'v2'): string {
  const encoded = urlsafe(Buffer.from(seed, 'utf8'));
  // v1 signs the seed and has no prefix; v2 (and Ed25519, ECDSA) signs `key/` + the encoded seed.
  const signingData = version === 'v2' ? `key/${encoded}` : encoded;
  const message = Buffer.from(version === 'v2' ? signingData : seed, 'utf8');
  return `${signingData}.${urlsafe(signWith(signing, key, message))}`;
}

/** Ruby class names, downcased, as ruby-jwt reports a claim's type (`String` → `string`). */
function rubyClassOf(value: unknown): string {
  if (value === null) return 'nilclass';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return value ? 'trueclass' : 'falseclass';
  if (typeof value === 'object') return 'hash';
  return String(typeof value);
}

/**
 * `JWT.encode(JSON.parse(seed), key, "RS256")`: a claims object has its numeric claims checked
 * (ruby-jwt's `ClaimsValidator`: `exp`, `iat`, `nbf`); the claims are re-serialized compactly.
 */
function jwtKey(seed: string, key: KeyObject): CryptedKey {
  let claims: unknown;
  try {
    claims = JSON.parse(seed);
  } catch {
    return { ok: false, failure: invalidAttribute('key', 'key is not a valid JWT claims payload (must be a valid JSON encoded string)', 'jwt_claims_invalid') };
  }
  if (claims !== null && typeof claims === 'object' && !Array.isArray(claims)) {
    for (const claim of ['exp', 'iat', 'nbf']) {
      if (!Object.hasOwn(claims, claim)) continue;
      const value = (claims as Record<string, unknown>)[claim];
      if (typeof value === 'number') continue;
      const detail = `key is not a valid JWT claims payload (${claim} claim must be a numeric value but it is a ${rubyClassOf(value)})`;
      return { ok: false, failure: invalidAttribute('key', detail, 'jwt_claims_invalid') };
    }
  }
  const part = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
  const signingInput = `${part(JSON.stringify({ alg: 'RS256' }))}.${part(JSON.stringify(claims))}`;
  const signature = signWith('rsa-sha256', key, Buffer.from(signingInput, 'ascii')).toString('base64url');
  return { ok: true, key: `${signingInput}.${signature}` };
}

/** `priv.private_encrypt(seed)`: PKCS#1 v1.5 type 1 padding, refused above 245 bytes. */
function encryptedKey(seed: string, key: KeyObject): CryptedKey {
  const bytes = Buffer.from(seed, 'utf8');
  if (bytes.length > RSA_MAX_BYTE_SIZE) {
    const detail = `key exceeds maximum byte length (max size of ${RSA_MAX_BYTE_SIZE} bytes)`;
    return { ok: false, failure: invalidAttribute('key', detail, 'byte_size_exceeded') };
  }
  return { ok: true, key: urlsafe(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, bytes)) };
}

/**
 * Makes the key of a license of `scheme` from its seed with `account`'s keys. Returns Keygen's
 * 422 failure on `key` for a seed too long to encrypt (`KEY_BYTE_SIZE_EXCEEDED`) or not JWT
 * claims (`KEY_JWT_CLAIMS_INVALID`).
 */
export function cryptLicenseKey(scheme: KeyScheme, seed: string, account: Account): CryptedKey {
  const rsa = (): KeyObject => certificateSigningKey(account, 'rsa');
  switch (scheme) {
    case 'ED25519_SIGN':
      return { ok: true, key: signedKey(seed, 'ed25519', certificateSigningKey(account, 'ed25519'), 'v2') };
    case 'ECDSA_P256_SIGN':
      return { ok: true, key: signedKey(seed, 'ecdsa-p256', certificateSigningKey(account, 'ecdsa-p256'), 'v2') };
    case 'RSA_2048_PKCS1_PSS_SIGN_V2':
      return { ok: true, key: signedKey(seed, 'rsa-pss-sha256', rsa(), 'v2') };
    case 'RSA_2048_PKCS1_SIGN_V2':
      return { ok: true, key: signedKey(seed, 'rsa-sha256', rsa(), 'v2') };
    case 'RSA_2048_PKCS1_PSS_SIGN':
      return { ok: true, key: signedKey(seed, 'rsa-pss-sha256', rsa(), 'v1') };
    case 'RSA_2048_PKCS1_SIGN':
      return { ok: true, key: signedKey(seed, 'rsa-sha256', rsa(), 'v1') };
    case 'RSA_2048_PKCS1_ENCRYPT':
      return encryptedKey(seed, rsa());
    case 'RSA_2048_JWT_RS256':
      return jwtKey(seed, rsa());
  }
}

/**
 * The key of a new license, as Keygen's `autogenerate_key` and `crypt_key` callbacks make it:
 * without a scheme, the supplied key or a fresh `XXXXXX-…-V3` one; with a scheme, the supplied
 * key (else the scheme's default dataset), its template variables filled in, signed or
 * encrypted. Returns the failure of `cryptLicenseKey`.
 */
export function newLicenseKey(scheme: string | null, supplied: string | undefined, facts: KeyFacts, account: Account): CryptedKey {
  if (!isKeyScheme(scheme)) return { ok: true, key: supplied ?? generateLicenseKey() };
  const seed = formatKeyTemplate(supplied ?? defaultKeySeed(scheme, facts), facts);
  return cryptLicenseKey(scheme, seed, account);
}
