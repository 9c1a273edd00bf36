/**
 * Offline activation proofs, as keygen-api's `Machine#generate_proof` makes them
 * (`app/models/machine.rb`): `proof/<b64url(JSON dataset)>.<b64url(signature)>`, Ruby's padded
 * `urlsafe_encode64`, signed over `proof/<b64url(JSON dataset)>` with the account's RSA-2048
 * key, PKCS#1 v1.5 over SHA-256, whatever the license's scheme. The dataset is the one the
 * request supplied, else Keygen's default (`default_proof_dataset`). Tessera checks proofs with
 * `src/license-file/activation-proof.ts`.
 */
import { signWith } from '../../src/license-file/sign.js';
import { certificateSigningKey } from './checkout-keys.js';
import { policyRules } from './policy-rules.js';
import type { Account, License, Machine, Policy } from './types.js';

/** What the default dataset names. */
export interface ProofSubject {
  readonly account: Account;
  readonly policy: Policy;
  readonly license: License;
  readonly machine: Machine;
}

const pad2 = (value: number): string => String(value).padStart(2, '0');

/**
 * How Ruby's `JSON.generate` writes `Time.current` under Rails: through the json gem's generic
 * `to_s`, `2024-04-10 14:57:45 UTC` (whole seconds, UTC), not ISO 8601.
 */
export function rubyTimeText(ms: number): string {
  const t = new Date(ms);
  const date = `${t.getUTCFullYear()}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
  return `${date} ${pad2(t.getUTCHours())}:${pad2(t.getUTCMinutes())}:${pad2(t.getUTCSeconds())} UTC`;
}

/**
 * Keygen's default proof dataset, in its key order: account, product, policy (id, duration),
 * license (id, key, expiry), machine (id, fingerprint, created) and `ts`, the time of the proof.
 */
export function defaultProofDataset(subject: ProofSubject, now: number): Record<string, unknown> {
  const { account, policy, license, machine } = subject;
  return {
    account: { id: account.id },
    product: { id: license.productId },
    policy: { id: policy.id, duration: policyRules(policy).duration },
    license: { id: license.id, key: license.key, expiry: license.expiry === null ? null : new Date(license.expiry).toISOString() },
    machine: { id: machine.id, fingerprint: machine.fingerprint, created: new Date(machine.createdAt).toISOString() },
    ts: rubyTimeText(now),
  };
}

/** Ruby's `Base64.urlsafe_encode64`: base64url with its `=` padding kept. */
function urlsafe(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Signs `dataset` (serialized compactly, keys in their order) into a proof with `account`'s RSA key. */
export function signActivationProof(dataset: unknown, account: Account): string {
  const signingData = `proof/${urlsafe(Buffer.from(JSON.stringify(dataset), 'utf8'))}`;
  const signature = signWith('rsa-sha256', certificateSigningKey(account, 'rsa'), Buffer.from(signingData, 'ascii'));
  return `${signingData}.${urlsafe(signature)}`;
}
