/**
 * Threat: `alg` is not covered by the signature, so an attacker can rewrite it — to downgrade
 * from encrypted to plain, to make the verifier use another algorithm with the pinned key, or
 * to name something that does not exist. The pinned key's family and the allow-list decide.
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_ALGS,
  familyOf,
  genuine,
  rearmor,
  signingKeys,
  trustedOptions,
  type Alg,
} from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

describe('encoding swapped with the same enc and sig (aes-256-gcm ↔ base64)', () => {
  it.each([
    ['aes-256-gcm+ed25519', 'base64+ed25519'],
    ['aes-256-gcm+rsa-sha256', 'base64+rsa-sha256'],
    ['base64+ed25519', 'aes-256-gcm+ed25519'],
    ['base64+ecdsa-p256', 'aes-256-gcm+ecdsa-p256'],
  ] as const)('%s relabelled %s → LICENSE_FILE_MALFORMED (enc has the wrong shape for the claimed encoding)', async (from, to) => {
    const signed = genuine('license', from);
    const certificate = rearmor('license', { enc: signed.enc, sig: signed.sig, alg: to });
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });
});

describe('downgrade to an unencrypted alg the vendor does not allow', () => {
  it('a genuine base64+ed25519 file when only aes-256-gcm+ed25519 is allowed → LICENSE_FILE_UNSUPPORTED_ALGORITHM', async () => {
    const signed = genuine('machine', 'base64+ed25519');
    const options = { ...trustedOptions(), allowedAlgorithms: ['aes-256-gcm+ed25519'] as const };
    expect(await outcome(signed.certificate, signed.keys, options)).toBe('LICENSE_FILE_UNSUPPORTED_ALGORITHM');
  });

  it('a genuine rsa-sha256 file when only rsa-pss-sha256 is allowed → LICENSE_FILE_UNSUPPORTED_ALGORITHM', async () => {
    const signed = genuine('license', 'aes-256-gcm+rsa-sha256');
    const options = { ...trustedOptions(), allowedAlgorithms: ['aes-256-gcm+rsa-pss-sha256'] as const };
    expect(await outcome(signed.certificate, signed.keys, options)).toBe('LICENSE_FILE_UNSUPPORTED_ALGORITHM');
  });

  it('an empty allow-list rejects every file → LICENSE_FILE_UNSUPPORTED_ALGORITHM', async () => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    expect(await outcome(signed.certificate, signed.keys, { ...trustedOptions(), allowedAlgorithms: [] })).toBe('LICENSE_FILE_UNSUPPORTED_ALGORITHM');
  });
});

describe('signing algorithm swapped to another key family than the pinned key', () => {
  const crossFamily = ALL_ALGS.flatMap((from) =>
    ALL_ALGS.filter((to) => familyOf(to) !== familyOf(from) && from.split('+')[0] === to.split('+')[0]).map((to) => ({ from, to })),
  );
  it.each(crossFamily)('$from relabelled $to → LICENSE_FILE_UNSUPPORTED_ALGORITHM', async ({ from, to }) => {
    const signed = genuine('license', from);
    const certificate = rearmor('license', { enc: signed.enc, sig: signed.sig, alg: to });
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_UNSUPPORTED_ALGORITHM');
  });

  it('an RSA-signed file (by the attacker) presented to an Ed25519-pinned verifier → LICENSE_FILE_UNSUPPORTED_ALGORITHM', async () => {
    const forged = genuine('license', 'aes-256-gcm+rsa-sha256', { keys: signingKeys('rsa', 'attacker') });
    expect(await outcome(forged.certificate, signingKeys('ed25519'))).toBe('LICENSE_FILE_UNSUPPORTED_ALGORITHM');
  });
});

describe('RSA padding swapped within the RSA family (PSS ↔ PKCS#1 v1.5)', () => {
  it.each([
    ['aes-256-gcm+rsa-pss-sha256', 'aes-256-gcm+rsa-sha256'],
    ['aes-256-gcm+rsa-sha256', 'aes-256-gcm+rsa-pss-sha256'],
    ['base64+rsa-pss-sha256', 'base64+rsa-sha256'],
    ['base64+rsa-sha256', 'base64+rsa-pss-sha256'],
  ] as const)('%s relabelled %s → LICENSE_FILE_NOT_GENUINE', async (from, to) => {
    const signed = genuine('license', from);
    const certificate = rearmor('license', { enc: signed.enc, sig: signed.sig, alg: to });
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });
});

describe('alg naming no known algorithm', () => {
  it.each([
    'none',
    '',
    'base64+none',
    'aes-256-gcm',
    'ed25519',
    'aes-128-gcm+ed25519',
    'aes-256-cbc+ed25519',
    'AES-256-GCM+ED25519',
    'aes-256-gcm+ed25519 ',
    ' aes-256-gcm+ed25519',
    'aes-256-gcm+ed25519+rsa-sha256',
    'aes-256-gcm+ed448',
    'base64+ecdsa-p384',
    'base64+rsa-pss-sha512',
    'aes-256-gcm+ed25519\u0000',
    'constructor',
    '__proto__',
  ])('alg %j → LICENSE_FILE_UNSUPPORTED_ALGORITHM', async (alg) => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    const certificate = rearmor('license', { enc: signed.enc, sig: signed.sig, alg });
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_UNSUPPORTED_ALGORITHM');
  });

  it.each([
    { name: 'a number', alg: 1 },
    { name: 'null', alg: null },
    { name: 'an array', alg: ['aes-256-gcm+ed25519'] },
    { name: 'an object', alg: { name: 'aes-256-gcm+ed25519' } },
    { name: 'missing', alg: undefined },
  ])('alg $name → LICENSE_FILE_MALFORMED', async ({ alg }) => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    const certificate = rearmor('license', { enc: signed.enc, sig: signed.sig, alg });
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });
});

describe('every alg verifies only under its own label', () => {
  it.each(ALL_ALGS)('%s: relabelled to each other alg is never accepted', async (from: Alg) => {
    const signed = genuine('machine', from);
    for (const to of ALL_ALGS) {
      if (to === from) continue;
      const certificate = rearmor('machine', { enc: signed.enc, sig: signed.sig, alg: to });
      expect(await outcome(certificate, signed.keys)).not.toBe('OK');
    }
  });
});
