/**
 * What carries a license key in clear is kept sealed: certificates of unencrypted (`base64+…`)
 * files and the server's kept answers (a license resource names its key). AES-256-GCM with a
 * random state key held in the secret store, so that no license key is ever on disk in plain
 * text. The seal adds no trust: what is inside is verified with the vendor's key as anything else.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { SignedAnswer } from '../keygen/client.types.js';
import type { SecretStore } from '../vault/secret-store.js';

/** The secret-store account of the state key. */
export const STATE_KEY_ACCOUNT = 'state-key';
const PREFIX = 'tessera-sealed:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Whether a stored certificate is sealed. */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

function parseKey(text: string | null): Buffer | null {
  if (text === null) return null;
  const key = Buffer.from(text, 'base64url');
  return key.length === KEY_BYTES ? key : null;
}

/**
 * The state key, made and stored on first need (`create`). Fails with the secret store's code;
 * without `create`, a missing key is LICENSE_FILE_DECRYPTION_FAILED (a sealed certificate can
 * no longer be opened, as when the keychain was reset).
 */
export async function stateKey(secrets: SecretStore, create: boolean): Promise<Result<Buffer>> {
  const stored = await secrets.get(STATE_KEY_ACCOUNT);
  if (!stored.ok) return stored;
  const key = parseKey(stored.value);
  if (key !== null) return { ok: true, value: key };
  if (!create) return fail('LICENSE_FILE_DECRYPTION_FAILED');
  const made = randomBytes(KEY_BYTES);
  const saved = await secrets.set(STATE_KEY_ACCOUNT, made.toString('base64url'));
  return saved.ok ? { ok: true, value: made } : saved;
}

/** `certificate` sealed with `key`. */
export function seal(certificate: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(certificate, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** The certificate inside a sealed one; LICENSE_FILE_DECRYPTION_FAILED when it does not open with `key`. */
export function unseal(sealed: string, key: Buffer): Result<string> {
  const [ivText, bodyText, extra] = sealed.slice(PREFIX.length).split('.');
  if (ivText === undefined || bodyText === undefined || extra !== undefined) return fail('LICENSE_FILE_MALFORMED');
  const iv = Buffer.from(ivText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (iv.length !== IV_BYTES || body.length <= TAG_BYTES) return fail('LICENSE_FILE_MALFORMED');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return { ok: true, value: Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8') };
  } catch {
    return fail('LICENSE_FILE_DECRYPTION_FAILED');
  }
}

/** A kept answer with its body sealed. */
export function sealAnswer(answer: SignedAnswer, key: Buffer): SignedAnswer {
  return isSealed(answer.body) ? answer : { ...answer, body: seal(answer.body, key) };
}

/** A kept answer with its body opened; null when it cannot be (no state key, or the key does not open it). */
export function openAnswer(stored: SignedAnswer | null, key: Buffer | null): SignedAnswer | null {
  if (stored === null || !isSealed(stored.body)) return stored;
  if (key === null) return null;
  const body = unseal(stored.body, key);
  return body.ok ? { ...stored, body: body.value } : null;
}
