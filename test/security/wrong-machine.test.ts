/**
 * Threat: a machine file copied to another machine (node-locking bypass). Encrypted files are
 * bound by the AES key (license key + fingerprint); unencrypted ones only by the signed
 * `data.attributes.fingerprint`, which the client must compare itself (protocol §1.6).
 */
import { describe, expect, it } from 'vitest';
import {
  buildPayload,
  DEFAULT_FINGERPRINT,
  DEFAULT_LICENSE_KEY,
  genuine,
  keysFor,
  signCertificate,
  trustedOptions,
  type SigningKeys,
} from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

const OTHER_MACHINE = '0f5c3a1e9b7d2c4a6e8f0b1d3c5e7a9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c';

describe('encrypted machine file used on another machine', () => {
  it.each(['aes-256-gcm+ed25519', 'aes-256-gcm+ecdsa-p256', 'aes-256-gcm+rsa-pss-sha256', 'aes-256-gcm+rsa-sha256'] as const)(
    '%s with another fingerprint → LICENSE_FILE_DECRYPTION_FAILED',
    async (alg) => {
      const signed = genuine('machine', alg);
      expect(await outcome(signed.certificate, signed.keys), 'control').toBe('OK');
      expect(await outcome(signed.certificate, signed.keys, trustedOptions({ fingerprint: OTHER_MACHINE }))).toBe('LICENSE_FILE_DECRYPTION_FAILED');
    },
  );

  it('a fingerprint differing only in case → LICENSE_FILE_DECRYPTION_FAILED', async () => {
    const signed = genuine('machine', 'aes-256-gcm+ed25519');
    const options = trustedOptions({ fingerprint: DEFAULT_FINGERPRINT.toUpperCase() });
    expect(await outcome(signed.certificate, signed.keys, options)).toBe('LICENSE_FILE_DECRYPTION_FAILED');
  });

  it('no fingerprint at all → FINGERPRINT_MISMATCH (the file cannot be bound to this machine)', async () => {
    const signed = genuine('machine', 'aes-256-gcm+ed25519');
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ fingerprint: null }))).toBe('FINGERPRINT_MISMATCH');
  });

  it('a file encrypted for this machine whose signed payload names another → FINGERPRINT_MISMATCH', async () => {
    // Both bindings are checked: decrypting is not enough.
    const keys: SigningKeys = keysFor('aes-256-gcm+ed25519');
    const document = buildPayload({ kind: 'machine', fingerprint: OTHER_MACHINE });
    const signed = signCertificate({ kind: 'machine', alg: 'aes-256-gcm+ed25519', keys, licenseKey: DEFAULT_LICENSE_KEY, fingerprint: DEFAULT_FINGERPRINT, document });
    expect(await outcome(signed.certificate, keys)).toBe('FINGERPRINT_MISMATCH');
  });
});

describe('unencrypted machine file used on another machine', () => {
  it.each(['base64+ed25519', 'base64+ecdsa-p256', 'base64+rsa-pss-sha256', 'base64+rsa-sha256'] as const)(
    '%s with another fingerprint → FINGERPRINT_MISMATCH',
    async (alg) => {
      const signed = genuine('machine', alg);
      expect(await outcome(signed.certificate, signed.keys), 'control').toBe('OK');
      expect(await outcome(signed.certificate, signed.keys, trustedOptions({ fingerprint: OTHER_MACHINE }))).toBe('FINGERPRINT_MISMATCH');
    },
  );

  it.each([
    { name: 'no fingerprint', fingerprint: null },
    { name: 'an empty fingerprint', fingerprint: '' },
    { name: 'the fingerprint in upper case', fingerprint: DEFAULT_FINGERPRINT.toUpperCase() },
    { name: 'a prefix of the fingerprint', fingerprint: DEFAULT_FINGERPRINT.slice(0, 32) },
    { name: 'the fingerprint with a trailing space', fingerprint: `${DEFAULT_FINGERPRINT} ` },
  ])('$name → FINGERPRINT_MISMATCH', async ({ fingerprint }) => {
    const signed = genuine('machine', 'base64+ed25519');
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ fingerprint }))).toBe('FINGERPRINT_MISMATCH');
  });

  it.each([
    { name: 'no fingerprint attribute', value: undefined },
    { name: 'a null fingerprint attribute', value: null },
    { name: 'a numeric fingerprint attribute', value: 42 },
    { name: 'an empty fingerprint attribute', value: '' },
  ])('a signed payload with $name → FINGERPRINT_MISMATCH', async ({ value }) => {
    const keys = keysFor('base64+ed25519');
    const document = buildPayload({ kind: 'machine' });
    if (value === undefined) delete document.data.attributes.fingerprint;
    else document.data.attributes.fingerprint = value;
    const signed = signCertificate({ kind: 'machine', alg: 'base64+ed25519', keys, document });
    expect(await outcome(signed.certificate, keys, trustedOptions({ fingerprint: '' }))).toBe('FINGERPRINT_MISMATCH');
    expect(await outcome(signed.certificate, keys)).toBe('FINGERPRINT_MISMATCH');
  });
});
