/**
 * Threat: an encrypted certificate opened with a guessed or borrowed license key. AES-GCM's tag
 * must fail, and no key at all must fail the same way.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LICENSE_KEY, genuine, signCertificate, keysFor, trustedOptions } from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

describe('encrypted license file opened with the wrong license key', () => {
  it.each(['aes-256-gcm+ed25519', 'aes-256-gcm+ecdsa-p256', 'aes-256-gcm+rsa-pss-sha256', 'aes-256-gcm+rsa-sha256'] as const)(
    '%s → LICENSE_FILE_DECRYPTION_FAILED',
    async (alg) => {
      const signed = genuine('license', alg);
      expect(await outcome(signed.certificate, signed.keys, trustedOptions({ licenseKey: 'AAAAAA-BBBBBB-CCCCCC-DDDDDD-EEEEEE-V3' }))).toBe(
        'LICENSE_FILE_DECRYPTION_FAILED',
      );
    },
  );

  it.each([
    { name: 'no license key', licenseKey: null },
    { name: 'an empty license key', licenseKey: '' },
    { name: 'the key in lower case', licenseKey: DEFAULT_LICENSE_KEY.toLowerCase() },
    { name: 'the key with a trailing newline', licenseKey: `${DEFAULT_LICENSE_KEY}\n` },
    { name: 'the key without its last character', licenseKey: DEFAULT_LICENSE_KEY.slice(0, -1) },
  ])('$name → LICENSE_FILE_DECRYPTION_FAILED', async ({ licenseKey }) => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ licenseKey }))).toBe('LICENSE_FILE_DECRYPTION_FAILED');
  });
});

describe('encrypted machine file opened with the wrong license key', () => {
  it('the right fingerprint with another license key → LICENSE_FILE_DECRYPTION_FAILED', async () => {
    const signed = genuine('machine', 'aes-256-gcm+ed25519');
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ licenseKey: 'another-key' }))).toBe('LICENSE_FILE_DECRYPTION_FAILED');
  });

  it('no license key → LICENSE_FILE_DECRYPTION_FAILED', async () => {
    const signed = genuine('machine', 'aes-256-gcm+ed25519');
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ licenseKey: null }))).toBe('LICENSE_FILE_DECRYPTION_FAILED');
  });

  it('the key and fingerprint split at another point (same concatenation) still decrypts: the secret is their concatenation', async () => {
    // Documents the protocol (§1.3: no separator), and that the payload fingerprint check then catches the shift.
    const signed = genuine('machine', 'aes-256-gcm+ed25519');
    const shifted = trustedOptions({ licenseKey: DEFAULT_LICENSE_KEY.slice(0, -3), fingerprint: DEFAULT_LICENSE_KEY.slice(-3) + trustedOptions().fingerprint });
    expect(await outcome(signed.certificate, signed.keys, shifted)).toBe('FINGERPRINT_MISMATCH');
  });
});

describe('unencrypted file needs no license key', () => {
  it('a base64 license file verifies without a key (the key only decrypts)', async () => {
    const signed = signCertificate({ kind: 'license', alg: 'base64+ed25519', keys: keysFor('base64+ed25519') });
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ licenseKey: null }))).toBe('OK');
  });
});
