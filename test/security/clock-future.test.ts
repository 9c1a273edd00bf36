/**
 * Threat: a certificate issued "in the future" relative to this machine's clock — a sign that the
 * local clock was set back after the file was issued, to stretch its validity. Up to the drift
 * tolerance (5 minutes by default, keygen-go's MaxClockDrift) is ordinary clock skew.
 */
import { describe, expect, it } from 'vitest';
import { DAY, genuine, MINUTE, NOW, signingKeys, trustedOptions, type SigningKeys } from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

const OTHER_MACHINE = 'ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000';

describe('certificate issued in the future (clock set back before import)', () => {
  it.each([
    { name: '5 minutes and 1 ms ahead', ahead: 5 * MINUTE + 1 },
    { name: '6 minutes ahead', ahead: 6 * MINUTE },
    { name: 'one day ahead', ahead: DAY },
    { name: 'ten years ahead', ahead: 3650 * DAY },
  ])('issued $name → LICENSE_FILE_ISSUED_IN_FUTURE', async ({ ahead }) => {
    const signed = genuine('license', 'aes-256-gcm+ed25519', { issued: NOW + ahead, expiry: NOW + ahead + 30 * DAY });
    expect(await outcome(signed.certificate, signed.keys)).toBe('LICENSE_FILE_ISSUED_IN_FUTURE');
  });

  it.each([
    { name: '4 minutes ahead', ahead: 4 * MINUTE },
    { name: 'exactly 5 minutes ahead', ahead: 5 * MINUTE },
    { name: 'now', ahead: 0 },
  ])('issued $name is ordinary clock skew → OK', async ({ ahead }) => {
    const signed = genuine('machine', 'aes-256-gcm+ed25519', { issued: NOW + ahead });
    expect(await outcome(signed.certificate, signed.keys)).toBe('OK');
  });

  it('honours a tighter maxClockDriftMs (0: no tolerance)', async () => {
    const signed = genuine('license', 'base64+ed25519', { issued: NOW + 1000 });
    expect(await outcome(signed.certificate, signed.keys, { ...trustedOptions(), maxClockDriftMs: 0 })).toBe('LICENSE_FILE_ISSUED_IN_FUTURE');
    expect(await outcome(signed.certificate, signed.keys, { ...trustedOptions(), maxClockDriftMs: 1000 })).toBe('OK');
  });

  it('honours a looser maxClockDriftMs (1 hour)', async () => {
    const signed = genuine('license', 'base64+ed25519', { issued: NOW + 30 * MINUTE });
    expect(await outcome(signed.certificate, signed.keys)).toBe('LICENSE_FILE_ISSUED_IN_FUTURE');
    expect(await outcome(signed.certificate, signed.keys, { ...trustedOptions(), maxClockDriftMs: 60 * MINUTE })).toBe('OK');
  });
});

describe('precedence of the future-issue check', () => {
  const keys = (): SigningKeys => genuine('license', 'base64+ed25519').keys;

  it('a future-issued file that is also expired is LICENSE_FILE_ISSUED_IN_FUTURE (the clock is the problem)', async () => {
    const signed = genuine('license', 'base64+ed25519', { issued: NOW + DAY, expiry: NOW - DAY });
    expect(await outcome(signed.certificate, keys())).toBe('LICENSE_FILE_ISSUED_IN_FUTURE');
  });

  it('a future-issued file with a rollback watermark is LICENSE_FILE_ISSUED_IN_FUTURE', async () => {
    const signed = genuine('license', 'base64+ed25519', { issued: NOW + DAY });
    expect(await outcome(signed.certificate, keys(), trustedOptions({ watermark: NOW + 2 * DAY }))).toBe('LICENSE_FILE_ISSUED_IN_FUTURE');
  });

  it('a future-issued machine file for another machine is FINGERPRINT_MISMATCH (binding first)', async () => {
    const signed = genuine('machine', 'base64+ed25519', { issued: NOW + DAY });
    expect(await outcome(signed.certificate, keys(), trustedOptions({ fingerprint: OTHER_MACHINE }))).toBe('FINGERPRINT_MISMATCH');
  });

  it('a future-issued file signed by another key is LICENSE_FILE_NOT_GENUINE (claims are read only after the signature)', async () => {
    const forged = genuine('license', 'base64+ed25519', { issued: NOW + DAY, keys: signingKeys('ed25519', 'attacker') });
    expect(await outcome(forged.certificate, keys())).toBe('LICENSE_FILE_NOT_GENUINE');
  });
});
