/**
 * This machine's own key pair (Ed25519, node:crypto): made on first need, the private half kept
 * in the secret store (keychain, or the owner-only file on machines without one) under one fixed
 * account, never on disk elsewhere. It signs activation requests and deactivation receipts; its
 * public half is registered in the machine's metadata on the licensing server at activation, so
 * a connected machine can later check a receipt against it.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { Result } from '../contract/codes.js';
import type { SecretStore, SecretStoreCode } from '../vault/secret-store.js';

/** The secret store account that holds the private key (PKCS#8 DER, base64). */
export const MACHINE_KEY_ACCOUNT = 'machine-key';
/**
 * The machine metadata key the public half is registered under. Keygen stores metadata keys
 * in snake_case and answers in camelCase, so only a key that survives that round trip is used.
 */
export const MACHINE_KEY_METADATA = 'tesseraMachineKey';
/** The registered value: `ed25519:` and the raw 32-byte public key in hex. */
const REGISTERED = /^ed25519:([0-9a-f]{64})$/;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The machine's key pair, ready to sign. */
export interface MachineKey {
  /** The raw public key, 64 lowercase hex characters. */
  readonly publicKey: string;
  /** Ed25519 signature of `message` (64 bytes). */
  sign(message: Uint8Array): Buffer;
}

function fromPrivate(privateKey: KeyObject): MachineKey {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { publicKey: spki.subarray(ED25519_SPKI_PREFIX.length).toString('hex'), sign: (message) => sign(null, message, privateKey) };
}

/** Reads a stored private key; null when what is stored is not an Ed25519 PKCS#8 key. */
function parseStored(text: string): MachineKey | null {
  try {
    const privateKey = createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
    return privateKey.asymmetricKeyType === 'ed25519' ? fromPrivate(privateKey) : null;
  } catch {
    return null;
  }
}

// One key per store per process, even when several callers ask at once on first use.
const pending = new WeakMap<SecretStore, Promise<Result<MachineKey, SecretStoreCode>>>();

/**
 * This machine's key: the stored one, or a new one stored first (the key is usable only once it
 * is kept). Fails with the secret store's code (KEYCHAIN_UNAVAILABLE, KEYCHAIN_TIMEOUT,
 * SECRET_FILE_UNUSABLE) when it cannot be read or stored. A stored value that is not a key
 * (damaged) is replaced: requests signed with it could not be checked anyway.
 */
export function machineKey(secrets: SecretStore): Promise<Result<MachineKey, SecretStoreCode>> {
  let loading = pending.get(secrets);
  if (loading === undefined) {
    loading = loadOrCreate(secrets);
    pending.set(secrets, loading);
    // A failure is not cached: the keychain may be unlocked by the next call.
    void loading.then((result) => {
      if (!result.ok) pending.delete(secrets);
    });
  }
  return loading;
}

async function loadOrCreate(secrets: SecretStore): Promise<Result<MachineKey, SecretStoreCode>> {
  const stored = await secrets.get(MACHINE_KEY_ACCOUNT);
  if (!stored.ok) return stored;
  const existing = stored.value === null ? null : parseStored(stored.value);
  if (existing !== null) return { ok: true, value: existing };
  const { privateKey } = generateKeyPairSync('ed25519');
  const saved = await secrets.set(MACHINE_KEY_ACCOUNT, privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
  if (!saved.ok) return saved;
  return { ok: true, value: fromPrivate(privateKey) };
}

/** A machine key that may not be stored yet: `save` keeps it (nothing to do when it was stored already). */
export interface MachineKeyDraft {
  readonly key: MachineKey;
  save(): Promise<Result<void, SecretStoreCode>>;
}

/**
 * The stored key, or a new one not yet stored: for an activation, which registers the public
 * half first and keeps the private half only once the server took it, so that a refused
 * activation leaves nothing behind. Fails with the secret store's code when it cannot be read.
 */
export async function machineKeyDraft(secrets: SecretStore): Promise<Result<MachineKeyDraft, SecretStoreCode>> {
  const stored = await secrets.get(MACHINE_KEY_ACCOUNT);
  if (!stored.ok) return stored;
  const existing = stored.value === null ? null : parseStored(stored.value);
  if (existing !== null) return { ok: true, value: { key: existing, save: async () => ({ ok: true, value: undefined }) } };
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    ok: true,
    value: {
      key: fromPrivate(privateKey),
      async save() {
        // Another caller may have stored one meanwhile: the first stored key wins, as it is the one registered before.
        const again = await secrets.get(MACHINE_KEY_ACCOUNT);
        if (!again.ok) return again;
        if (again.value !== null && parseStored(again.value) !== null) return { ok: true, value: undefined };
        pending.delete(secrets);
        return secrets.set(MACHINE_KEY_ACCOUNT, privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
      },
    },
  };
}

/** The metadata value registering `publicKey` (hex). */
export function registeredValue(publicKey: string): string {
  return `ed25519:${publicKey}`;
}

/** The public key (hex) registered in a machine's metadata, or null when none (or not one we read). */
export function registeredKey(metadata: unknown): string | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  const value = (metadata as Record<string, unknown>)[MACHINE_KEY_METADATA];
  const match = typeof value === 'string' ? REGISTERED.exec(value) : null;
  return match === null ? null : (match[1] as string);
}

/** Whether `signature` is `publicKey`'s (hex) Ed25519 signature of `message`. False for anything malformed; never throws. */
export function verifyMachineSignature(publicKey: string, message: Uint8Array, signature: Uint8Array): boolean {
  if (!/^[0-9a-f]{64}$/.test(publicKey) || signature.length !== 64) return false;
  try {
    // The same raw key as a JWK: OpenSSL imports it directly, where a DER SPKI goes through its
    // decoder search at about ten times the cost (a stick of 500 requests reads 500 keys).
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'hex').toString('base64url') }, format: 'jwk' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
