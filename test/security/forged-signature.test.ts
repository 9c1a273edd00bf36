/**
 * Threat: a certificate whose signature was not made by the vendor's pinned key — signed by
 * another key, by no key at all, or a genuine signature bent into a second valid-looking form.
 */
import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ALL_ALGS,
  encodePayload,
  familyOf,
  genuine,
  keysFor,
  outerDocument,
  armor,
  rearmor,
  signBytes,
  signedMessage,
  signingKeys,
  signingOf,
  type SigningKeys,
} from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

describe('signature made with another key (attacker-issued certificate)', () => {
  it.each(ALL_ALGS.flatMap((alg) => (['license', 'machine'] as const).map((kind) => ({ alg, kind }))))(
    '$kind $alg signed by an attacker key is LICENSE_FILE_NOT_GENUINE',
    async ({ alg, kind }) => {
      const attacker = signingKeys(familyOf(alg), 'attacker');
      const forged = genuine(kind, alg, { keys: attacker });
      expect(await outcome(forged.certificate, attacker), 'control: the attacker key itself verifies it').toBe('OK');
      expect(await outcome(forged.certificate, keysFor(alg))).toBe('LICENSE_FILE_NOT_GENUINE');
    },
  );
});

describe('payload edited after signing (privilege escalation)', () => {
  it('a base64 file whose payload was edited and re-encoded keeps no valid signature', async () => {
    const signed = genuine('license', 'base64+ed25519');
    const edited = signed.payload.replace('"maxMachines":3', '"maxMachines":999');
    expect(edited).not.toBe(signed.payload);
    const certificate = rearmor('license', { enc: encodePayload(edited), sig: signed.sig, alg: signed.alg });
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });

  it('an encrypted file re-encrypted by someone who knows the license key keeps no valid signature', async () => {
    // The license key is no secret to the licensee: the signature is what protects the payload.
    const original = genuine('license', 'aes-256-gcm+ed25519');
    const extended = genuine('license', 'aes-256-gcm+ed25519', { expiry: Date.UTC(2099, 0, 1), keys: signingKeys('ed25519', 'attacker') });
    const certificate = rearmor('license', { enc: extended.enc, sig: original.sig, alg: original.alg });
    expect(await outcome(certificate, original.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });

  it('enc and sig spliced from two genuine files do not verify', async () => {
    const a = genuine('license', 'aes-256-gcm+ed25519', { seed: 'a' });
    const b = genuine('license', 'aes-256-gcm+ed25519', { seed: 'b' });
    const certificate = rearmor('license', { enc: a.enc, sig: b.sig, alg: a.alg });
    expect(await outcome(certificate, a.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });
});

describe('signature absent or degenerate', () => {
  const signed = genuine('license', 'base64+ed25519');
  const withSig = (sig: Buffer): string => rearmor('license', { enc: signed.enc, sig: sig.toString('base64'), alg: signed.alg });

  it.each([
    { name: '64 zero bytes', sig: Buffer.alloc(64) },
    { name: '64 0xff bytes', sig: Buffer.alloc(64, 0xff) },
    { name: 'one byte', sig: Buffer.from([1]) },
    { name: 'the genuine signature minus its last byte', sig: Buffer.from(signed.sig, 'base64').subarray(0, 63) },
    { name: 'the genuine signature plus one byte', sig: Buffer.concat([Buffer.from(signed.sig, 'base64'), Buffer.from([0])]) },
    { name: 'the genuine signature twice', sig: Buffer.concat([Buffer.from(signed.sig, 'base64'), Buffer.from(signed.sig, 'base64')]) },
  ])('$name is LICENSE_FILE_NOT_GENUINE', async ({ sig }) => {
    expect(await outcome(withSig(sig), signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });

  it('an empty sig is LICENSE_FILE_MALFORMED', async () => {
    expect(await outcome(rearmor('license', { enc: signed.enc, sig: '', alg: signed.alg }), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it.each(['rsa-pss-sha256', 'rsa-sha256', 'ecdsa-p256'] as const)('an all-zero %s-sized signature is LICENSE_FILE_NOT_GENUINE', async (signing) => {
    const alg = `base64+${signing}` as const;
    const rsa = genuine('license', alg);
    const size = signing === 'ecdsa-p256' ? 72 : 256;
    const certificate = rearmor('license', { enc: rsa.enc, sig: Buffer.alloc(size).toString('base64'), alg });
    expect(await outcome(certificate, rsa.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });
});

describe('Ed25519 signature malleability (non-canonical S, RFC 8032 §5.1.7)', () => {
  // Group order L. A lax verifier accepts S + L as well as S; RFC 8032 requires S < L.
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const littleEndian = (bytes: Uint8Array): bigint => bytes.reduceRight((value, byte) => (value << 8n) | BigInt(byte), 0n);
  const toLittleEndian = (value: bigint): Buffer => {
    const out = Buffer.alloc(32);
    for (let index = 0; index < 32; index += 1) out[index] = Number((value >> BigInt(8 * index)) & 0xffn);
    return out;
  };

  it.each(['license', 'machine'] as const)('a %s file with S replaced by S + L is LICENSE_FILE_NOT_GENUINE', async (kind) => {
    const signed = genuine(kind, 'aes-256-gcm+ed25519');
    const sig = Buffer.from(signed.sig, 'base64');
    const malleated = Buffer.concat([sig.subarray(0, 32), toLittleEndian(littleEndian(sig.subarray(32)) + L)]);
    const certificate = rearmor(kind, { enc: signed.enc, sig: malleated.toString('base64'), alg: signed.alg });
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });
});

describe('ECDSA signature in the wrong encoding (raw r‖s instead of DER)', () => {
  it('an IEEE P1363 signature is LICENSE_FILE_NOT_GENUINE even though r and s are right', async () => {
    const keys: SigningKeys = keysFor('base64+ecdsa-p256');
    const signed = genuine('license', 'base64+ecdsa-p256');
    const p1363 = sign('sha256', Buffer.from(signedMessage('license', signed.enc)), { key: keys.privateKey, dsaEncoding: 'ieee-p1363' });
    const certificate = armor('license', outerDocument({ enc: signed.enc, sig: p1363.toString('base64'), alg: signed.alg }));
    expect(await outcome(certificate, keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });

  it('a DER signature with trailing garbage is LICENSE_FILE_NOT_GENUINE', async () => {
    const keys = keysFor('base64+ecdsa-p256');
    const signed = genuine('license', 'base64+ecdsa-p256');
    const der = signBytes(signingOf(signed.alg), keys.privateKey, signedMessage('license', signed.enc));
    const certificate = rearmor('license', { enc: signed.enc, sig: Buffer.concat([der, Buffer.from([0])]).toString('base64'), alg: signed.alg });
    expect(await outcome(certificate, keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });
});
