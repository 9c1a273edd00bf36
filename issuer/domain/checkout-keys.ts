/**
 * The account keys that sign license and machine files, one per signing family, as Keygen
 * holds them (`ed25519_private_key`, `ecdsa_private_key`, and `private_key` for both RSA
 * suffixes; keygen-api `abstract_checkout_service.rb`). The Ed25519 key is the account's own,
 * the one that also signs responses. The account row has no ECDSA or RSA key, so those are made
 * on first use and kept in this process only: a restarted issuer signs with new ones.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { KeyFamily } from '../../src/license-file/public-key.js';
import type { Account } from './types.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Keygen's RSA account keys are 2048 bits (protocol §1.2). */
const RSA_BITS = 2048;

/** Per account id and family; a promise so that concurrent first check-outs share one generation. */
const generated = new Map<string, Promise<KeyObject>>();
const accountKeys = new Map<string, KeyObject>();

/** The public halves a vendor pins to verify this account's certificates. */
export interface CertificatePublicKeys {
  /** Raw Ed25519 key, 64 hex characters (the account's `publicKeyHex`). */
  readonly ed25519: string;
  /** SPKI PEM of the ECDSA P-256 key. */
  readonly ecdsaP256: string;
  /** SPKI PEM of the RSA-2048 key (serves `rsa-pss-sha256` and `rsa-sha256`). */
  readonly rsa2048: string;
}

function ed25519Key(account: Account): KeyObject {
  let key = accountKeys.get(account.id);
  if (key === undefined) {
    key = createPrivateKey({ key: account.privateKeyPem, format: 'pem' });
    accountKeys.set(account.id, key);
  }
  return key;
}

async function generate(family: Exclude<KeyFamily, 'ed25519'>): Promise<KeyObject> {
  const pair =
    family === 'rsa'
      ? await generateKeyPairAsync('rsa', { modulusLength: RSA_BITS })
      : await generateKeyPairAsync('ec', { namedCurve: 'prime256v1' });
  return pair.privateKey;
}

/**
 * The private key that signs `account`'s certificates of `family`. Rejects only when the
 * platform cannot generate a key (a failed generation is forgotten, so the next call retries).
 */
export async function certificateSigningKey(account: Account, family: KeyFamily): Promise<KeyObject> {
  if (family === 'ed25519') return ed25519Key(account);
  const slot = `${account.id}:${family}`;
  let pending = generated.get(slot);
  if (pending === undefined) {
    pending = generate(family);
    generated.set(slot, pending);
    void pending.catch(() => generated.delete(slot));
  }
  return pending;
}

/** The public keys of every family (generating the missing ones), for vendors to pin. */
export async function certificatePublicKeys(account: Account): Promise<CertificatePublicKeys> {
  const pem = async (family: KeyFamily): Promise<string> =>
    createPublicKey(await certificateSigningKey(account, family)).export({ format: 'pem', type: 'spki' }).toString();
  const [ecdsaP256, rsa2048] = await Promise.all([pem('ecdsa-p256'), pem('rsa')]);
  return { ed25519: account.publicKeyHex, ecdsaP256, rsa2048 };
}
