/**
 * Activation proofs (`proof/<base64url(dataset)>.<base64url(signature)>`): built here the way
 * keygen-api's `Machine#generate_proof` builds them (RSA PKCS#1 v1.5 over SHA-256 of
 * `proof/` + the padded dataset part), since Keygen publishes no proof vector.
 */
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_ACTIVATION_PROOF_CHARS, verifyActivationProof } from '../../src/license-file/activation-proof.js';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';

const pinPublic = (key: KeyObject): PinnedKey => {
  const parsed = parsePublicKey(key.export({ format: 'pem', type: 'spki' }).toString());
  if (!parsed.ok) throw new Error('test key did not parse');
  return parsed.value;
};
const urlsafe = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

const vendor = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pinned = pinPublic(vendor.publicKey);
const dataset = JSON.stringify({ machine: { id: '4f7a0b3e-0000-4000-8000-000000000001', fingerprint: 'fp' }, ts: '2025-06-01 12:34:56 UTC' });

/** A proof of `data` signed with `key` (PKCS#1 v1.5 unless told otherwise). */
function proofOf(data: Uint8Array | string, key: KeyObject = vendor.privateKey, padding: number = constants.RSA_PKCS1_PADDING): string {
  const signingData = `proof/${urlsafe(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)}`;
  return `${signingData}.${urlsafe(sign('sha256', Buffer.from(signingData), { key, padding }))}`;
}
const flip = (text: string, index: number): string => text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);

describe('verifyActivationProof', () => {
  it('verifies a genuine proof and returns its dataset text and JSON', () => {
    expect(verifyActivationProof(proofOf(dataset), pinned)).toEqual({ ok: true, value: { dataset, data: JSON.parse(dataset) } });
    expect(verifyActivationProof(`\n  ${proofOf('not json')} \n`, pinned)).toEqual({ ok: true, value: { dataset: 'not json', data: null } });
  });

  it('NOT_GENUINE: a flipped character, another vendor, a PSS signature, a non-RSA key', () => {
    const proof = proofOf(dataset);
    const dot = proof.indexOf('.');
    expect(verifyActivationProof(flip(proof, dot - 20), pinned)).toMatchObject({ ok: false, code: 'ACTIVATION_PROOF_NOT_GENUINE' });
    expect(verifyActivationProof(flip(proof, dot + 20), pinned)).toMatchObject({ ok: false, code: 'ACTIVATION_PROOF_NOT_GENUINE' });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(verifyActivationProof(proof, pinPublic(other.publicKey))).toMatchObject({ code: 'ACTIVATION_PROOF_NOT_GENUINE' });
    expect(verifyActivationProof(proofOf(dataset, vendor.privateKey, constants.RSA_PKCS1_PSS_PADDING), pinned)).toMatchObject({ code: 'ACTIVATION_PROOF_NOT_GENUINE' });
    expect(verifyActivationProof(proof, pinPublic(generateKeyPairSync('ed25519').publicKey))).toMatchObject({ code: 'ACTIVATION_PROOF_NOT_GENUINE' });
  });

  it('MALFORMED: wrong prefix, no dot, empty or non-base64url parts, too long, not a string, not UTF-8', () => {
    const proof = proofOf(dataset);
    const [data = '', sig = ''] = proof.slice('proof/'.length).split('.');
    const malformed: unknown[] = [
      `key/${data}.${sig}`,
      `proof/${data}${sig}`,
      `proof/.${sig}`,
      `proof/${data}.`,
      `proof/${data}.${sig}.extra`,
      `proof/${data.slice(0, 8)}+${data.slice(9)}.${sig}`,
      'proof/' + 'A'.repeat(MAX_ACTIVATION_PROOF_CHARS),
      proofOf(new Uint8Array([0xff, 0xfe, 0x00])),
      undefined,
      42,
    ];
    for (const value of malformed) {
      expect(verifyActivationProof(value as string, pinned), String(value).slice(0, 40)).toMatchObject({ ok: false, code: 'ACTIVATION_PROOF_MALFORMED' });
    }
  });
});
