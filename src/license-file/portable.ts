/**
 * The portable verifier: the same engine for the licensed application's own code, in any
 * JavaScript runtime with WebCrypto (browsers, Electron renderers, Deno, Bun, Node ≥ 20).
 * It imports no Node built-in: Ed25519 comes from @noble/ed25519, the rest from WebCrypto.
 */
import { verifyAsync as ed25519Verify } from '@noble/ed25519';
import type { LicenseFileCode, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { isStrictBase64 } from './base64.js';
import { encryptionSecret, parseEnvelope, signingInput, type Envelope, type EnvelopeCodec } from './envelope.js';
import { checkPayload } from './payload.js';
import type { KeyFamily } from './public-key.js';
import type { LicenseFileResult, SigningAlgorithm, VerifyOptions } from './types.js';

/** WebCrypto's key type, named without DOM or Node type imports. */
type CryptoKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

/** A vendor public key imported for WebCrypto / noble. */
export interface PortableKey {
  readonly family: KeyFamily;
  /** Raw 32-byte Ed25519 key, for the Ed25519 family. */
  readonly raw: Uint8Array | null;
  /** For ECDSA: the P-256 key. For RSA: the RSA-PSS key. */
  readonly primary: CryptoKey | null;
  /** For RSA: the PKCS#1 v1.5 key (WebCrypto binds one padding to each imported key). */
  readonly secondary: CryptoKey | null;
  /** RSA-PSS salt length Keygen uses: the maximum for the modulus (222 for 2048-bit keys). */
  readonly pssSaltLength: number;
}

// ignoreBOM keeps a leading byte-order mark, as Node's decoder does, so both engines agree.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const latin1Decoder = new TextDecoder('latin1');
const encoder = new TextEncoder();

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

const portableCodec: EnvelopeCodec = {
  decodeStrict: (text) => (isStrictBase64(text) ? decodeBase64(text) : null),
  byteLength: (text) => encoder.encode(text).length,
  latin1: (bytes) => latin1Decoder.decode(bytes),
  utf8: (bytes) => utf8Decoder.decode(bytes),
};

// DER encodings of the algorithm OIDs that an SPKI public key can carry.
const OID_ED25519 = [0x06, 0x03, 0x2b, 0x65, 0x70];
const OID_EC_PUBLIC_KEY = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_RSA = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

function contains(haystack: Uint8Array, needle: readonly number[]): boolean {
  outer: for (let start = 0; start + needle.length <= haystack.length && start < 32; start += 1) {
    for (let offset = 0; offset < needle.length; offset += 1) {
      if (haystack[start + offset] !== needle[offset]) continue outer;
    }
    return true;
  }
  return false;
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1) bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

/**
 * Imports a public key given as 64 hex characters (Ed25519) or SPKI PEM text (Ed25519,
 * ECDSA P-256, RSA ≥ 2048). Returns `PUBLIC_KEY_INVALID` for anything else.
 */
export async function importPortableKey(text: string): Promise<Result<PortableKey, 'PUBLIC_KEY_INVALID'>> {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    return { ok: true, value: { family: 'ed25519', raw: hexToBytes(trimmed), primary: null, secondary: null, pssSaltLength: 0 } };
  }
  const pem = /^-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----$/.exec(trimmed);
  if (pem === null) return fail('PUBLIC_KEY_INVALID');
  const body = (pem[1] ?? '').replace(/\s+/g, '');
  let der: Uint8Array;
  try {
    der = decodeBase64(body);
  } catch {
    return fail('PUBLIC_KEY_INVALID');
  }
  const subtle = globalThis.crypto.subtle;
  try {
    if (contains(der, OID_ED25519) && der.length === 44) {
      return { ok: true, value: { family: 'ed25519', raw: der.slice(12), primary: null, secondary: null, pssSaltLength: 0 } };
    }
    if (contains(der, OID_EC_PUBLIC_KEY) && contains(der, OID_P256)) {
      const key = await subtle.importKey('spki', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
      return { ok: true, value: { family: 'ecdsa-p256', raw: null, primary: key, secondary: null, pssSaltLength: 0 } };
    }
    if (contains(der, OID_RSA)) {
      const pss = await subtle.importKey('spki', der, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
      const pkcs1 = await subtle.importKey('spki', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
      const modulusBits = (pss.algorithm as { modulusLength?: number }).modulusLength ?? 0;
      if (modulusBits < 2048) return fail('PUBLIC_KEY_INVALID');
      const saltLength = Math.ceil(modulusBits / 8) - 32 - 2;
      return { ok: true, value: { family: 'rsa', raw: null, primary: pss, secondary: pkcs1, pssSaltLength: saltLength } };
    }
  } catch {
    return fail('PUBLIC_KEY_INVALID');
  }
  return fail('PUBLIC_KEY_INVALID');
}

/** ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }` → 64-byte r‖s (IEEE P1363), or null. */
export function derToP1363(der: Uint8Array): Uint8Array | null {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const out = new Uint8Array(64);
  let offset = 2;
  for (const half of [0, 32]) {
    if (der[offset] !== 0x02) return null;
    const length = der[offset + 1] ?? 0;
    let start = offset + 2;
    const end = start + length;
    if (length === 0 || end > der.length) return null;
    // Minimal encoding: one leading zero only when the next byte has its top bit set.
    if (der[start] === 0 && length > 1 && ((der[start + 1] ?? 0) & 0x80) === 0) return null;
    if ((der[start] ?? 0) & 0x80) return null;
    while (start < end && der[start] === 0) start += 1;
    if (end - start > 32) return null;
    out.set(der.subarray(start, end), half + 32 - (end - start));
    offset = end;
  }
  return offset === der.length ? out : null;
}

async function verifyPortable(algorithm: SigningAlgorithm, key: PortableKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const subtle = globalThis.crypto.subtle;
  try {
    switch (algorithm) {
      case 'ed25519':
        // zip215: false selects RFC 8032 strict verification, matching OpenSSL in Node.
        return key.raw !== null && signature.length === 64 && (await ed25519Verify(signature, message, key.raw, { zip215: false }));
      case 'ecdsa-p256': {
        const raw = derToP1363(signature);
        return raw !== null && key.primary !== null && (await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key.primary, raw, message));
      }
      case 'rsa-pss-sha256':
        return key.primary !== null && (await subtle.verify({ name: 'RSA-PSS', saltLength: key.pssSaltLength }, key.primary, signature, message));
      case 'rsa-sha256':
        return key.secondary !== null && (await subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, key.secondary, signature, message));
    }
  } catch {
    return false;
  }
}

async function decryptPortable(envelope: Envelope, secret: string): Promise<string | null> {
  const subtle = globalThis.crypto.subtle;
  try {
    const digest = await subtle.digest('SHA-256', encoder.encode(secret));
    const key = await subtle.importKey('raw', digest, { name: 'AES-GCM' }, false, ['decrypt']);
    // WebCrypto takes the tag appended to the ciphertext.
    const sealed = new Uint8Array(envelope.ciphertext.length + envelope.tag.length);
    sealed.set(envelope.ciphertext);
    sealed.set(envelope.tag, envelope.ciphertext.length);
    const plaintext = await subtle.decrypt({ name: 'AES-GCM', iv: envelope.iv, tagLength: 128 }, key, sealed);
    return utf8Decoder.decode(plaintext);
  } catch {
    return null;
  }
}

/**
 * The portable twin of `verifyLicenseFile`: the same checks in the same order, the same codes.
 * Never throws for malformed input.
 */
export async function verifyLicenseFilePortable(
  input: Uint8Array | string,
  publicKey: PortableKey,
  options: VerifyOptions,
): Promise<LicenseFileResult> {
  const parsed = parseEnvelope(input, publicKey.family, options.allowedAlgorithms, portableCodec);
  if (!parsed.ok) return parsed;
  const envelope = parsed.value;
  const message = encoder.encode(signingInput(envelope));
  if (!(await verifyPortable(envelope.signing, publicKey, message, envelope.signature))) return fail('LICENSE_FILE_NOT_GENUINE');

  let payload: string | null;
  if (envelope.encrypted) {
    if (!options.licenseKey) return fail('LICENSE_FILE_DECRYPTION_FAILED');
    if (envelope.kind === 'machine' && !options.fingerprint) return fail('FINGERPRINT_MISMATCH');
    payload = await decryptPortable(envelope, encryptionSecret(envelope.kind, options.licenseKey, options.fingerprint ?? ''));
    if (payload === null) return fail('LICENSE_FILE_DECRYPTION_FAILED');
  } else {
    payload = utf8Decoder.decode(envelope.plain);
  }
  return checkPayload(payload, envelope, options);
}

/** Signature-only check, as `verifyCertificateSignature` in the Node engine. */
export async function verifyCertificateSignaturePortable(
  input: Uint8Array | string,
  publicKey: PortableKey,
): Promise<Result<Envelope, LicenseFileCode>> {
  const parsed = parseEnvelope(input, publicKey.family, undefined, portableCodec);
  if (!parsed.ok) return parsed;
  const message = encoder.encode(signingInput(parsed.value));
  if (!(await verifyPortable(parsed.value.signing, publicKey, message, parsed.value.signature))) return fail('LICENSE_FILE_NOT_GENUINE');
  return parsed;
}
