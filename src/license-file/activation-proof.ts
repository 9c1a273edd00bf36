/**
 * Offline activation proofs: `proof/<base64url(dataset)>.<base64url(signature)>`, what Keygen's
 * `POST /machines/{id}/actions/generate-offline-proof` answers in `meta.proof`, for an
 * air-gapped machine to show that it was activated. Keygen signs every proof with the
 * account's RSA-2048 key, PKCS#1 v1.5 over SHA-256, whatever the license's scheme (keygen-api
 * `app/models/machine.rb` `generate_proof`; its cucumber step "a valid activation proof"
 * verifies `"proof/" + dataset part` that way).
 */
import type { ActivationProofCode, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { PinnedKey } from './public-key.js';
import { verifyWith } from './signature.js';
import { decodeDataset, splitSignedDataset, type DecodedDataset } from './signed-dataset.js';

/** A genuine proof: its dataset as signed, and parsed (Keygen's default dataset is a JSON object). */
export type ActivationProof = DecodedDataset;

/** Far above real proofs (a default dataset is under 1 KB); bounds work on pasted garbage. */
export const MAX_ACTIVATION_PROOF_CHARS = 64 * 1024;

/**
 * Verifies an activation proof against the vendor's pinned RSA public key, then decodes its
 * dataset. Surrounding whitespace is ignored.
 *
 * On failure returns `ACTIVATION_PROOF_MALFORMED` (not a string, too long, no `proof/` prefix,
 * no `.`, an empty or non-base64url part, or a genuine dataset that is not UTF-8) or
 * `ACTIVATION_PROOF_NOT_GENUINE` (the signature does not verify, or the pinned key is not an
 * RSA key: Keygen signs proofs with nothing else).
 */
export function verifyActivationProof(proof: string, publicKey: PinnedKey): Result<ActivationProof, ActivationProofCode> {
  const parts = splitSignedDataset(proof, 'proof', MAX_ACTIVATION_PROOF_CHARS);
  if (parts === null) return fail('ACTIVATION_PROOF_MALFORMED');
  if (publicKey.family !== 'rsa' || !verifyWith('rsa-sha256', publicKey.key, parts.message, parts.signature)) {
    return fail('ACTIVATION_PROOF_NOT_GENUINE');
  }
  const decoded = decodeDataset(parts.dataset);
  return decoded === null ? fail('ACTIVATION_PROOF_MALFORMED') : { ok: true, value: decoded };
}
