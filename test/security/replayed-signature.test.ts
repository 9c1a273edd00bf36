/**
 * Threat: a genuine signature reused where it was not given — a license file's enc+sig
 * re-armored as a machine file (or the reverse), or a signature over another message. The
 * signed message starts with the kind from the armor (`license/` or `machine/`), so it fails.
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_ALGS,
  encryptionSecret,
  encryptPayload,
  genuine,
  keysFor,
  rearmor,
  signBytes,
  signCertificate,
  signingOf,
  DEFAULT_FINGERPRINT,
  DEFAULT_LICENSE_KEY,
  type Kind,
  type SigningKeys,
} from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

const other = (kind: Kind): Kind => (kind === 'license' ? 'machine' : 'license');

describe('license-file signature replayed as a machine file', () => {
  it.each(ALL_ALGS)('%s: a genuine license file re-armored as MACHINE FILE → LICENSE_FILE_NOT_GENUINE', async (alg) => {
    const signed = genuine('license', alg);
    expect(await outcome(signed.certificate, signed.keys), 'control').toBe('OK');
    const replayed = rearmor('machine', { enc: signed.enc, sig: signed.sig, alg });
    expect(await outcome(replayed, signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });

  it('holds even when the license file was encrypted with the machine secret (license key + fingerprint)', async () => {
    // Without the prefix, this file would decrypt as a machine file and reach the payload checks.
    const keys = keysFor('aes-256-gcm+ed25519');
    const signed = signCertificate({ kind: 'license', alg: 'aes-256-gcm+ed25519', licenseKey: DEFAULT_LICENSE_KEY + DEFAULT_FINGERPRINT, keys });
    const replayed = rearmor('machine', { enc: signed.enc, sig: signed.sig, alg: signed.alg });
    expect(await outcome(replayed, keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });
});

describe('machine-file signature replayed as a license file', () => {
  it.each(ALL_ALGS)('%s: a genuine machine file re-armored as LICENSE FILE → LICENSE_FILE_NOT_GENUINE', async (alg) => {
    const signed = genuine('machine', alg);
    expect(await outcome(signed.certificate, signed.keys), 'control').toBe('OK');
    const replayed = rearmor('license', { enc: signed.enc, sig: signed.sig, alg });
    expect(await outcome(replayed, signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });
});

describe('signature over a message with the wrong prefix', () => {
  it.each(['license', 'machine'] as const)('a %s file signed with the other prefix → LICENSE_FILE_NOT_GENUINE', async (kind) => {
    const signed = genuine(kind, 'aes-256-gcm+ed25519', { signedAs: other(kind) });
    expect(await outcome(signed.certificate, signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });

  it.each([
    { name: 'enc alone (no prefix)', message: (enc: string) => enc },
    { name: '"license:" + enc', message: (enc: string) => `license:${enc}` },
    { name: '"License/" + enc', message: (enc: string) => `License/${enc}` },
    { name: '"license/" + enc + "\\n"', message: (enc: string) => `license/${enc}\n` },
    { name: '"/" + enc', message: (enc: string) => `/${enc}` },
  ])('a license file signed over $name → LICENSE_FILE_NOT_GENUINE', async ({ message }) => {
    const keys: SigningKeys = keysFor('aes-256-gcm+ed25519');
    const enc = encryptPayload(genuine('license', 'aes-256-gcm+ed25519').payload, encryptionSecret('license', DEFAULT_LICENSE_KEY));
    const sig = signBytes(signingOf('aes-256-gcm+ed25519'), keys.privateKey, message(enc)).toString('base64');
    const certificate = rearmor('license', { enc, sig, alg: 'aes-256-gcm+ed25519' });
    expect(await outcome(certificate, keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });
});

describe('signature over the decrypted payload instead of enc', () => {
  it('a signature over "license/" + plaintext → LICENSE_FILE_NOT_GENUINE', async () => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    const sig = signBytes('ed25519', signed.keys.privateKey, `license/${signed.payload}`).toString('base64');
    const certificate = rearmor('license', { enc: signed.enc, sig, alg: signed.alg });
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });
});
