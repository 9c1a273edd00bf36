/**
 * Conformance: every certificate in test/fixtures/keygen-vectors, produced by real Keygen servers,
 * through both engines (node:crypto and portable), with an injected clock.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';
import { importPortableKey, verifyCertificateSignaturePortable, verifyLicenseFilePortable } from '../../src/license-file/portable.js';
import { verifyCertificateSignature, verifyLicenseFile } from '../../src/license-file/verify.js';
import type { VerifyOptions } from '../../src/license-file/types.js';
import { VECTORS_DIR } from '../support/vectors.js';

interface CertificateVector {
  name: string;
  kind: 'license' | 'machine';
  alg: string;
  expect_signature_valid: boolean;
  expect_decrypt_ok: boolean | null;
  plaintext_sha256?: string;
  meta?: { issued: string; expiry: string | null; ttl: number | null };
  data_type?: string;
  data_id?: string;
  data_attributes_key?: string;
  included_types?: string[];
  public_key_ed25519_hex: string;
  license_key: string | null;
  fingerprint: string | null;
}

const vectors = (JSON.parse(readFileSync(new URL('certificates.json', VECTORS_DIR), 'utf8')) as { vectors: CertificateVector[] }).vectors;
const file = (vector: CertificateVector, name: string): Buffer => readFileSync(new URL(`${vector.name}/${name}`, VECTORS_DIR));
const pinned = (vector: CertificateVector): PinnedKey => {
  const parsed = parsePublicKey(vector.public_key_ed25519_hex);
  if (!parsed.ok) throw new Error(`bad key in ${vector.name}`);
  return parsed.value;
};
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const at = (iso: string, offsetMs = 0): number => Date.parse(iso) + offsetMs;

describe('keygen vectors', () => {
  it('covers every vector directory', () => {
    expect(vectors.length).toBe(20);
    expect(vectors.filter((vector) => vector.kind === 'machine').length).toBe(3);
  });

  describe.each(vectors)('$name', (vector) => {
    const certificate = file(vector, 'certificate.lic');

    it('signature check matches the expected result in both engines', async () => {
      const node = verifyCertificateSignature(certificate, pinned(vector));
      const key = await importPortableKey(vector.public_key_ed25519_hex);
      if (!key.ok) throw new Error('portable key import failed');
      const portable = await verifyCertificateSignaturePortable(certificate, key.value);
      expect(node.ok).toBe(vector.expect_signature_valid);
      expect(portable.ok).toBe(vector.expect_signature_valid);
      if (!vector.expect_signature_valid) {
        expect(node.ok ? null : node.code).toBe('LICENSE_FILE_NOT_GENUINE');
        expect(portable.ok ? null : portable.code).toBe('LICENSE_FILE_NOT_GENUINE');
      } else if (node.ok) {
        expect(node.value.kind).toBe(vector.kind);
        expect(node.value.alg).toBe(vector.alg);
      }
    });

    if (vector.expect_decrypt_ok !== true || !vector.license_key || !vector.meta) return;
    const meta = vector.meta;
    const options = (now: number): VerifyOptions => ({ licenseKey: vector.license_key, fingerprint: vector.fingerprint, now });

    if (!vector.expect_signature_valid) {
      it('is rejected before decryption even though its ciphertext decrypts', async () => {
        // The ciphertext is intact: a decrypt-first implementation would accept this file.
        const outer = JSON.parse(Buffer.from(certificate.toString('latin1').split('\n').slice(1, -2).join(''), 'base64').toString()) as { enc: string };
        const [ciphertext, iv, tag] = outer.enc.split('.') as [string, string, string];
        const decipher = createDecipheriv('aes-256-gcm', createHash('sha256').update(vector.license_key ?? '').digest(), Buffer.from(iv, 'base64'));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString();
        expect(sha256(plaintext)).toBe(vector.plaintext_sha256);

        const result = verifyLicenseFile(certificate, pinned(vector), options(at(meta.issued, 1000)));
        expect(result).toMatchObject({ ok: false, code: 'LICENSE_FILE_NOT_GENUINE' });
        const key = await importPortableKey(vector.public_key_ed25519_hex);
        if (!key.ok) throw new Error('portable key import failed');
        const portable = await verifyLicenseFilePortable(certificate, key.value, options(at(meta.issued, 1000)));
        expect(portable).toMatchObject({ ok: false, code: 'LICENSE_FILE_NOT_GENUINE' });
      });
      return;
    }

    it('verifies, decrypts to the exact plaintext bytes and decodes meta and resources', async () => {
      const now = at(meta.issued, 1000);
      const result = verifyLicenseFile(certificate, pinned(vector), options(now));
      if (!result.ok) throw new Error(`${vector.name}: ${result.code}`);
      const verified = result.value;
      expect(sha256(verified.payload)).toBe(vector.plaintext_sha256);
      expect(verified.payload).toBe(file(vector, 'decrypted.json').toString('utf8'));
      expect(verified.meta).toEqual(meta);
      expect(verified.kind).toBe(vector.kind);
      expect(verified.encrypted).toBe(true);
      expect(verified.included.map((resource) => resource.type)).toEqual(vector.included_types ?? []);
      const data = vector.kind === 'license' ? verified.license : verified.machine;
      expect(data?.id).toBe(vector.data_id);
      expect(data?.type).toBe(vector.data_type);
      if (vector.kind === 'license') expect(verified.license?.attributes.key).toBe(vector.data_attributes_key);
      if (vector.kind === 'machine') expect(verified.machine?.attributes.fingerprint).toBe(vector.fingerprint);
      expect(verified.entitlements.length).toBe((vector.included_types ?? []).filter((type) => type === 'entitlements').length);

      const key = await importPortableKey(vector.public_key_ed25519_hex);
      if (!key.ok) throw new Error('portable key import failed');
      const portable = await verifyLicenseFilePortable(certificate, key.value, options(now));
      expect(portable).toEqual(result);
    });

    it('uses meta.expiry as given, never issued + ttl', () => {
      if (meta.expiry === null) {
        // No TTL: the file never expires, even a century later.
        expect(verifyLicenseFile(certificate, pinned(vector), options(Date.parse('2126-01-01T00:00:00Z'))).ok).toBe(true);
        return;
      }
      const expiry = Date.parse(meta.expiry);
      expect(verifyLicenseFile(certificate, pinned(vector), options(expiry)).ok).toBe(true);
      expect(verifyLicenseFile(certificate, pinned(vector), options(expiry + 1))).toMatchObject({ ok: false, code: 'LICENSE_FILE_EXPIRED' });
      if (meta.ttl !== null) {
        const naive = Date.parse(meta.issued) + meta.ttl * 1000;
        if (naive !== expiry) {
          // Between the naive and the real expiry the two rules disagree; the real one wins.
          const between = Math.min(naive, expiry) + Math.floor(Math.abs(naive - expiry) / 2);
          expect(verifyLicenseFile(certificate, pinned(vector), options(between)).ok).toBe(between <= expiry);
        }
      }
    });

    it('rejects a future issue date beyond the allowed drift, and a rolled-back clock', () => {
      const issued = Date.parse(meta.issued);
      expect(verifyLicenseFile(certificate, pinned(vector), options(issued - 4 * 60_000)).ok).toBe(true);
      expect(verifyLicenseFile(certificate, pinned(vector), options(issued - 6 * 60_000))).toMatchObject({
        ok: false,
        code: 'LICENSE_FILE_ISSUED_IN_FUTURE',
      });
      expect(
        verifyLicenseFile(certificate, pinned(vector), { ...options(issued + 1000), watermark: issued + 60_000 }),
      ).toMatchObject({ ok: false, code: 'CLOCK_ROLLED_BACK' });
    });

    it('refuses to decrypt with a wrong license key', () => {
      const result = verifyLicenseFile(certificate, pinned(vector), { ...options(at(meta.issued, 1000)), licenseKey: `${vector.license_key}X` });
      expect(result).toMatchObject({ ok: false, code: 'LICENSE_FILE_DECRYPTION_FAILED' });
    });

    if (vector.kind === 'machine') {
      it('is bound to its fingerprint', () => {
        const other = verifyLicenseFile(certificate, pinned(vector), { ...options(at(meta.issued, 1000)), fingerprint: 'f'.repeat(64) });
        expect(other).toMatchObject({ ok: false, code: 'LICENSE_FILE_DECRYPTION_FAILED' });
        const missing = verifyLicenseFile(certificate, pinned(vector), { ...options(at(meta.issued, 1000)), fingerprint: null });
        expect(missing).toMatchObject({ ok: false, code: 'FINGERPRINT_MISMATCH' });
      });
    }
  });

  it('the expired EE fixture reports expiry at its own expiry time', () => {
    const vector = vectors.find((candidate) => candidate.name === 'ee-license-expired');
    if (!vector?.meta?.expiry) throw new Error('vector missing');
    const result = verifyLicenseFile(file(vector, 'certificate.lic'), pinned(vector), {
      licenseKey: vector.license_key,
      now: Date.parse('2026-11-24T00:00:00Z'),
    });
    expect(result).toMatchObject({ ok: false, code: 'LICENSE_FILE_EXPIRED' });
  });

  it('a certificate signed by one account does not verify with another account key', () => {
    const vector = vectors.find((candidate) => candidate.name === 'ee-license-valid');
    const demo = vectors.find((candidate) => candidate.name === 'demo-license-node-2024');
    if (!vector || !demo) throw new Error('vector missing');
    const result = verifyLicenseFile(file(vector, 'certificate.lic'), pinned(demo), { licenseKey: vector.license_key, now: Date.now() });
    expect(result).toMatchObject({ ok: false, code: 'LICENSE_FILE_NOT_GENUINE' });
  });
});
