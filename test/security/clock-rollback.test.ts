/**
 * Threat: the local clock set back (after a later trusted time was already seen) to keep an
 * expired certificate alive. The caller passes the latest trusted time as `watermark`; any
 * `now` before it is a rollback, and wins over the expiry verdict it would otherwise hide.
 */
import { describe, expect, it } from 'vitest';
import { DAY, genuine, HOUR, NOW, signingKeys, trustedOptions } from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

describe('clock rolled back behind the watermark', () => {
  it.each([
    { name: '1 ms', behind: 1 },
    { name: 'one hour', behind: HOUR },
    { name: 'a year', behind: 365 * DAY },
  ])('watermark $name ahead of now → CLOCK_ROLLED_BACK', async ({ behind }) => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ watermark: NOW + behind }))).toBe('CLOCK_ROLLED_BACK');
  });

  it.each([
    { name: 'equal to now', watermark: NOW },
    { name: 'a day before now', watermark: NOW - DAY },
    { name: 'null', watermark: null },
  ])('watermark $name → OK', async ({ watermark }) => {
    const signed = genuine('machine', 'aes-256-gcm+ed25519');
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ watermark }))).toBe('OK');
  });

  it('an undefined watermark (never seen a trusted time) → OK', async () => {
    const signed = genuine('machine', 'aes-256-gcm+ed25519');
    expect(await outcome(signed.certificate, signed.keys, { licenseKey: trustedOptions().licenseKey, fingerprint: trustedOptions().fingerprint, now: NOW })).toBe('OK');
  });
});

describe('clock rolled back to revive an expired file', () => {
  it('expired at the watermark, "valid" at the rolled-back clock → CLOCK_ROLLED_BACK', async () => {
    // The file expired yesterday; the last trusted time was this morning; the clock now says last week.
    const signed = genuine('license', 'aes-256-gcm+ed25519', { issued: NOW - 30 * DAY, expiry: NOW - DAY });
    const rolledBack = NOW - 7 * DAY;
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ now: NOW }))).toBe('LICENSE_FILE_EXPIRED');
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ now: rolledBack, watermark: NOW }))).toBe('CLOCK_ROLLED_BACK');
  });

  it('expired both at the rolled-back clock and at the watermark → CLOCK_ROLLED_BACK (rollback is reported first)', async () => {
    const signed = genuine('machine', 'base64+ed25519', { issued: NOW - 30 * DAY, expiry: NOW - 10 * DAY });
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ now: NOW - 5 * DAY, watermark: NOW }))).toBe('CLOCK_ROLLED_BACK');
  });
});

describe('precedence of the rollback check', () => {
  it('a file signed by another key under a rolled-back clock is LICENSE_FILE_NOT_GENUINE', async () => {
    const vendor = genuine('license', 'base64+ed25519').keys;
    const forged = genuine('license', 'base64+ed25519', { keys: signingKeys('ed25519', 'attacker') });
    expect(await outcome(forged.certificate, vendor, trustedOptions({ watermark: NOW + DAY }))).toBe('LICENSE_FILE_NOT_GENUINE');
  });

  it('a wrong-machine file under a rolled-back clock is FINGERPRINT_MISMATCH', async () => {
    const signed = genuine('machine', 'base64+ed25519');
    expect(await outcome(signed.certificate, signed.keys, trustedOptions({ fingerprint: 'elsewhere', watermark: NOW + DAY }))).toBe('FINGERPRINT_MISMATCH');
  });
});
