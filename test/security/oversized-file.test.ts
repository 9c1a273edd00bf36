/**
 * Threat: resource exhaustion through an enormous "certificate" (a disk image picked by mistake,
 * or a crafted file). The 1 MiB cap is checked before anything is scanned or decoded.
 */
import { describe, expect, it } from 'vitest';
import { MAX_CERTIFICATE_BYTES } from '../../src/license-file/types.js';
import { genuine, } from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

const MiB = 1024 * 1024;

describe('oversized input (resource exhaustion)', () => {
  it('the cap is 1 MiB', () => {
    expect(MAX_CERTIFICATE_BYTES).toBe(MiB);
  });

  it('a genuine certificate padded with trailing newlines to exactly 1 MiB → OK; one byte more → LICENSE_FILE_TOO_LARGE', async () => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    const exact = signed.certificate + '\n'.repeat(MiB - signed.certificate.length);
    expect(Buffer.byteLength(exact)).toBe(MiB);
    expect(await outcome(exact, signed.keys)).toBe('OK');
    expect(await outcome(Buffer.from(exact), signed.keys)).toBe('OK');
    expect(await outcome(`${exact}\n`, signed.keys)).toBe('LICENSE_FILE_TOO_LARGE');
    expect(await outcome(Buffer.from(`${exact}\n`), signed.keys)).toBe('LICENSE_FILE_TOO_LARGE');
  });

  it('a genuinely signed certificate over 1 MiB (5,000 entitlements) → LICENSE_FILE_TOO_LARGE', async () => {
    const signed = genuine('license', 'aes-256-gcm+ed25519', { entitlements: 5000 });
    expect(signed.certificate.length).toBeGreaterThan(MiB);
    expect(await outcome(signed.certificate, signed.keys)).toBe('LICENSE_FILE_TOO_LARGE');
  });

  it.each([
    { name: '2 MiB of base64 between a valid header and footer', text: `-----BEGIN LICENSE FILE-----\n${'QUFB'.repeat(MiB / 2)}\n-----END LICENSE FILE-----\n` },
    { name: '16 MiB of zero bytes', text: new Uint8Array(16 * MiB) },
    { name: '8 MiB of "{"', text: '{'.repeat(8 * MiB) },
  ])('$name → LICENSE_FILE_TOO_LARGE, refused by its size alone', async ({ text }) => {
    const keys = genuine('license', 'aes-256-gcm+ed25519').keys;
    expect(await outcome(text, keys)).toBe('LICENSE_FILE_TOO_LARGE');
  });
});
