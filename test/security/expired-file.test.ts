/**
 * Threat: an expired certificate kept in use. `meta.expiry` is used exactly as signed: Keygen
 * adds TTLs in calendar units, so `issued + ttl` is not the expiry (protocol §1.4).
 */
import { describe, expect, it } from 'vitest';
import { DAY, genuine, NOW, trustedOptions } from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

describe('certificate past its expiry', () => {
  it.each([
    { name: '1 ms', past: 1 },
    { name: 'one day', past: DAY },
    { name: 'ten years', past: 3650 * DAY },
  ])('license file expired $name ago → LICENSE_FILE_EXPIRED', async ({ past }) => {
    const signed = genuine('license', 'aes-256-gcm+ed25519', { issued: NOW - 60 * DAY, expiry: NOW - past });
    expect(await outcome(signed.certificate, signed.keys)).toBe('LICENSE_FILE_EXPIRED');
  });

  it.each(['aes-256-gcm+ed25519', 'base64+ecdsa-p256', 'aes-256-gcm+rsa-pss-sha256'] as const)('%s machine file expired → LICENSE_FILE_EXPIRED', async (alg) => {
    const signed = genuine('machine', alg, { issued: NOW - 60 * DAY, expiry: NOW - DAY });
    expect(await outcome(signed.certificate, signed.keys)).toBe('LICENSE_FILE_EXPIRED');
  });

  it('expiring exactly now → OK (expired only once now is after expiry)', async () => {
    const signed = genuine('license', 'base64+ed25519', { expiry: NOW });
    expect(await outcome(signed.certificate, signed.keys)).toBe('OK');
  });

  it('no expiry (ttl null) → OK decades later', async () => {
    const signed = genuine('license', 'base64+ed25519', { expiry: null, ttl: null });
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ now: NOW + 36500 * DAY }))).toBe('OK');
  });
});

describe('expiry taken from meta.expiry, never recomputed from ttl', () => {
  it('ttl says valid, meta.expiry has passed → LICENSE_FILE_EXPIRED', async () => {
    const signed = genuine('license', 'base64+ed25519', { issued: NOW - 10 * DAY, expiry: NOW - 1000, ttl: 365 * 86400 });
    expect(await outcome(signed.certificate, signed.keys)).toBe('LICENSE_FILE_EXPIRED');
  });

  it('ttl says expired, meta.expiry is later (calendar month arithmetic) → OK', async () => {
    // Keygen's Duration.build can put expiry up to about half a day past issued + ttl.
    const signed = genuine('license', 'base64+ed25519', { issued: NOW - 30 * DAY, expiry: NOW + 1000, ttl: 30 * 86400 - 3600 });
    expect(await outcome(signed.certificate, signed.keys)).toBe('OK');
  });
});

describe('precedence of the expiry check', () => {
  it('an expired file for another machine is FINGERPRINT_MISMATCH', async () => {
    const signed = genuine('machine', 'base64+ed25519', { issued: NOW - 60 * DAY, expiry: NOW - DAY });
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ fingerprint: 'elsewhere' }))).toBe('FINGERPRINT_MISMATCH');
  });

  it('an expired encrypted file with the wrong license key is LICENSE_FILE_DECRYPTION_FAILED', async () => {
    const signed = genuine('license', 'aes-256-gcm+ed25519', { issued: NOW - 60 * DAY, expiry: NOW - DAY });
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ licenseKey: 'nope' }))).toBe('LICENSE_FILE_DECRYPTION_FAILED');
  });
});
