/**
 * Threat: base64 malleability. Node's and browsers' decoders are lenient (non-zero padding bits,
 * missing padding, stray characters), so two different files could decode to the same bytes.
 * Only canonical, padded, standard-alphabet base64 is accepted, anywhere in the file — even
 * where the vendor key signed the odd encoding.
 */
import { describe, expect, it } from 'vitest';
import {
  armorBody,
  encodePayload,
  encryptionSecret,
  encryptParts,
  genuine,
  keysFor,
  rearmor,
  signBytes,
  signedMessage,
  signingOf,
  DEFAULT_LICENSE_KEY,
  type Alg,
  type SignedCertificate,
} from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `text` with a non-zero bit in the unused tail of its last group (decodes to the same bytes). */
function withPaddingBits(text: string): string {
  const at = text.endsWith('==') ? text.length - 3 : text.endsWith('=') ? text.length - 2 : -1;
  if (at < 0) throw new Error('no padding: no unused bits');
  const changed = text.slice(0, at) + ALPHABET[ALPHABET.indexOf(text.charAt(at)) | 1] + text.slice(at + 1);
  // The attack's premise: a lenient decoder cannot tell the two apart.
  expect(Buffer.from(changed, 'base64')).toEqual(Buffer.from(text, 'base64'));
  expect(changed).not.toBe(text);
  return changed;
}

/** A genuine certificate whose `predicate` holds, trying payloads of a few lengths. */
function genuineWhere(kind: 'license' | 'machine', alg: Alg, predicate: (signed: SignedCertificate) => boolean): SignedCertificate {
  for (const nameSuffix of ['', 'x', 'xx', 'xxx', 'xxxx', 'xxxxx']) {
    const signed = genuine(kind, alg, { nameSuffix });
    if (predicate(signed)) return signed;
  }
  throw new Error('no payload length satisfies the predicate');
}

/** A certificate with `enc` signed by the vendor key (the vendor itself produced the odd encoding). */
function vendorSigned(kind: 'license' | 'machine', alg: Alg, enc: string): string {
  const sig = signBytes(signingOf(alg), keysFor(alg).privateKey, signedMessage(kind, enc)).toString('base64');
  return rearmor(kind, { enc, sig, alg });
}

describe('non-zero padding bits (same bytes, different text)', () => {
  it.each([1, 2])('in the armor body (outer length ≡ %i mod 3) → LICENSE_FILE_MALFORMED', async (remainder) => {
    const signed = genuineWhere('license', 'aes-256-gcm+ed25519', (candidate) => candidate.outer.length % 3 === remainder);
    const body = withPaddingBits(Buffer.from(signed.outer).toString('base64'));
    expect(await outcome(signed.certificate, signed.keys), 'control').toBe('OK');
    expect(await outcome(armorBody('license', body), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('in the ciphertext part of enc, vendor-signed → LICENSE_FILE_MALFORMED', async () => {
    const signed = genuineWhere('license', 'aes-256-gcm+ed25519', (candidate) => Buffer.byteLength(candidate.payload) % 3 !== 0);
    const [ciphertext, iv, tag] = signed.enc.split('.') as [string, string, string];
    const certificate = vendorSigned('license', signed.alg, `${withPaddingBits(ciphertext)}.${iv}.${tag}`);
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('in the tag part of enc, vendor-signed → LICENSE_FILE_MALFORMED', async () => {
    const parts = encryptParts(genuine('license', 'aes-256-gcm+ed25519').payload, encryptionSecret('license', DEFAULT_LICENSE_KEY));
    const enc = `${parts.ciphertext.toString('base64')}.${parts.iv.toString('base64')}.${withPaddingBits(parts.tag.toString('base64'))}`;
    expect(await outcome(vendorSigned('license', 'aes-256-gcm+ed25519', enc), keysFor('aes-256-gcm+ed25519'))).toBe('LICENSE_FILE_MALFORMED');
  });

  it('in a base64 enc, vendor-signed → LICENSE_FILE_MALFORMED', async () => {
    const signed = genuineWhere('machine', 'base64+ed25519', (candidate) => candidate.enc.endsWith('='));
    expect(await outcome(vendorSigned('machine', 'base64+ed25519', withPaddingBits(signed.enc)), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it.each(['base64+ed25519', 'base64+ecdsa-p256', 'base64+rsa-pss-sha256'] as const)('in sig (%s) → LICENSE_FILE_MALFORMED', async (alg) => {
    const signed = genuineWhere('license', alg, (candidate) => candidate.sig.endsWith('='));
    expect(await outcome(rearmor('license', { enc: signed.enc, sig: withPaddingBits(signed.sig), alg }), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });
});

describe('missing or misplaced padding', () => {
  it('armor body without its "=" padding → LICENSE_FILE_MALFORMED', async () => {
    const signed = genuineWhere('license', 'base64+ed25519', (candidate) => candidate.outer.length % 3 !== 0);
    const body = Buffer.from(signed.outer).toString('base64').replace(/=+$/, '');
    expect(await outcome(armorBody('license', body), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('sig without its "==" padding → LICENSE_FILE_MALFORMED', async () => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    expect(signed.sig.endsWith('==')).toBe(true);
    const certificate = rearmor('license', { enc: signed.enc, sig: signed.sig.slice(0, -2), alg: signed.alg });
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('tag without its "==" padding, vendor-signed → LICENSE_FILE_MALFORMED', async () => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    expect(await outcome(vendorSigned('license', signed.alg, signed.enc.slice(0, -2)), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('base64 enc without padding, vendor-signed → LICENSE_FILE_MALFORMED', async () => {
    const signed = genuineWhere('license', 'base64+ed25519', (candidate) => candidate.enc.endsWith('='));
    expect(await outcome(vendorSigned('license', signed.alg, signed.enc.replace(/=+$/, '')), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('armor body with an extra "=" → LICENSE_FILE_MALFORMED', async () => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    expect(await outcome(armorBody('license', `${Buffer.from(signed.outer).toString('base64')}=`), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('armor body made of two padded base64 strings back to back → LICENSE_FILE_MALFORMED', async () => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    const outer = Buffer.from(signed.outer);
    const body = outer.subarray(0, 1).toString('base64') + outer.subarray(1).toString('base64');
    expect(await outcome(armorBody('license', body), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('base64 enc made of two padded strings back to back, vendor-signed → LICENSE_FILE_MALFORMED', async () => {
    const payload = Buffer.from(genuine('license', 'base64+ed25519').payload);
    const enc = payload.subarray(0, 1).toString('base64') + payload.subarray(1).toString('base64');
    expect(await outcome(vendorSigned('license', 'base64+ed25519', enc), keysFor('base64+ed25519'))).toBe('LICENSE_FILE_MALFORMED');
  });
});

describe('characters outside the standard alphabet', () => {
  const signed = genuine('license', 'aes-256-gcm+ed25519');
  const body = Buffer.from(signed.outer).toString('base64');
  const urlSafe = (text: string): string => text.replace(/\+/g, '-').replace(/\//g, '_');

  it.each([
    { name: 'base64url "-" and "_"', edit: (text: string) => (/[+/]/.test(text) ? urlSafe(text) : `-${text.slice(1)}`) },
    { name: 'a "*"', edit: (text: string) => `${text.slice(0, 100)}*${text.slice(101)}` },
    { name: 'a "." ', edit: (text: string) => `${text.slice(0, 100)}.${text.slice(101)}` },
    { name: 'a NUL', edit: (text: string) => `${text.slice(0, 100)}\u0000${text.slice(101)}` },
    { name: 'a vertical tab', edit: (text: string) => `${text.slice(0, 100)}\u000b${text.slice(101)}` },
    { name: 'a non-ASCII letter', edit: (text: string) => `${text.slice(0, 100)}é${text.slice(101)}` },
  ])('armor body with $name → LICENSE_FILE_MALFORMED', async ({ edit }) => {
    expect(await outcome(armorBody('license', edit(body)), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
    expect(await outcome(Buffer.from(armorBody('license', edit(body)), 'utf8'), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('sig in base64url, vendor key → LICENSE_FILE_MALFORMED', async () => {
    const withUrl = genuineWhereSig();
    expect(await outcome(rearmor('license', { enc: withUrl.enc, sig: urlSafe(withUrl.sig), alg: withUrl.alg }), withUrl.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('enc ciphertext in base64url, vendor-signed → LICENSE_FILE_MALFORMED', async () => {
    expect(signed.enc).toMatch(/[+/]/);
    expect(await outcome(vendorSigned('license', signed.alg, urlSafe(signed.enc)), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it.each([
    { name: 'a space inside the ciphertext', edit: (enc: string) => `${enc.slice(0, 40)} ${enc.slice(40)}` },
    { name: 'a newline inside the ciphertext', edit: (enc: string) => `${enc.slice(0, 40)}\n${enc.slice(40)}` },
    { name: 'a trailing newline', edit: (enc: string) => `${enc}\n` },
  ])('enc with $name, vendor-signed → LICENSE_FILE_MALFORMED (only the armor body may be wrapped)', async ({ edit }) => {
    expect(await outcome(vendorSigned('license', signed.alg, edit(signed.enc)), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('a base64 enc that is the payload in base64url, vendor-signed → LICENSE_FILE_MALFORMED', async () => {
    // Three '~' (0x7e) in a row: one lands last in a 3-byte group and encodes as '+'.
    const payload = genuine('license', 'base64+ed25519', { nameSuffix: '~~~' }).payload;
    expect(encodePayload(payload)).toMatch(/[+/]/);
    expect(await outcome(vendorSigned('license', 'base64+ed25519', urlSafe(encodePayload(payload))), keysFor('base64+ed25519'))).toBe('LICENSE_FILE_MALFORMED');
  });

  function genuineWhereSig(): SignedCertificate {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const candidate = genuine('license', 'aes-256-gcm+ed25519', { seed: `url-${attempt}` });
      if (/[+/]/.test(candidate.sig)) return candidate;
    }
    throw new Error('no signature with "+" or "/"');
  }
});
