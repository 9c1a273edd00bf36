import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';

/** Which signing family a pinned key belongs to; RSA keys serve both RSA `alg` suffixes. */
export type KeyFamily = 'ed25519' | 'ecdsa-p256' | 'rsa';

/** A vendor public key, parsed once and pinned: nothing in a file may choose its own key. */
export interface PinnedKey {
  readonly family: KeyFamily;
  readonly key: KeyObject;
  /** Raw 32-byte key for Ed25519 (used by the portable verifier's cross-checks). */
  readonly raw: Uint8Array | null;
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/**
 * Parses a public key given as 64 hex characters (Ed25519) or PEM text (Ed25519, ECDSA P-256
 * or RSA ≥ 2048 bits). Returns `PUBLIC_KEY_INVALID` for anything else.
 */
export function parsePublicKey(text: string): Result<PinnedKey, 'PUBLIC_KEY_INVALID'> {
  const trimmed = text.trim();
  if (HEX_KEY.test(trimmed)) {
    const raw = Buffer.from(trimmed, 'hex');
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return { ok: true, value: { family: 'ed25519', key, raw: new Uint8Array(raw) } };
  }
  if (!trimmed.startsWith('-----BEGIN')) return fail('PUBLIC_KEY_INVALID');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: trimmed, format: 'pem' });
  } catch {
    return fail('PUBLIC_KEY_INVALID');
  }
  switch (key.asymmetricKeyType) {
    case 'ed25519': {
      const der = key.export({ format: 'der', type: 'spki' });
      return { ok: true, value: { family: 'ed25519', key, raw: new Uint8Array(der.subarray(ED25519_SPKI_PREFIX.length)) } };
    }
    case 'ec':
      if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return fail('PUBLIC_KEY_INVALID');
      return { ok: true, value: { family: 'ecdsa-p256', key, raw: null } };
    case 'rsa':
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return fail('PUBLIC_KEY_INVALID');
      return { ok: true, value: { family: 'rsa', key, raw: null } };
    default:
      return fail('PUBLIC_KEY_INVALID');
  }
}

/**
 * Reads a `--public-key` argument: 64 hex characters, or a path to a PEM file.
 * Returns `PUBLIC_KEY_INVALID` when neither reads as a supported key.
 */
export function loadPublicKeyArgument(argument: string): Result<PinnedKey, 'PUBLIC_KEY_INVALID'> {
  if (HEX_KEY.test(argument.trim()) || argument.trim().startsWith('-----BEGIN')) return parsePublicKey(argument);
  let text: string;
  try {
    text = readFileSync(argument, 'utf8');
  } catch {
    return fail('PUBLIC_KEY_INVALID');
  }
  return parsePublicKey(text);
}
