/**
 * The production certificate signer: builds license and machine files byte for byte as
 * Keygen's checkout services do (protocol §1.1–1.3), for the issuer's check-out and offline
 * fulfilment. `verifyLicenseFile` is its acceptance test.
 */
import { constants, createCipheriv, createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { encryptionSecret } from './envelope.js';
import type { KeyFamily } from './public-key.js';
import { ALGORITHMS, type Algorithm, type CertificateKind, type SigningAlgorithm } from './types.js';

/** What to sign: the payload text exactly as it goes into the file, and the key to sign it with. */
export interface SignCertificateOptions {
  readonly kind: CertificateKind;
  readonly algorithm: Algorithm;
  /** A private key of the algorithm's family (Ed25519, EC P-256 or RSA ≥ 2048 bits). */
  readonly signingKey: KeyObject;
  /** JSON text exactly as it will be signed or encrypted; never re-serialized here. */
  readonly payload: string;
  /** Required for `aes-256-gcm+…`: the AES key is SHA-256 of it (plus the fingerprint for machines). */
  readonly licenseKey?: string | undefined;
  /** Required for `aes-256-gcm+…` machine files. */
  readonly fingerprint?: string | undefined;
}

const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
/** Ruby's `Base64.encode64` wraps at 60 characters; the armor body keeps that layout (§1.1). */
const ARMOR_LINE_LENGTH = 60;
const MIN_RSA_BITS = 2048;

const signingOf = (algorithm: Algorithm): SigningAlgorithm => algorithm.slice(algorithm.indexOf('+') + 1) as SigningAlgorithm;

/** The key family an `alg` is signed with: RSA keys serve both RSA suffixes. */
export function signingFamilyOf(algorithm: Algorithm): KeyFamily {
  const signing = signingOf(algorithm);
  return signing === 'rsa-pss-sha256' || signing === 'rsa-sha256' ? 'rsa' : signing;
}

/** Throws a TypeError unless `key` is a private key the algorithm can sign with (a caller bug). */
function assertSigningKey(algorithm: Algorithm, key: KeyObject): void {
  if (key.type !== 'private') throw new TypeError(`signCertificate: ${algorithm} needs a private key, got a ${key.type} key`);
  const family = signingFamilyOf(algorithm);
  const type = key.asymmetricKeyType;
  const fits =
    (family === 'ed25519' && type === 'ed25519') ||
    (family === 'ecdsa-p256' && type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') ||
    (family === 'rsa' && type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS);
  if (!fits) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const bits = key.asymmetricKeyDetails?.modulusLength;
    const described = [type, curve, bits === undefined ? undefined : `${bits} bits`].filter(Boolean).join(' ');
    throw new TypeError(`signCertificate: ${algorithm} needs a ${family} signing key, got ${described}`);
  }
}

/**
 * Signs `message` as keygen-api does for each suffix (abstract_checkout_service.rb:112-131);
 * signed license keys use the same primitives (license.rb). Throws when the key does not fit.
 */
export function signWith(signing: SigningAlgorithm, key: KeyObject, message: Buffer): Buffer {
  switch (signing) {
    case 'ed25519':
      return sign(null, message, key);
    case 'ecdsa-p256':
      // OpenSSL::PKey::EC#sign emits ASN.1 DER (r, s).
      return sign('sha256', message, { key, dsaEncoding: 'der' });
    case 'rsa-pss-sha256':
      // SHA-256 with MGF1-SHA-256 and `salt_length: :max`.
      return sign('sha256', message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN });
    case 'rsa-sha256':
      return sign('sha256', message, { key, padding: constants.RSA_PKCS1_PADDING });
  }
}

/** `b64(ciphertext).b64(iv).b64(tag)`: AES-256-GCM, key SHA-256(utf8(secret)), random 12-byte IV, empty AAD (§1.3). */
function encrypt(payload: string, secret: string): string {
  const key = createHash('sha256').update(secret, 'utf8').digest();
  const iv = randomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(payload, 'utf8'), cipher.final()]);
  return [ciphertext, iv, cipher.getAuthTag()].map((part) => part.toString('base64')).join('.');
}

/** Header, body in 60-character lines, footer, final newline (`Base64.encode64(doc).chomp`). */
function armor(kind: CertificateKind, outer: string): string {
  const body = Buffer.from(outer, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let start = 0; start < body.length; start += ARMOR_LINE_LENGTH) lines.push(body.slice(start, start + ARMOR_LINE_LENGTH));
  const label = kind === 'machine' ? 'MACHINE' : 'LICENSE';
  return `-----BEGIN ${label} FILE-----\n${lines.join('\n')}\n-----END ${label} FILE-----\n`;
}

/**
 * Builds an armored license or machine file exactly as Keygen's server does: `enc` (encrypted or
 * base64 payload), `sig` over `kind + "/" + enc`, outer `{"enc","sig","alg"}` JSON, base64 in
 * 60-character lines. Throws a TypeError on a programming error: an unknown kind or algorithm,
 * a key that is not a private key of the algorithm's family, or a missing license key
 * (or fingerprint, for machine files) when encrypting.
 */
export function signCertificate(options: SignCertificateOptions): string {
  const { kind, algorithm, signingKey, payload } = options;
  if (kind !== 'license' && kind !== 'machine') throw new TypeError(`signCertificate: unknown kind ${String(kind)}`);
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) throw new TypeError(`signCertificate: unknown algorithm ${String(algorithm)}`);
  if (typeof payload !== 'string') throw new TypeError('signCertificate: payload must be the JSON text to sign');
  assertSigningKey(algorithm, signingKey);

  let enc: string;
  if (algorithm.startsWith('aes-256-gcm+')) {
    const { licenseKey, fingerprint } = options;
    if (typeof licenseKey !== 'string' || licenseKey === '') throw new TypeError(`signCertificate: ${algorithm} needs the license key`);
    if (kind === 'machine' && (typeof fingerprint !== 'string' || fingerprint === '')) {
      throw new TypeError(`signCertificate: an encrypted machine file needs the machine fingerprint`);
    }
    enc = encrypt(payload, encryptionSecret(kind, licenseKey, fingerprint ?? ''));
  } else {
    enc = Buffer.from(payload, 'utf8').toString('base64');
  }

  const sig = signWith(signingOf(algorithm), signingKey, Buffer.from(`${kind}/${enc}`, 'utf8')).toString('base64');
  // Key order enc, sig, alg, as Ruby's Hash#to_json writes it.
  const outer = JSON.stringify({ enc, sig, alg: algorithm });
  return armor(kind, outer);
}
