/**
 * The production signer against the verifier: every algorithm × kind round-trips through
 * `verifyLicenseFile`, the layout is Keygen's byte for byte, and wrong keys are caller bugs.
 */
import { createDecipheriv, createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';
import { signCertificate, signingFamilyOf } from '../../src/license-file/sign.js';
import { ALGORITHMS, type Algorithm, type CertificateKind } from '../../src/license-file/types.js';
import { verifyLicenseFile } from '../../src/license-file/verify.js';
import {
  DEFAULT_FINGERPRINT,
  DEFAULT_LICENSE_KEY,
  buildPayload,
  signCertificate as referenceSign,
  signingKeys,
  trustedOptions,
  type Family,
} from '../support/certificate-signer.js';

const KINDS: readonly CertificateKind[] = ['license', 'machine'];
const pinned = (family: Family): PinnedKey => {
  const parsed = parsePublicKey(signingKeys(family).publicKeyText);
  if (!parsed.ok) throw new Error(`test key for ${family} did not parse`);
  return parsed.value;
};
const payloadFor = (kind: CertificateKind): string =>
  JSON.stringify(buildPayload({ kind, licenseKey: DEFAULT_LICENSE_KEY, fingerprint: DEFAULT_FINGERPRINT }));
const signed = (kind: CertificateKind, algorithm: Algorithm, payload = payloadFor(kind)): string =>
  signCertificate({
    kind,
    algorithm,
    signingKey: signingKeys(signingFamilyOf(algorithm)).privateKey,
    payload,
    licenseKey: DEFAULT_LICENSE_KEY,
    fingerprint: kind === 'machine' ? DEFAULT_FINGERPRINT : undefined,
  });
const bodyOf = (certificate: string): string[] => certificate.split('\n').slice(1, -2);
const outerOf = (certificate: string): Record<string, string> =>
  JSON.parse(Buffer.from(bodyOf(certificate).join(''), 'base64').toString('utf8')) as Record<string, string>;

describe('signCertificate round-trips through verifyLicenseFile', () => {
  for (const algorithm of ALGORITHMS) {
    for (const kind of KINDS) {
      it(`${kind} file, ${algorithm}`, () => {
        const payload = payloadFor(kind);
        const certificate = signed(kind, algorithm, payload);
        const result = verifyLicenseFile(certificate, pinned(signingFamilyOf(algorithm)), trustedOptions());
        if (!result.ok) throw new Error(`verify failed: ${result.code}`);
        expect(result.value.kind).toBe(kind);
        expect(result.value.alg).toBe(algorithm);
        expect(result.value.encrypted).toBe(algorithm.startsWith('aes-256-gcm+'));
        expect(result.value.payload).toBe(payload);
      });
    }
  }

  it('keeps non-ASCII payload text byte for byte', () => {
    const document = buildPayload({ kind: 'license', nameSuffix: ' — Zoë 日本 🎉' });
    const payload = JSON.stringify(document);
    for (const algorithm of ['aes-256-gcm+ed25519', 'base64+ed25519'] as const) {
      const result = verifyLicenseFile(signed('license', algorithm, payload), pinned('ed25519'), trustedOptions());
      if (!result.ok) throw new Error(`verify failed: ${result.code}`);
      expect(result.value.payload).toBe(payload);
    }
  });

  it('binds an encrypted machine file to its fingerprint', () => {
    const certificate = signed('machine', 'aes-256-gcm+ed25519');
    const result = verifyLicenseFile(certificate, pinned('ed25519'), trustedOptions({ fingerprint: 'another-machine' }));
    expect(result.ok).toBe(false);
  });
});

describe('signCertificate output layout', () => {
  it('armors with Keygen header, footer and a trailing newline', () => {
    const license = signed('license', 'base64+ed25519');
    expect(license.startsWith('-----BEGIN LICENSE FILE-----\n')).toBe(true);
    expect(license.endsWith('\n-----END LICENSE FILE-----\n')).toBe(true);
    const machine = signed('machine', 'aes-256-gcm+ecdsa-p256');
    expect(machine.startsWith('-----BEGIN MACHINE FILE-----\n')).toBe(true);
    expect(machine.endsWith('\n-----END MACHINE FILE-----\n')).toBe(true);
  });

  it('wraps the body in 60-character lines, only the last one shorter', () => {
    for (const algorithm of ALGORITHMS) {
      const lines = bodyOf(signed('license', algorithm));
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines.slice(0, -1)) expect(line).toHaveLength(60);
      expect(lines.at(-1)?.length).toBeGreaterThan(0);
      expect(lines.at(-1)?.length).toBeLessThanOrEqual(60);
      for (const line of lines) expect(line).toMatch(/^[A-Za-z0-9+/]+=*$/);
    }
  });

  it('writes the outer JSON exactly as {"enc","sig","alg"}', () => {
    const certificate = signed('license', 'base64+rsa-pss-sha256');
    const text = Buffer.from(bodyOf(certificate).join(''), 'base64').toString('utf8');
    const outer = outerOf(certificate);
    expect(Object.keys(outer)).toEqual(['enc', 'sig', 'alg']);
    expect(text).toBe(`{"enc":"${outer.enc}","sig":"${outer.sig}","alg":"base64+rsa-pss-sha256"}`);
  });

  it('encodes base64 payloads as strict base64 of the payload', () => {
    const payload = payloadFor('license');
    expect(outerOf(signed('license', 'base64+ecdsa-p256', payload)).enc).toBe(Buffer.from(payload, 'utf8').toString('base64'));
  });

  it('encrypts with AES-256-GCM: 12-byte random IV, 16-byte tag, key SHA-256(license key [+ fingerprint])', () => {
    const payload = payloadFor('machine');
    const first = outerOf(signed('machine', 'aes-256-gcm+ed25519', payload)).enc ?? '';
    const second = outerOf(signed('machine', 'aes-256-gcm+ed25519', payload)).enc ?? '';
    const [ciphertext, iv, tag] = first.split('.').map((part) => Buffer.from(part, 'base64')) as [Buffer, Buffer, Buffer];
    expect(iv).toHaveLength(12);
    expect(tag).toHaveLength(16);
    expect(ciphertext).toHaveLength(Buffer.byteLength(payload, 'utf8'));
    expect(second.split('.')[1]).not.toBe(first.split('.')[1]);
    const key = createHash('sha256').update(DEFAULT_LICENSE_KEY + DEFAULT_FINGERPRINT, 'utf8').digest();
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    expect(Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8')).toBe(payload);
  });

  it('is byte-identical to the independent test signer for deterministic algorithms', () => {
    for (const algorithm of ['base64+ed25519', 'base64+rsa-sha256'] as const) {
      for (const kind of KINDS) {
        const payload = payloadFor(kind);
        const reference = referenceSign({ kind, alg: algorithm, payload, keys: signingKeys(signingFamilyOf(algorithm)) });
        expect(signed(kind, algorithm, payload)).toBe(reference.certificate);
      }
    }
  });
});

describe('signingFamilyOf', () => {
  it('maps every algorithm to its key family', () => {
    expect(ALGORITHMS.map(signingFamilyOf)).toEqual(['ed25519', 'ecdsa-p256', 'rsa', 'rsa', 'ed25519', 'ecdsa-p256', 'rsa', 'rsa']);
  });
});

describe('signCertificate refuses programming errors with a TypeError', () => {
  const attempt = (algorithm: Algorithm, signingKey: KeyObject, extra: { licenseKey?: string; fingerprint?: string; kind?: CertificateKind } = {}) => () =>
    signCertificate({ kind: extra.kind ?? 'license', algorithm, signingKey, payload: payloadFor('license'), licenseKey: extra.licenseKey, fingerprint: extra.fingerprint });

  it('a key of another family', () => {
    expect(attempt('base64+rsa-sha256', signingKeys('ed25519').privateKey)).toThrow(TypeError);
    expect(attempt('base64+ed25519', signingKeys('ecdsa-p256').privateKey)).toThrow(TypeError);
    expect(attempt('aes-256-gcm+ecdsa-p256', signingKeys('rsa').privateKey, { licenseKey: DEFAULT_LICENSE_KEY })).toThrow(TypeError);
    expect(attempt('base64+rsa-pss-sha256', signingKeys('ecdsa-p256').privateKey)).toThrow(TypeError);
  });

  it('a public key instead of the private key', () => {
    expect(attempt('base64+ed25519', signingKeys('ed25519').publicKey)).toThrow(/private key/);
  });

  it('an EC key on another curve, or an RSA key under 2048 bits', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    expect(attempt('base64+ecdsa-p256', p384)).toThrow(TypeError);
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    expect(attempt('base64+rsa-sha256', rsa1024)).toThrow(TypeError);
  });

  it('an encrypted file without its license key, or a machine file without its fingerprint', () => {
    const key = signingKeys('ed25519').privateKey;
    expect(attempt('aes-256-gcm+ed25519', key)).toThrow(/license key/);
    expect(attempt('aes-256-gcm+ed25519', key, { kind: 'machine', licenseKey: DEFAULT_LICENSE_KEY })).toThrow(/fingerprint/);
  });

  it('an unknown algorithm', () => {
    expect(attempt('base64+ed448' as Algorithm, signingKeys('ed25519').privateKey)).toThrow(TypeError);
  });
});
