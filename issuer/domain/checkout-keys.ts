/**
 * The account keys that sign license and machine files, one per signing family, as Keygen
 * holds them (`ed25519_private_key`, `ecdsa_private_key`, and `private_key` for both RSA
 * suffixes; keygen-api `abstract_checkout_service.rb`). The Ed25519 key is the account's own,
 * the one that also signs responses; the ECDSA P-256 and RSA-2048 keys are stored with the
 * account (`AccountsRepo.withCertificateKeys`), so they survive restarts.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { KeyFamily } from '../../src/license-file/public-key.js';
import type { Account } from './types.js';

/** Parsed keys, per account id and family (parsing a PEM costs more than a signature). */
const parsed = new Map<string, KeyObject>();

/** The public halves a vendor pins to verify this account's certificates. */
export interface CertificatePublicKeys {
  /** Raw Ed25519 key, 64 hex characters (the account's `publicKeyHex`). */
  readonly ed25519: string;
  /** SPKI PEM of the ECDSA P-256 key. */
  readonly ecdsaP256: string;
  /** SPKI PEM of the RSA-2048 key (serves `rsa-pss-sha256` and `rsa-sha256`). */
  readonly rsa2048: string;
}

function pemOf(account: Account, family: KeyFamily): string {
  const pem = family === 'ed25519' ? account.privateKeyPem : family === 'ecdsa-p256' ? account.ecdsaPrivateKeyPem : account.rsaPrivateKeyPem;
  if (pem === null) throw new Error(`account ${account.id} has no ${family} certificate key (start the issuer to create it)`);
  return pem;
}

/** The private key that signs `account`'s certificates of `family`. */
export function certificateSigningKey(account: Account, family: KeyFamily): KeyObject {
  const slot = `${account.id}:${family}`;
  let key = parsed.get(slot);
  if (key === undefined) {
    key = createPrivateKey({ key: pemOf(account, family), format: 'pem' });
    parsed.set(slot, key);
  }
  return key;
}

/** The public keys of every family, for vendors to pin. */
export function certificatePublicKeys(account: Account): CertificatePublicKeys {
  const spki = (family: KeyFamily): string => createPublicKey(certificateSigningKey(account, family)).export({ format: 'pem', type: 'spki' }).toString();
  return { ed25519: account.publicKeyHex, ecdsaP256: spki('ecdsa-p256'), rsa2048: spki('rsa') };
}
