/**
 * Signed license keys: `key/<base64url(dataset)>.<base64url(signature)>`, verifiable offline
 * with the vendor's public key (protocol §1.7; keygen-api `app/models/license.rb`, keygen-go
 * `verifier.go` `VerifyLicense`). Same crypto family as license files, different framing.
 */
import type { Result, SignedKeyCode } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { KeyFamily, PinnedKey } from './public-key.js';
import { decodeDataset, splitSignedDataset } from './signed-dataset.js';
import type { SigningAlgorithm } from './types.js';
import { verifyWith } from './signature.js';

/** The Keygen policy schemes whose keys have the `key/…` shape (RSA v1 schemes do not). */
export type SignedKeyScheme = 'ED25519_SIGN' | 'ECDSA_P256_SIGN' | 'RSA_2048_PKCS1_PSS_SIGN_V2' | 'RSA_2048_PKCS1_SIGN_V2';

/** A genuine signed key and what it carries. */
export interface SignedLicenseKey {
  /** Which scheme the signature verified under, inferred from the pinned key's family. */
  readonly scheme: SignedKeyScheme;
  /** The signed dataset as UTF-8 text, exactly as the vendor wrote it. */
  readonly dataset: string;
  /** The dataset parsed as JSON when it is JSON (Keygen's usual shape), otherwise null. */
  readonly data: unknown;
}

/** Far above real keys (a few hundred bytes to a few KB); bounds work on pasted garbage. */
export const MAX_SIGNED_KEY_CHARS = 64 * 1024;

const PREFIX = 'key';

/** Candidate schemes per key family, in the order they are tried. */
const SCHEMES_FOR: Readonly<Record<KeyFamily, readonly (readonly [SignedKeyScheme, SigningAlgorithm])[]>> = {
  ed25519: [['ED25519_SIGN', 'ed25519']],
  // ECDSA signatures are ASN.1 DER, as OpenSSL::PKey::EC#sign emits them (protocol §1.7).
  'ecdsa-p256': [['ECDSA_P256_SIGN', 'ecdsa-p256']],
  // One RSA key may back either V2 scheme and nothing in the key says which: PSS first.
  rsa: [
    ['RSA_2048_PKCS1_PSS_SIGN_V2', 'rsa-pss-sha256'],
    ['RSA_2048_PKCS1_SIGN_V2', 'rsa-sha256'],
  ],
};

/**
 * Verifies a signed license key against the pinned public key, then decodes its dataset.
 * Surrounding whitespace from copy and paste is ignored; everything inside is taken exactly.
 *
 * On failure returns `LICENSE_KEY_MALFORMED` (not a string, too long, no `key/` prefix, no `.`,
 * an empty or non-base64url part, or a genuine dataset that is not UTF-8) or
 * `LICENSE_KEY_NOT_GENUINE` (the signature does not verify under any scheme of the key's family).
 */
export function verifySignedLicenseKey(key: string, publicKey: PinnedKey): Result<SignedLicenseKey, SignedKeyCode> {
  const parts = splitSignedDataset(key, PREFIX, MAX_SIGNED_KEY_CHARS);
  if (parts === null) return fail('LICENSE_KEY_MALFORMED');

  // The signature covers the ASCII text `key/` + the dataset part as given, padding included
  // (license.rb signs before joining), not the decoded bytes.
  const match = SCHEMES_FOR[publicKey.family].find(([, algorithm]) => verifyWith(algorithm, publicKey.key, parts.message, parts.signature));
  if (match === undefined) return fail('LICENSE_KEY_NOT_GENUINE');

  // Only now, with the dataset known genuine, is it decoded and parsed.
  const decoded = decodeDataset(parts.dataset);
  if (decoded === null) return fail('LICENSE_KEY_MALFORMED');
  return { ok: true, value: { scheme: match[0], ...decoded } };
}
