import { createDecipheriv, createHash } from 'node:crypto';
import type { LicenseFileCode, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { encryptionSecret, parseEnvelope, signingInput, type Envelope } from './envelope.js';
import { nodeCodec } from './node-codec.js';
import { checkPayload } from './payload.js';
import type { PinnedKey } from './public-key.js';
import { verifyWith } from './signature.js';
import type { LicenseFileResult, VerifyOptions } from './types.js';

/** AES-256-GCM with key SHA-256(secret), empty AAD (protocol §1.3); null when the tag fails. */
function decrypt(envelope: Envelope, secret: string): string | null {
  try {
    const key = createHash('sha256').update(secret, 'utf8').digest();
    const decipher = createDecipheriv('aes-256-gcm', key, envelope.iv, { authTagLength: 16 });
    decipher.setAuthTag(envelope.tag);
    const plaintext = Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]);
    return plaintext.toString('utf8');
  } catch {
    return null;
  }
}

/**
 * Checks only the signature of a certificate (for files whose license key is unknown).
 * Returns the envelope, or `LICENSE_FILE_MALFORMED`, `…_TOO_LARGE`, `…_UNSUPPORTED_ALGORITHM`
 * or `LICENSE_FILE_NOT_GENUINE`. It says nothing about the payload: never install on this alone.
 */
export function verifyCertificateSignature(input: Uint8Array | string, publicKey: PinnedKey): Result<Envelope, LicenseFileCode> {
  const parsed = parseEnvelope(input, publicKey.family, undefined, nodeCodec);
  if (!parsed.ok) return parsed;
  const message = Buffer.from(signingInput(parsed.value), 'utf8');
  if (!verifyWith(parsed.value.signing, publicKey.key, message, parsed.value.signature)) return fail('LICENSE_FILE_NOT_GENUINE');
  return parsed;
}

/**
 * The one entry point from untrusted bytes to a verified license: size cap → armor → strict
 * base64 → envelope → algorithm allow-list → signature (before anything is decrypted) →
 * decrypt → payload schema → claim checks. Returns a typed failure for each step.
 */
export function verifyLicenseFile(input: Uint8Array | string, publicKey: PinnedKey, options: VerifyOptions): LicenseFileResult {
  const parsed = parseEnvelope(input, publicKey.family, options.allowedAlgorithms, nodeCodec);
  if (!parsed.ok) return parsed;
  const envelope = parsed.value;
  const message = Buffer.from(signingInput(envelope), 'utf8');
  if (!verifyWith(envelope.signing, publicKey.key, message, envelope.signature)) return fail('LICENSE_FILE_NOT_GENUINE');

  let payload: string | null;
  if (envelope.encrypted) {
    if (!options.licenseKey) return fail('LICENSE_FILE_DECRYPTION_FAILED');
    if (envelope.kind === 'machine' && !options.fingerprint) return fail('FINGERPRINT_MISMATCH');
    payload = decrypt(envelope, encryptionSecret(envelope.kind, options.licenseKey, options.fingerprint ?? ''));
    if (payload === null) return fail('LICENSE_FILE_DECRYPTION_FAILED');
  } else {
    payload = nodeCodec.utf8(envelope.plain);
  }
  return checkPayload(payload, envelope, options);
}
