import type { LicenseFileCode, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { KeyFamily } from './public-key.js';
import { ALGORITHMS, MAX_CERTIFICATE_BYTES, type Algorithm, type CertificateKind, type SigningAlgorithm } from './types.js';

/** What each runtime supplies to the shared parser: decoding only, never verification. */
export interface EnvelopeCodec {
  /** Decodes canonical, padded, standard base64 (see `isStrictBase64`); null for anything else. */
  decodeStrict(text: string): Uint8Array | null;
  /** Bytes to text, one char per byte for ASCII input. */
  latin1(bytes: Uint8Array): string;
  /** UTF-8 bytes to text, keeping a byte-order mark (so that it fails JSON parsing everywhere). */
  utf8(bytes: Uint8Array): string;
  /** UTF-8 length of `text` in bytes. */
  byteLength(text: string): number;
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
  /** For `aes-256-gcm`: the three dot-separated parts of `enc`, decoded. Empty otherwise. */
  readonly ciphertext: Uint8Array;
  readonly iv: Uint8Array;
  readonly tag: Uint8Array;
  /** For `base64`: the decoded payload bytes. Empty otherwise. */
  readonly plain: Uint8Array;
}

const ARMOR = /^-----BEGIN (LICENSE|MACHINE) FILE-----\r?\n([\s\S]*?)\r?\n-----END (LICENSE|MACHINE) FILE-----$/;
const WHITESPACE = /[\r\n\t ]+/g;
const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
const EMPTY = new Uint8Array(0);

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
  if (typeof input === 'string' && codec.byteLength(input) > MAX_CERTIFICATE_BYTES) return fail('LICENSE_FILE_TOO_LARGE');
  const text = (typeof input === 'string' ? input : codec.latin1(input)).trim();
  const armor = ARMOR.exec(text);
  if (armor === null || armor[1] !== armor[3]) return fail('LICENSE_FILE_MALFORMED');
  const kind: CertificateKind = armor[1] === 'MACHINE' ? 'machine' : 'license';

  const body = codec.decodeStrict((armor[2] ?? '').replace(WHITESPACE, ''));
  if (body === null || body.length === 0) return fail('LICENSE_FILE_MALFORMED');
  let outer: unknown;
  try {
    outer = JSON.parse(codec.utf8(body));
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

  let ciphertext: Uint8Array | null = EMPTY;
  let iv: Uint8Array | null = EMPTY;
  let tag: Uint8Array | null = EMPTY;
  let plain: Uint8Array | null = EMPTY;
  if (encrypted) {
    const parts = enc.split('.');
    if (parts.length !== 3) return fail('LICENSE_FILE_MALFORMED');
    ciphertext = codec.decodeStrict(parts[0] as string);
    iv = codec.decodeStrict(parts[1] as string);
    tag = codec.decodeStrict(parts[2] as string);
    if (ciphertext === null || iv?.length !== GCM_IV_BYTES || tag?.length !== GCM_TAG_BYTES) return fail('LICENSE_FILE_MALFORMED');
  } else {
    plain = codec.decodeStrict(enc);
    if (plain === null || plain.length === 0) return fail('LICENSE_FILE_MALFORMED');
  }
  const signature = sig.length === 0 ? null : codec.decodeStrict(sig);
  if (signature === null) return fail('LICENSE_FILE_MALFORMED');

  // `alg` is not covered by the signature, so the pinned key decides what may be verified.
  if (!FAMILY_SIGNING[family].includes(signing)) return fail('LICENSE_FILE_UNSUPPORTED_ALGORITHM');
  if (allowed !== undefined && !allowed.includes(alg)) return fail('LICENSE_FILE_UNSUPPORTED_ALGORITHM');

  return {
    ok: true,
    value: { kind, alg, encrypted, signing, enc, signature, ciphertext, iv: iv as Uint8Array, tag: tag as Uint8Array, plain },
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
