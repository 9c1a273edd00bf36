/**
 * Threat: a genuinely signed payload of one kind presented as the other — a machine payload
 * inside a license armor (signed with the `license/` prefix), or the reverse. The signature
 * is valid, so the payload's `data.type` must agree with the armor.
 */
import { describe, expect, it } from 'vitest';
import {
  buildPayload,
  DEFAULT_FINGERPRINT,
  DEFAULT_LICENSE_KEY,
  keysFor,
  signCertificate,
  trustedOptions,
  type Alg,
  type Kind,
  type SigningKeys,
} from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

const ALGS: Alg[] = ['aes-256-gcm+ed25519', 'base64+ed25519', 'aes-256-gcm+ecdsa-p256', 'base64+rsa-pss-sha256'];

/** A correctly signed `armorKind` certificate whose payload is a `payloadKind` document. */
function confused(armorKind: Kind, payloadKind: Kind, alg: Alg): { certificate: string; keys: SigningKeys } {
  const keys = keysFor(alg);
  const document = buildPayload({ kind: payloadKind, licenseKey: DEFAULT_LICENSE_KEY, fingerprint: DEFAULT_FINGERPRINT });
  const signed = signCertificate({ kind: armorKind, alg, keys, licenseKey: DEFAULT_LICENSE_KEY, fingerprint: armorKind === 'machine' ? DEFAULT_FINGERPRINT : undefined, document });
  return { certificate: signed.certificate, keys };
}

describe('machine payload signed as a license file (kind confusion)', () => {
  it.each(ALGS)('%s → LICENSE_FILE_KIND_MISMATCH', async (alg) => {
    const { certificate, keys } = confused('license', 'machine', alg);
    expect(await outcome(certificate, keys)).toBe('LICENSE_FILE_KIND_MISMATCH');
  });
});

describe('license payload signed as a machine file (kind confusion)', () => {
  it.each(ALGS)('%s → LICENSE_FILE_KIND_MISMATCH', async (alg) => {
    const { certificate, keys } = confused('machine', 'license', alg);
    expect(await outcome(certificate, keys)).toBe('LICENSE_FILE_KIND_MISMATCH');
  });
});

describe('payload of an unrelated resource type', () => {
  it.each(['users', 'policies', 'license', 'Licenses', 'machine'])('data.type %j in a license file → LICENSE_FILE_KIND_MISMATCH', async (type) => {
    const keys = keysFor('base64+ed25519');
    const document = buildPayload({ kind: 'license' });
    document.data.type = type;
    const signed = signCertificate({ kind: 'license', alg: 'base64+ed25519', keys, document });
    expect(await outcome(signed.certificate, keys)).toBe('LICENSE_FILE_KIND_MISMATCH');
  });

  it('kind is checked before the fingerprint: a license payload in a machine armor is not a FINGERPRINT_MISMATCH', async () => {
    const { certificate, keys } = confused('machine', 'license', 'base64+ed25519');
    expect(await outcome(certificate, keys, trustedOptions({ fingerprint: 'another-machine' }))).toBe('LICENSE_FILE_KIND_MISMATCH');
  });
});
