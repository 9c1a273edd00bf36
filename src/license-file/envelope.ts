import type { LicenseFileCode, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { decodedLength, isStrictBase64 } from './base64.js';
import type { KeyFamily } from './public-key.js';
import { ALGORITHMS, MAX_CERTIFICATE_BYTES, type Algorithm, type CertificateKind, type SigningAlgorithm } from './types.js';

/** What each runtime supplies to the shared parser: decoding only, never verification. */
export interface EnvelopeCodec {
  /** Decodes text already checked by `isStrictBase64`. */
  decodeBase64(text: string): Uint8Array;
  /** Bytes to text, one char per byte for ASCII input. */
  latin1(bytes: Uint8Array): string;
  /** UTF-8 bytes to text. */
  utf8(bytes: Uint8Array): string;
}

/** A parsed, not yet verified certificate. */
export interface Envelope {
  readonly kind: CertificateKind;
  readonly alg: Algorithm;
  readonly encrypted: boolean;
  readonly signing: SigningAlgorithm;
  /** `enc` exactly as in the file; the signature covers `kind + "/" + enc`. */
  readonly enc: string;
  readonly signature: Uint8Array;
  /** For `aes-256-gcm`: the three dot-separated parts, each checked as strict base64. */
  readonly ciphertext: string;
  readonly iv: string;
  readonly tag: string;
}

const ARMOR = /^-----BEGIN (LICENSE|MACHINE) FILE-----\r?\n([\s\S]*?)\r?\n-----END (LICENSE|MACHINE) FILE-----$/;
const WHITESPACE = /[\r\n\t ]+/g;
const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** Which `alg` signing suffixes a pinned key of each family may verify. */
const FAMILY_SIGNING: Record<KeyFamily, readonly SigningAlgorithm[]> = {
  ed25519: ['ed25519'],
  'ecdsa-p256': ['ecdsa-p256'],
  rsa: ['rsa-pss-sha256', 'rsa-sha256'],
};

function isAlgorithm(value: string): value is Algorithm {
  return (ALGORITHMS as readonly string[]).includes(value);
}

/**
 * Turns untrusted bytes into an envelope: size cap, armor, strict base64, `{enc,sig,alg}` schema,
 * `alg` allow-list and key-family match. Nothing here is trusted yet; the caller verifies next.
 * Returns `LICENSE_FILE_TOO_LARGE`, `LICENSE_FILE_MALFORMED` or `LICENSE_FILE_UNSUPPORTED_ALGORITHM`.
 */
export function parseEnvelope(
  input: Uint8Array | string,
  family: KeyFamily,
  allowed: readonly Algorithm[] | undefined,
  codec: EnvelopeCodec,
): Result<Envelope, LicenseFileCode> {
  // The cap comes first so that nothing below ever scans an attacker-sized input.
  if (input.length > MAX_CERTIFICATE_BYTES) return fail('LICENSE_FILE_TOO_LARGE');
  const text = (typeof input === 'string' ? input : codec.latin1(input)).trim();
  const armor = ARMOR.exec(text);
  if (armor === null || armor[1] !== armor[3]) return fail('LICENSE_FILE_MALFORMED');
  const kind: CertificateKind = armor[1] === 'MACHINE' ? 'machine' : 'license';

  const body = (armor[2] ?? '').replace(WHITESPACE, '');
  if (body.length === 0 || !isStrictBase64(body)) return fail('LICENSE_FILE_MALFORMED');
  let outer: unknown;
  try {
    outer = JSON.parse(codec.utf8(codec.decodeBase64(body)));
  } catch {
    return fail('LICENSE_FILE_MALFORMED');
  }
  if (typeof outer !== 'object' || outer === null || Array.isArray(outer)) return fail('LICENSE_FILE_MALFORMED');
  const { enc, sig, alg } = outer as Record<string, unknown>;
  if (typeof enc !== 'string' || typeof sig !== 'string' || typeof alg !== 'string') return fail('LICENSE_FILE_MALFORMED');
  if (Object.keys(outer).length !== 3) return fail('LICENSE_FILE_MALFORMED');

  if (!isAlgorithm(alg)) return fail('LICENSE_FILE_UNSUPPORTED_ALGORITHM');
  const plus = alg.indexOf('+');
  const encrypted = alg.startsWith('aes-256-gcm+');
  const signing = alg.slice(plus + 1) as SigningAlgorithm;

  let ciphertext = '';
  let iv = '';
  let tag = '';
  if (encrypted) {
    const parts = enc.split('.');
    if (parts.length !== 3) return fail('LICENSE_FILE_MALFORMED');
    [ciphertext, iv, tag] = parts as [string, string, string];
    if (!isStrictBase64(ciphertext) || !isStrictBase64(iv) || !isStrictBase64(tag)) return fail('LICENSE_FILE_MALFORMED');
    if (decodedLength(iv) !== GCM_IV_BYTES || decodedLength(tag) !== GCM_TAG_BYTES) return fail('LICENSE_FILE_MALFORMED');
  } else if (enc.length === 0 || !isStrictBase64(enc)) {
    return fail('LICENSE_FILE_MALFORMED');
  }
  if (sig.length === 0 || !isStrictBase64(sig)) return fail('LICENSE_FILE_MALFORMED');

  // `alg` is not covered by the signature, so the pinned key decides what may be verified.
  if (!FAMILY_SIGNING[family].includes(signing)) return fail('LICENSE_FILE_UNSUPPORTED_ALGORITHM');
  if (allowed !== undefined && !allowed.includes(alg)) return fail('LICENSE_FILE_UNSUPPORTED_ALGORITHM');

  return {
    ok: true,
    value: { kind, alg, encrypted, signing, enc, signature: codec.decodeBase64(sig), ciphertext, iv, tag },
  };
}

/** The exact text the signature covers: `"license/" + enc` or `"machine/" + enc`. */
export function signingInput(envelope: Envelope): string {
  return `${envelope.kind}/${envelope.enc}`;
}

/** The AES key secret: the license key, plus the fingerprint for machine files (no separator). */
export function encryptionSecret(kind: CertificateKind, licenseKey: string, fingerprint: string): string {
  return kind === 'machine' ? licenseKey + fingerprint : licenseKey;
}
