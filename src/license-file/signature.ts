/** Signature verification for every signing algorithm Keygen uses, over node:crypto. */
import { constants, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from './types.js';

/** RSA-PSS as Keygen signs it: SHA-256, MGF1-SHA-256, salt as long as the modulus allows. */
function maxPssSalt(key: KeyObject): number {
  const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
  return modulusBytes - 32 - 2;
}

/**
 * Verifies `signature` over `message` with the pinned key under one of Keygen's signing
 * algorithms. Malformed signatures are `false`, never a throw.
 */
export function verifyWith(algorithm: SigningAlgorithm, key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (algorithm) {
      case 'ed25519':
        // RFC 8032 §5.1.7 via OpenSSL: a 64-byte signature; other lengths verify false.
        return signature.length === 64 && verifySignature(null, message, key, signature);
      case 'ecdsa-p256':
        // Keygen signs with OpenSSL::PKey::EC#sign, which emits ASN.1 DER (r, s).
        return verifySignature('sha256', message, { key, dsaEncoding: 'der' }, signature);
      case 'rsa-pss-sha256':
        return verifySignature(
          'sha256',
          message,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: maxPssSalt(key) },
          signature,
        );
      case 'rsa-sha256':
        return verifySignature('sha256', message, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
    }
  } catch {
    return false;
  }
}
