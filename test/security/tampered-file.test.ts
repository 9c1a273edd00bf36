/**
 * Threat: a genuine certificate altered in transit or by the licensee — one byte of the
 * ciphertext, IV, tag, signature or armor body changed. The signature covers `enc` as text, so
 * every change must be caught before anything is decrypted.
 */
import { describe, expect, it } from 'vitest';
import { parsePublicKey } from '../../src/license-file/public-key.js';
import { verifyLicenseFile } from '../../src/license-file/verify.js';

import {
  armorBody,
  genuine,
  rearmor,
  trustedOptions,
  type Alg,
  type Kind,
  type SignedCertificate,
  type SigningKeys,
} from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const isCanonicalBase64 = (text: string): boolean => text.length > 0 && Buffer.from(text, 'base64').toString('base64') === text;
const flipByte = (bytes: Buffer, index: number, mask = 0x01): Buffer => {
  const copy = Buffer.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ mask;
  return copy;
};

/** A certificate whose `enc` part (0 ciphertext, 1 iv, 2 tag) has one byte flipped and is re-encoded canonically. */
function withEncPartFlipped(signed: SignedCertificate, part: number, index: number): string {
  const parts = signed.enc.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64');
  parts[part] = flipByte(bytes, index < 0 ? bytes.length + index : index).toString('base64');
  return rearmor(signed.kind, { enc: parts.join('.'), sig: signed.sig, alg: signed.alg });
}

const ENCRYPTED: { kind: Kind; alg: Alg }[] = [
  { kind: 'license', alg: 'aes-256-gcm+ed25519' },
  { kind: 'machine', alg: 'aes-256-gcm+ed25519' },
  { kind: 'license', alg: 'aes-256-gcm+ecdsa-p256' },
  { kind: 'machine', alg: 'aes-256-gcm+rsa-pss-sha256' },
  { kind: 'license', alg: 'aes-256-gcm+rsa-sha256' },
];

describe('ciphertext byte flipped (bit-flipping attack on GCM)', () => {
  it.each(ENCRYPTED)('$kind $alg: first, middle and last ciphertext byte → LICENSE_FILE_NOT_GENUINE', async ({ kind, alg }) => {
    const signed = genuine(kind, alg);
    const length = Buffer.from(signed.enc.split('.')[0] ?? '', 'base64').length;
    for (const index of [0, Math.floor(length / 2), length - 1]) {
      // NOT_GENUINE, not DECRYPTION_FAILED: the signature is checked before decryption.
      expect(await outcome(withEncPartFlipped(signed, 0, index), signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
    }
  });

  it.each(ENCRYPTED)('$kind $alg: IV or tag byte → LICENSE_FILE_NOT_GENUINE', async ({ kind, alg }) => {
    const signed = genuine(kind, alg);
    for (const [part, index] of [[1, 0], [1, -1], [2, 0], [2, -1]] as const) {
      expect(await outcome(withEncPartFlipped(signed, part, index), signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
    }
  });

  it.each(['license', 'machine'] as const)('%s base64+ed25519: a payload byte → LICENSE_FILE_NOT_GENUINE', async (kind) => {
    const signed = genuine(kind, 'base64+ed25519');
    const payload = Buffer.from(signed.enc, 'base64');
    for (const index of [0, 100, payload.length - 1]) {
      const certificate = rearmor(kind, { enc: flipByte(payload, index).toString('base64'), sig: signed.sig, alg: signed.alg });
      expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
    }
  });
});

describe('signature byte flipped', () => {
  it.each(['aes-256-gcm+ed25519', 'base64+ecdsa-p256', 'base64+rsa-pss-sha256', 'aes-256-gcm+rsa-sha256'] as const)(
    '%s: first, middle and last signature byte → LICENSE_FILE_NOT_GENUINE',
    async (alg) => {
      const signed = genuine('license', alg);
      const sig = Buffer.from(signed.sig, 'base64');
      for (const index of [0, Math.floor(sig.length / 2), sig.length - 1]) {
        for (const mask of [0x01, 0x80]) {
          const certificate = rearmor('license', { enc: signed.enc, sig: flipByte(sig, index, mask).toString('base64'), alg });
          expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
        }
      }
    },
  );
});

describe('armor body character changed', () => {
  /**
   * Changes one base64 character of the armor body so that the decoded outer JSON stays valid
   * and only `field` changes (to a canonical-base64 value for enc and sig); returns the file.
   */
  function editBody(signed: SignedCertificate, field: 'enc' | 'sig' | 'alg'): string {
    const original = JSON.parse(signed.outer) as Record<string, string>;
    const body = Buffer.from(signed.outer).toString('base64');
    const start = signed.outer.indexOf(`"${field}":"`) + field.length + 4;
    for (let byte = start + 2; byte < start + 40; byte += 1) {
      const at = Math.floor((byte * 4) / 3);
      for (const replacement of ALPHABET) {
        if (replacement === body[at]) continue;
        const candidate = body.slice(0, at) + replacement + body.slice(at + 1);
        let decoded: Record<string, unknown>;
        try {
          decoded = JSON.parse(Buffer.from(candidate, 'base64').toString('utf8')) as Record<string, unknown>;
        } catch {
          continue;
        }
        const value = decoded[field];
        if (typeof value !== 'string' || value === original[field]) continue;
        if (Object.keys(decoded).some((key) => key !== field && decoded[key] !== original[key])) continue;
        if (field !== 'alg' && !value.split('.').every(isCanonicalBase64)) continue;
        return armorBody(signed.kind, candidate);
      }
    }
    throw new Error(`no single-character body edit changes only ${field}`);
  }

  const cases: { kind: Kind; alg: Alg }[] = [
    { kind: 'license', alg: 'aes-256-gcm+ed25519' },
    { kind: 'machine', alg: 'base64+ed25519' },
    { kind: 'license', alg: 'base64+rsa-sha256' },
  ];

  it.each(cases)('$kind $alg: a character inside enc → LICENSE_FILE_NOT_GENUINE', async ({ kind, alg }) => {
    const signed = genuine(kind, alg);
    expect(await outcome(editBody(signed, 'enc'), signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });

  it.each(cases)('$kind $alg: a character inside sig → LICENSE_FILE_NOT_GENUINE', async ({ kind, alg }) => {
    const signed = genuine(kind, alg);
    expect(await outcome(editBody(signed, 'sig'), signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });

  it.each(cases)('$kind $alg: a character inside alg → LICENSE_FILE_UNSUPPORTED_ALGORITHM', async ({ kind, alg }) => {
    const signed = genuine(kind, alg);
    expect(await outcome(editBody(signed, 'alg'), signed.keys)).toBe('LICENSE_FILE_UNSUPPORTED_ALGORITHM');
  });

  it.each(cases)('$kind $alg: the first character (JSON syntax) → LICENSE_FILE_MALFORMED', async ({ kind, alg }) => {
    const signed = genuine(kind, alg);
    const body = Buffer.from(signed.outer).toString('base64');
    // The body starts with 'e' ('{' is 011110|11); 'f' makes the first byte 0x7f: not JSON.
    const certificate = armorBody(kind, (body[0] === 'e' ? 'f' : 'e') + body.slice(1));
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });
});

describe('any single bit of the file flipped', () => {
  const REJECTED_BEFORE_DECRYPTION = ['LICENSE_FILE_MALFORMED', 'LICENSE_FILE_NOT_GENUINE', 'LICENSE_FILE_UNSUPPORTED_ALGORITHM'];

  it.each([
    { kind: 'license', alg: 'aes-256-gcm+ed25519' },
    { kind: 'machine', alg: 'base64+ed25519' },
  ] as const)('$kind $alg: every position, bits 0 and 7, is rejected before decryption', ({ kind, alg }) => {
    const signed = genuine(kind, alg, { entitlements: 1, components: 0 });
    const parsed = parsePublicKey(signed.keys.publicKeyText);
    if (!parsed.ok) throw new Error('test key rejected');
    const bytes = Buffer.from(signed.certificate, 'latin1');
    const codes = new Set<string>();
    for (let index = 0; index < bytes.length; index += 1) {
      for (const mask of [0x01, 0x80]) {
        const result = verifyLicenseFile(flipByte(bytes, index, mask), parsed.value, trustedOptions());
        // The final '\n' flipped to '\v' is still trailing whitespace: the file is intact.
        if (index === bytes.length - 1 && mask === 0x01) {
          expect(result.ok).toBe(true);
          continue;
        }
        const code = result.ok ? 'OK' : result.code;
        codes.add(code);
        if (!REJECTED_BEFORE_DECRYPTION.includes(code)) throw new Error(`flip 0x${mask.toString(16)} at ${index}: ${code}`);
      }
    }
    expect([...codes].sort()).toEqual(REJECTED_BEFORE_DECRYPTION);
  });
});

describe('armor header or footer edited', () => {
  const signed = genuine('license', 'aes-256-gcm+ed25519');
  const keys: SigningKeys = signed.keys;
  it.each([
    { name: 'LICENCE spelling', edit: (text: string) => text.replace('BEGIN LICENSE', 'BEGIN LICENCE') },
    { name: 'lower-case header', edit: (text: string) => text.replace('BEGIN LICENSE FILE', 'begin license file') },
    { name: 'four dashes', edit: (text: string) => text.replace('-----BEGIN', '----BEGIN') },
    { name: 'footer naming MACHINE', edit: (text: string) => text.replace('END LICENSE', 'END MACHINE') },
    { name: 'header naming MACHINE', edit: (text: string) => text.replace('BEGIN LICENSE', 'BEGIN MACHINE') },
    { name: 'no footer', edit: (text: string) => text.replace('-----END LICENSE FILE-----\n', '') },
    { name: 'no header', edit: (text: string) => text.replace('-----BEGIN LICENSE FILE-----\n', '') },
    { name: 'text before the header', edit: (text: string) => `Your license:\n${text}` },
    { name: 'text after the footer', edit: (text: string) => `${text}-- \nsent from my phone\n` },
    { name: 'two certificates concatenated', edit: (text: string) => text + text },
    { name: 'header and body on one line', edit: (text: string) => text.replace('-----\n', '----- ') },
  ])('$name → LICENSE_FILE_MALFORMED', async ({ edit }) => {
    expect(await outcome(edit(signed.certificate), keys)).toBe('LICENSE_FILE_MALFORMED');
  });
});
